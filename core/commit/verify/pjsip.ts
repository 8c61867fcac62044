import type { ConfigSection, LoadedStateProbe, ModuleVerifier, VerifyFinding } from '../../../sdk/commit.ts';
import { isMarker, listed, missingFrom, ofType, valueOf } from './config.ts';

/** Endpoint options worth reading back, with the EndpointDetail header Asterisk shows them under. */
const DETAIL_FIELDS: readonly (readonly [option: string, header: string, kind: 'text' | 'list' | 'callerid'])[] = [
  ['callerid', 'Callerid', 'callerid'], ['context', 'Context', 'text'], ['aors', 'Aors', 'list'], ['auth', 'Auth', 'list'],
  ['mailboxes', 'Mailboxes', 'list'], ['moh_suggest', 'MohSuggest', 'text'], ['language', 'Language', 'text'],
  ['accountcode', 'Accountcode', 'text'], ['from_user', 'FromUser', 'text'], ['from_domain', 'FromDomain', 'text'],
  ['transport', 'Transport', 'text'],
];
/** PJSIPShowEndpoint is one round trip per endpoint: read back at most this many changed ones per server. */
export const VALUE_CHECK_CAP = 50;

/** `"Alice" <6101>`, `Alice <6101>`, `<6101>` and `6101` as Asterisk splits them (name, number). */
export function normaliseCallerId(v: string): string {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(v);
  if (m) return `${(m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim()}|${m[3]!.trim()}`;
  return `|${v.trim().replace(/^"(.*)"$/, '$1')}`;
}

const normalise = (kind: 'text' | 'list' | 'callerid', v: string) =>
  kind === 'callerid' ? normaliseCallerId(v) : kind === 'list' ? v.split(',').map((x) => x.trim()).filter(Boolean).join(',') : v.trim();

/** What `pjsip show identifies` lists: `Identify:  <identify>/<endpoint>` lines. */
export function parseIdentifies(lines: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const m = /^\s*Identify:\s+([^\s<][^\s/]*)\/\S+\s*$/.exec(l);
    return m ? [m[1]!] : [];
  });
}

/** `pjsip show transports`: `Transport:  <id>  <type>  <cos>  <tos>  <bind>` lines. */
export function parseTransports(lines: readonly string[]): Map<string, { protocol: string; bind: string }> {
  const out = new Map<string, { protocol: string; bind: string }>();
  for (const l of lines) {
    const m = /^\s*Transport:\s+([^\s<]\S*)\s+(\S+)\s+\d+\s+\d+\s+(\S+)\s*$/.exec(l);
    if (m) out.set(m[1]!, { protocol: m[2]!.toLowerCase(), bind: m[3]! });
  }
  return out;
}

/** `0.0.0.0` binds port 5060 (5061 for TLS/WSS) when none is given. */
export function normaliseBind(bind: string, protocol: string): string {
  const b = bind.trim().toLowerCase();
  const hasPort = b.startsWith('[') ? /\]:\d+$/.test(b) : /^[^:]*:\d+$/.test(b);
  return hasPort ? b : `${b}:${protocol === 'tls' || protocol === 'wss' ? 5061 : 5060}`;
}

async function names(probe: LoadedStateProbe, action: string, empty: string): Promise<Set<string>> {
  const items = await probe.list(action, {}, { emptyOnError: [empty] });
  return new Set(items.map((i) => i.get('ObjectName')).filter((x): x is string => !!x));
}

function fingerprint(s: ConfigSection): string {
  return DETAIL_FIELDS.map(([opt, , kind]) => normalise(kind, valueOf(s, opt) ?? '')).join('\n');
}

/**
 * res_pjsip: a rejected pjsip.conf keeps every old object with its old values and the reload
 * still answers success. So: the file's marker aor is loaded and the previous one gone; every
 * rendered endpoint (template-inherited `type` included) is listed and every removed one gone;
 * endpoints whose options changed show the new values; every identify is loaded (a `match`
 * host that does not resolve drops it); transports show the rendered bind (a bind or protocol
 * change needs a restart, which is reported as such, not as a failure).
 */
