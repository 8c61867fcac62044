/** CLI renderings of the simulator, matching the recorded Asterisk 20 layout. */
import { createHash } from 'node:crypto';
import type { PbxState } from './state.ts';
import { transportRow } from './pjsip-show.ts';

const HEADER = [
  '',
  ' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>',
  '    I/OAuth:  <AuthId/UserName...........................................................>',
  '        Aor:  <Aor............................................>  <MaxContact>',
  '      Contact:  <Aor/ContactUri..........................> <Hash....> <Status> <RTT(ms)..>',
  '  Transport:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress..................>',
  '   Identify:  <Identify/Endpoint.........................................................>',
  '        Match:  <criteria.........................>',
  '    Channel:  <ChannelId......................................>  <State.....>  <Time.....>',
  '        Exten: <DialedExten...........>  CLCID: <ConnectedLineCID.......>',
  '==========================================================================================',
];

/** `pjsip show endpoints` output lines. */
export function renderPjsipShowEndpoints(state: PbxState): string[] {
  const names = state.endpointNames();
  if (names.length === 0) return ['No objects found.', ''];
  const out = [...HEADER];
  for (const n of names) {
    const cid = state.endpointCallerId(n);
    const label = cid?.num ? `${n}/${cid.num}` : n;
    out.push('');
    out.push(` Endpoint:  ${label.padEnd(53)}${state.endpointDeviceState(n).padEnd(14)}${state.endpointChannels(n).length} of inf`);
    for (const a of state.endpointAuths(n)) {
      const auth = state.pjsip.get('auth', a);
      if (auth) out.push(`     InAuth:  ${a}/${auth.options.username ?? a}`);
    }
    for (const a of state.endpointAors(n)) {
      const aor = state.pjsip.get('aor', a);
      if (!aor) continue;
      out.push(`        Aor:  ${a.padEnd(51)}${aor.options.max_contacts ?? '0'}`);
      for (const c of state.aorContacts(a)) {
        const hash = createHash('md5').update(c.uri).digest('hex').slice(0, 10);
        out.push(`      Contact:  ${`${c.aor}/${c.uri}`.padEnd(43)}${hash} ${'NonQual'.padEnd(7)}${'nan'.padStart(12)}`);
      }
    }
    const t = state.pjsip.get('transport', state.pjsip.get('endpoint', n)?.options.transport ?? '');
    if (t) out.push(transportRow(t, 11));
    for (const id of state.pjsip.list('identify').filter((o) => o.options.endpoint === n)) {
      out.push(`   Identify:  ${id.name}/${n}`, ...(id.matches ?? []).map((m) => `        Match: ${m}`));
    }
  }
  out.push('', '', `Objects found: ${names.length}`, '');
  return out;
}

/** Asterisk's extension order in `dialplan show`: plain extensions first, then patterns (byte order). */
function extenOrder(a: string, b: string): number {
  const pa = a.startsWith('_') ? 1 : 0;
  const pb = b.startsWith('_') ? 1 : 0;
  if (pa !== pb) return pa - pb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `dialplan show <ctx>` (pbx.c show_dialplan_helper: `  %-17s %-45s [%s]`). */
export function renderDialplanShow(state: PbxState, name: string): string[] {
  const ctx = state.dialplan.contexts.get(name);
  if (!ctx) return [`There is no existence of '${name}' context`];
  const row = (head: string, body: string, where: string) => `  ${head.padEnd(17)} ${body.padEnd(45)} [${where}]`;
  const lines = [`[ Context '${ctx.name}' created by 'pbx_config' ]`];
  let prios = 0;
  const extens = [...ctx.extensions.values()].sort((a, b) => extenOrder(a.exten, b.exten));
  for (const e of extens) {
    const ps = [...e.priorities].sort((a, b) => a.priority - b.priority);
    ps.forEach((p, i) => {
      prios++;
      const body = p.priority === -1 ? `hint: ${p.app}` : `${p.priority}. ${p.app}(${p.data})`;
      lines.push(row(i === 0 ? `'${e.exten}' =>` : '', body, `${p.file}:${p.line}`));
    });
  }
  for (const inc of ctx.includes) lines.push(row('Include =>', `'${inc}'`, 'pbx_config'));
  lines.push('', `-= ${extens.length} ${extens.length === 1 ? 'extension' : 'extensions'} (${prios} ${prios === 1 ? 'priority' : 'priorities'}) in 1 context. =-`);
  return lines;
}
