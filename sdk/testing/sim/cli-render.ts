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