export const pjsipVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const aors = await names(probe, 'PJSIPShowAors', 'No AORs found');
    const markers = ofType(expected, 'aor').map((s) => s.name).filter(isMarker);
    for (const m of missingFrom(markers, aors)) out.push({ object: `marker ${m}`, message: 'not loaded: Asterisk kept its previous PJSIP config (the file, or the site file that includes it, was rejected)' });
    const oldMarkers = missingFrom(ofType(previous, 'aor').map((s) => s.name).filter(isMarker), new Set(markers));
    for (const m of oldMarkers.filter((n) => aors.has(n))) out.push({ object: `marker ${m}`, message: "of the previous revision is still loaded: Asterisk did not apply the new file" });

    const endpoints = await names(probe, 'PJSIPShowEndpoints', 'No endpoints found');
    const want = ofType(expected, 'endpoint');
    const missing = missingFrom(want.map((s) => s.name), endpoints);
    if (missing.length) out.push({ object: `endpoint${missing.length > 1 ? 's' : ''} ${listed(missing)}`, message: 'not loaded' });
    const removed = missingFrom(ofType(previous, 'endpoint').map((s) => s.name), new Set(want.map((s) => s.name))).filter((n) => endpoints.has(n));
    if (removed.length) out.push({ object: `endpoint${removed.length > 1 ? 's' : ''} ${listed(removed)}`, message: 'removed but still loaded' });

    // Values: only endpoints whose compared options changed (all of them when nothing is known before).
    const before = new Map(ofType(previous, 'endpoint').map((s) => [s.name, fingerprint(s)]));
    const changed = want.filter((s) => endpoints.has(s.name) && before.get(s.name) !== fingerprint(s)).slice(0, VALUE_CHECK_CAP);
    for (const s of changed) {
      const [detail] = (await probe.list('PJSIPShowEndpoint', { Endpoint: s.name })).filter((i) => i.get('ObjectType') === 'endpoint' || i.get('Event') === 'EndpointDetail');
      if (!detail) { out.push({ object: `endpoint ${s.name}`, message: 'has no EndpointDetail' }); continue; }
      for (const [opt, header, kind] of DETAIL_FIELDS) {
        const rendered = valueOf(s, opt);
        if (rendered === undefined) continue;
        const loaded = detail.get(header) ?? '';
        if (normalise(kind, loaded) !== normalise(kind, rendered)) out.push({ object: `endpoint ${s.name}`, message: `${opt} is "${loaded}", rendered "${rendered}": Asterisk kept the old value (file rejected?)` });
      }
    }

    const identifies = ofType(expected, 'identify').map((s) => s.name);
    if (identifies.length) {
      const loaded = new Set(parseIdentifies(await probe.command('pjsip show identifies')));
      for (const n of missingFrom(identifies, loaded)) out.push({ object: `identify ${n}`, message: 'not loaded (a match host that does not resolve on the server drops it)' });
    }

    const transports = ofType(expected, 'transport');
    if (transports.length) {
      const loaded = parseTransports(await probe.command('pjsip show transports'));
      for (const t of transports) {
        const protocol = (valueOf(t, 'protocol') ?? 'udp').toLowerCase();
        const bind = normaliseBind(valueOf(t, 'bind') ?? '0.0.0.0', protocol);
        const have = loaded.get(t.name);
        if (!have) { out.push({ object: `transport ${t.name}`, message: 'not loaded' }); continue; }
        if (have.protocol !== protocol || normaliseBind(have.bind, have.protocol) !== bind) {
          out.push({ object: `transport ${t.name}`, message: `still ${have.protocol} ${have.bind}, rendered ${protocol} ${bind}: a transport's bind and protocol change only when Asterisk restarts`, restartRequired: true });
        }
      }
    }
    return out;
  },
};
