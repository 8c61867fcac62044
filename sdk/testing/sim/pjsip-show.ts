/**
 * PJSIP object renderings shared by AMI and CLI: PJSIPShowEndpoint's detail events and the
 * `pjsip show transports` / `pjsip show identifies` tables (res_pjsip/pjsip_cli.c framing,
 * config_transport.c and res_pjsip_endpoint_identifier_ip.c bodies).
 */
import { createHash } from 'node:crypto';
import type { Fields, PbxState } from './state.ts';
import type { PjsipObject } from './pjsip.ts';
import { ENDPOINT_DETAIL, TRANSPORT_DETAIL } from './pjsip-fields.ts';

export function camel(k: string): string {
  return k.split('_').map((w) => (w[0]?.toUpperCase() ?? '') + w.slice(1)).join('');
}

const TRUE = /^(yes|true|y|t|1|on)$/i;
const FALSE = /^(no|false|n|f|0|off)$/i;

/** The codec list as res_pjsip prints it: `(ulaw|alaw)` after applying disallow/allow in order. */
function codecs(o: PjsipObject): string {
  let list: string[] = [];
  for (const step of o.codecSteps ?? []) {
    for (const c of step.codecs) {
      if (step.allow) {
        if (c === 'all') continue;
        if (!list.includes(c)) list.push(c);
      } else list = c === 'all' ? [] : list.filter((x) => x !== c);
    }
  }
  return `(${list.join('|')})`;
}

/** `"Name" <num>` as ast_callerid_merge prints a caller ID; `<unknown>` when unset. */
function callerId(v: string | undefined): string {
  if (!v) return '<unknown>';
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(v);
  if (!m) return v.trim();
  const [name, num] = [(m[1] ?? '').trim(), (m[2] ?? '').trim()];
  if (name && num) return `"${name}" <${num}>`;
  return name || num || '<unknown>';
}

/** A written value as res_pjsip prints it back, given the field's default form. */
function shown(value: string, dflt: string): string {
  if (dflt === 'true' || dflt === 'false') return TRUE.test(value) ? 'true' : FALSE.test(value) ? 'false' : value;
  return value;
}

/** What `webrtc = yes` switches on (res_pjsip/pjsip_configuration.c endpoint apply). */
const WEBRTC: Record<string, string> = {
  RtcpMux: 'true', UseAvpf: 'true', IceSupport: 'true', MediaUseReceivedTransport: 'true', MediaEncryption: 'dtls',
  DtlsVerify: 'Fingerprint', DtlsSetup: 'actpass', Bundle: 'true',
};

/** acl_to_str: the first ACL of the list; the unnamed permit/deny one comes first. */
function firstAcl(o: PjsipObject, prefix: '' | 'contact_'): string {
  if (o.entries.some(([k]) => k === `${prefix}permit` || k === `${prefix}deny`)) return 'deny/permit';
  const first = o.entries.find(([k]) => k === `${prefix}acl`);
  return (first?.[1] ?? '').split(',')[0]?.trim() ?? '';
}

/** Fields of one sorcery object in the recorded order, written options over the defaults. */
function objectFields(o: PjsipObject, table: Array<[string, string]>): Fields {
  const written = new Map(Object.entries(o.options).map(([k, v]) => [camel(k), v]));
  const webrtc = o.type === 'endpoint' && TRUE.test(o.options.webrtc ?? '');
  return table.map(([k, d]): [string, string] => {
    if (k === 'Allow') return [k, codecs(o)];
    if (k === 'Callerid') return [k, callerId(o.options.callerid)];
    if (k === 'Acl' || k === 'ContactAcl') return [k, firstAcl(o, k === 'Acl' ? '' : 'contact_')];
    if (webrtc && WEBRTC[k]) return [k, WEBRTC[k]];
    if (webrtc && k === 'DtlsAutoGenerateCert' && !o.options.dtls_cert_file) return [k, 'Yes'];
    const v = written.get(k);
    return [k, v === undefined ? d : shown(v, d)];
  });
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** The events PJSIPShowEndpoint lists for an endpoint (EndpointDetail, AuthDetail, TransportDetail, AorDetail, ContactStatusDetail). */
export function endpointDetailItems(state: PbxState, name: string): Array<{ event: string; fields: Fields }> {
  const e = state.pjsip.get('endpoint', name);
  if (!e) return [];
  const items: Array<{ event: string; fields: Fields }> = [];
  items.push({
    event: 'EndpointDetail',
    fields: [['ObjectType', 'endpoint'], ['ObjectName', name], ...objectFields(e, ENDPOINT_DETAIL), ['DeviceState', state.endpointDeviceState(name)], ['ActiveChannels', String(state.endpointChannels(name).length)]],
  });
  for (const a of state.endpointAuths(name)) {
    const o = state.pjsip.get('auth', a);
    if (o) items.push({ event: 'AuthDetail', fields: [['ObjectType', 'auth'], ['ObjectName', a], ...authFields(o), ['EndpointName', name]] });
  }
  const t = e.options.transport ? state.pjsip.get('transport', e.options.transport) : undefined;
  if (t) items.push({ event: 'TransportDetail', fields: [['ObjectType', 'transport'], ['ObjectName', t.name], ...objectFields(t, TRANSPORT_DETAIL), ['EndpointName', name]] });
  for (const a of state.endpointAors(name)) {
    const o = state.pjsip.get('aor', a);
    if (!o) continue;
    const contacts = state.aorContacts(a);
    items.push({ event: 'AorDetail', fields: [['ObjectType', 'aor'], ['ObjectName', a], ...aorFields(state, o), ['TotalContacts', String(contacts.length)], ['ContactsRegistered', String(contacts.filter((c) => !c.permanent).length)], ['EndpointName', name]] });
    for (const c of contacts) {
      const reg = c.reg;
      items.push({
        event: 'ContactStatusDetail',
        fields: [
          ['AOR', a], ['URI', c.uri], ['UserAgent', reg?.userAgent ?? ''], ['RegExpire', String(reg?.expiresAt ?? 0)],
          ...(reg ? ([['ViaAddress', `${reg.viaAddr}:${reg.viaPort}`], ['CallID', reg.callId]] as Fields) : []),
          ['Status', state.contactStatus(a, c.uri)], ['RoundtripUsec', 'N/A'], ['EndpointName', name], ['ID', `${a}${reg ? ';@' : '@@'}${md5(c.uri)}`],
          ['AuthenticateQualify', '0'], ['OutboundProxy', ''], ['Path', ''], ['QualifyFrequency', '0'], ['QualifyTimeout', '3.000'], ['Qualify2xxOnly', '0'],
        ],
      });
    }
  }
  return items;
}

export function authFields(o: PjsipObject): Fields {
  return [
    ['OauthSecret', ''], ['PasswordDigest', ''], ['SupportedAlgorithmsUas', 'MD5'], ['RefreshToken', ''], ['Username', o.options.username ?? ''],
    ['Md5Cred', o.options.md5_cred ?? ''], ['Realm', o.options.realm ?? ''], ['AuthType', o.options.auth_type ?? 'userpass'],
    ['Password', o.options.password ?? ''], ['SupportedAlgorithmsUac', 'MD5'], ['NonceLifetime', o.options.nonce_lifetime ?? '32'], ['OauthClientid', ''],
  ];
}

export function aorFields(state: PbxState, o: PjsipObject): Fields {
  return [
    ['MinimumExpiration', o.options.minimum_expiration ?? '60'], ['DefaultExpiration', o.options.default_expiration ?? '3600'],
    ['QualifyTimeout', '3.000000'], ['Qualify2xxOnly', 'false'], ['Mailboxes', o.options.mailboxes ?? ''], ['SupportPath', 'false'],
    ['RemoveUnavailable', 'false'], ['VoicemailExtension', ''], ['MaxContacts', o.options.max_contacts ?? '0'], ['AuthenticateQualify', 'false'],
    ['Contacts', state.aorContacts(o.name).map((c) => `${c.aor}/${c.uri}`).join(',')], ['MaximumExpiration', o.options.maximum_expiration ?? '7200'],
    ['QualifyFrequency', o.options.qualify_frequency ?? '0'], ['RemoveExisting', 'false'], ['OutboundProxy', ''],
  ];
}

const RULE = '==========================================================================================';

/** One transport row: `%*s:  %-21s  %6s  %5u  %5u  %s` at the given indent. */
export function transportRow(t: PjsipObject, indent: number): string {
  return `${'Transport'.padStart(indent)}:  ${t.name.padEnd(21)}  ${(t.options.protocol ?? 'udp').padStart(6)}  ${(t.options.cos ?? '0').padStart(5)}  ${(t.options.tos ?? '0').padStart(5)}  ${t.options.bind ?? '0.0.0.0:5060'}`;
}

/** CLI `pjsip show transports`. */
export function renderTransports(state: PbxState): string {
  const ts = state.pjsip.list('transport');
  if (ts.length === 0) return 'No objects found.\n\n';
  const header = `${'Transport'.padStart(9)}:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress${'.'.repeat(90 - 9 - 61)}>`;
  return `\n${header}\n${RULE}\n\n${ts.map((t) => `${transportRow(t, 9)}\n`).join('')}\nObjects found: ${ts.length}\n\n`;
}

/** CLI `pjsip show identifies`. */
export function renderIdentifies(state: PbxState): string {
  const ids = state.pjsip.list('identify');
  if (ids.length === 0) return 'No objects found.\n\n';
  const header = `${'Identify'.padStart(9)}:  <Identify/Endpoint${'.'.repeat(90 - 9 - 22)}>\n${'Match'.padStart(11)}:  <criteria${'.'.repeat(62 - 11 - 24)}>`;
  const body = ids.map((o) => `${'Identify'.padStart(9)}:  ${o.name}/${o.options.endpoint ?? ''}\n${(o.matches ?? []).map((m) => `${'Match'.padStart(11)}: ${m}\n`).join('')}\n`).join('');
  return `\n${header}\n${RULE}\n\n${body}\nObjects found: ${ids.length}\n\n`;
}
