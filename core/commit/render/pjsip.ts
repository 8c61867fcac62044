import {
  bindAddress, CALLERID_MAX_BYTES, callerIdProblem, hostProblem, ipProblem, networkProblem, truncateUtf8, uriHost,
} from '../../../sdk/asterisk-syntax.ts';
import { confName, configTextProblem, UnsafeConfigValueError } from '../../../sdk/config-text.ts';
import type { ClusterSnapshotView, ExtensionView, GroupView, TenantView, TrunkView } from '../../../sdk/commit.ts';
import {
  byExtension, byName, codecs, ConfWriter, extensionContext, fileHeader, groupsById, names, RESERVED_SECTIONS,
  RenderError, trunkContext, voicemailBox,
} from './common.ts';

export const PJSIP_FILE = 'acm/pjsip.acm.conf';

/** Codecs an endpoint gets when neither it nor its group names any. */
export const DEFAULT_CODECS = ['ulaw', 'alaw'];
/** qualify=yes in the seed meant "probe"; PJSIP wants a period in seconds. */
export const QUALIFY_FREQUENCY = 60;

const DTMF: Record<string, string> = {
  rfc2833: 'rfc4733', rfc4733: 'rfc4733', inband: 'inband', info: 'info', auto: 'auto', auto_info: 'auto_info',
};

function mapped(table: Record<string, string>, value: string, object: string, field: string): string {
  const v = table[value];
  if (v === undefined) throw new RenderError(object, field, `"${value}" has no PJSIP equivalent`);
  return v;
}

/** `sip:[user@]host[:port]`, IPv6 literals in brackets; host, port and user each checked on their own. */
export function sipUri(host: string, port?: number | string | null, user?: string | null, userField = 'user'): string {
  const problem = hostProblem(host);
  if (problem) throw new UnsafeConfigValueError('host', problem);
  if (port !== null && port !== undefined && port !== '' && !(/^[0-9]{1,5}$/.test(String(port)) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new UnsafeConfigValueError('port', 'a port number 1-65535');
  }
  // The user part of a URI: an `@` or `:` in it would move the host.
  // `#` would start a URI fragment.
  if (user && !/^[A-Za-z0-9_.+*-]+$/.test(user)) throw new UnsafeConfigValueError(userField, 'the user part of a SIP URI may use letters, digits and _.+*- only');
  const u = user ? `${user}@` : '';
  return `sip:${u}${uriHost(host)}${port ? `:${Number(port)}` : ''}`;
}

/** The address the transports bind to: the cluster's setting, else every IPv4 address. */
export function clusterBindAddress(s: ClusterSnapshotView): string {
  const addr = s.cluster.sipBindAddress || '0.0.0.0';
  const problem = ipProblem(addr);
  if (problem) throw new RenderError(`cluster ${s.cluster.name}`, 'sipBindAddress', problem);
  return addr;
}

/** A host name or address given as a value (`from_domain`). */
function hostValue(value: string | null | undefined, object: string, field: string): string | null | undefined {
  const problem = value ? hostProblem(value) : null;
  if (problem) throw new RenderError(object, field, problem);
  return value;
}

/** An endpoint's `permit =`/`deny =`: one network, as main/acl.c reads it. */
function networkValue(value: string | null | undefined, object: string, field: string): string | null | undefined {
  const problem = value ? networkProblem(value) : null;
  if (problem) throw new RenderError(object, field, problem);
  return value;
}

/** Transports: the cluster's SIP port when all its servers agree, else 5060. */
export function clusterSipPort(s: ClusterSnapshotView): number {
  const ports = [...new Set(s.servers.map((sv) => sv.sipPort).filter((p): p is number => typeof p === 'number'))];
  return ports.length === 1 ? ports[0]! : 5060;
}

export function trunkTransport(tr: TrunkView): string {
  return `transport-${tr.transport || 'udp'}`;
}

/** `contexts`: endpoint contexts plugins give instead of the core's, by extension id (core/commit/files.ts checks them). */
export function renderPjsip(s: ClusterSnapshotView, contexts: ReadonlyMap<number, string> = new Map()): string {
  const w = new ConfWriter(RESERVED_SECTIONS.pjsip);
  const t = s.tenant;
  fileHeader(w, s, 'pjsip.conf objects');
  const port = clusterSipPort(s);
  const bind = bindAddress(clusterBindAddress(s), port);

  // Transports: one per protocol in use (udp always). Not tenant-prefixed: a transport is a socket.
  const protocols = new Set(['udp', ...s.trunks.map((tr) => tr.transport || 'udp').filter((p) => p === 'tcp')]);
  for (const proto of [...protocols].sort()) {
    w.blank().comment(`${proto.toUpperCase()} transport of cluster ${s.cluster.name}`);
    // `raw`: an IPv6 bind starts with `[`, which `set` refuses in user text; the address is checked above.
    w.section(`transport-${proto}`).set('type', 'transport').set('protocol', proto).raw(`bind = ${bind}`);
  }

  // Group templates, by group name.
  const groups = groupsById(s);
  for (const g of [...s.groups].sort(byName)) {
    w.blank().comment(`group ${g.name} (id ${g.id}): endpoint template`);
    w.section(names.groupTemplate(t, g), { template: true })
      .set('type', 'endpoint')
      .set('context', names.groupContext(t, g))
      .set('disallow', 'all')
      .set('allow', DEFAULT_CODECS.join(','));
  }

  for (const e of [...s.extensions].sort(byExtension)) renderExtension(w, t, e, e.groupId ? groups.get(e.groupId) : undefined, contexts.get(e.id));
  for (const tr of [...s.trunks].sort(byName)) renderTrunk(w, t, tr);
  return w.toString();
}

function renderExtension(w: ConfWriter, t: TenantView, e: ExtensionView, group: GroupView | undefined, context?: string): void {
  const obj = `extension ${e.extension}`;
  if (e.groupId && !group) throw new RenderError(obj, 'groupId', `group ${e.groupId} is not in the snapshot`);
  const name = names.endpoint(t, e);
  const source = `extension ${name} (id ${e.id})${group ? ` - group ${group.name}` : ''}`;

  // endpoint
  w.blank().comment(source);
  if (group) w.section(name, { inherits: names.groupTemplate(t, group) });
  else w.section(name).set('type', 'endpoint');
  if (context) w.set('context', confName(context, 'context'));
  else if (e.context || !group) w.set('context', extensionContext(t, e, group));
  const cidProblem = e.callerId ? configTextProblem(e.callerId) ?? callerIdProblem(e.callerId) : null;
  if (cidProblem) throw new UnsafeConfigValueError('callerId', cidProblem);
  w.set('callerid', e.callerId || callerIdFromName(e), 'callerId');
  if (e.restrictCid === 'yes') w.set('callerid_privacy', 'prohib');
  const allow = codecs(e.allow).filter((c) => c !== 'all');
  const disallow = codecs(e.disallow).filter((c) => c !== 'all');
  if (allow.length || !group) {
    w.set('disallow', 'all').set('allow', (allow.length ? allow : DEFAULT_CODECS).join(','), 'allow');
  }
  if (disallow.length) w.set('disallow', disallow.join(','), 'disallow');
  w.set('auth', name).set('aors', name);
  switch (e.canReinvite) {
    case null: case undefined: case '': break;
    case 'yes': w.set('direct_media', 'yes'); break;
    case 'no': w.set('direct_media', 'no'); break;
    case 'nonat': w.set('direct_media', 'yes').set('disable_direct_media_on_nat', 'yes'); break;
    case 'update': w.set('direct_media', 'yes').set('direct_media_method', 'update'); break;
    default: throw new RenderError(obj, 'canReinvite', `"${e.canReinvite}" has no PJSIP equivalent`);
  }
  if (e.dtmfMode) w.set('dtmf_mode', mapped(DTMF, e.dtmfMode, obj, 'dtmfMode'));
  renderNat(w, e.nat, obj);
  w.set('rtp_timeout', e.rtpTimeout, 'rtpTimeout').set('rtp_timeout_hold', e.rtpHoldTimeout, 'rtpHoldTimeout');
  w.set('call_group', e.callGroup, 'callGroup').set('pickup_group', e.pickupGroup, 'pickupGroup');
  const vm = voicemailBox(t, e);
  if (vm) w.set('mailboxes', `${vm.box}@${vm.context}`, 'mailbox');
  w.set('language', e.language, 'language').set('accountcode', e.accountCode, 'accountCode');
  if (e.musicOnHold) w.set('moh_suggest', names.mohClass(t, e.musicOnHold));
  w.set('from_user', e.fromUser, 'fromUser').set('from_domain', hostValue(e.fromDomain, obj, 'fromDomain'), 'fromDomain');
  if (e.encryption) {
    if (e.encryption !== 'yes' && e.encryption !== 'no') throw new RenderError(obj, 'encryption', `"${e.encryption}" is not yes/no`);
    w.set('media_encryption', e.encryption === 'yes' ? 'sdes' : 'no');
  }
  if (e.callLimit && e.callLimit > 0) w.set('device_state_busy_at', e.callLimit);
  if (e.acl) w.set('acl', names.acl(t, e.acl));
  w.set('deny', networkValue(e.deny, obj, 'deny'), 'deny').set('permit', networkValue(e.permit, obj, 'permit'), 'permit');

  // auth: a missing secret leaves `auth =` pointing at nothing, so the endpoint fails closed
  // (the validator reports it); without `auth` PJSIP would take calls unauthenticated.
  if (e.secret || e.md5Secret) {
    w.blank().section(name).set('type', 'auth');
    const username = e.authUser || e.extension;
    if (e.secret) w.set('auth_type', 'userpass').set('username', username, 'authUser').set('password', e.secret, 'secret');
    else w.set('auth_type', 'md5').set('username', username, 'authUser').set('md5_cred', e.md5Secret, 'md5Secret');
  }

  // aor
  w.blank().section(name).set('type', 'aor').set('max_contacts', 1).set('remove_existing', 'yes');
  const q = qualifyOf(e.qualify, obj);
  w.set('qualify_frequency', q.frequency);
  if (q.timeout !== undefined) w.set('qualify_timeout', q.timeout);
  if (e.host && e.host !== 'dynamic') w.set('contact', sipUri(e.host, e.port, e.extension, 'extension'), 'host');
}

/**
 * `"Name" <number>` from the display name: `"`, `\\` and angle brackets dropped so the caller ID
 * parser stays sane, cut on a character boundary to the bytes res_pjsip keeps of a name.
 */
function callerIdFromName(e: ExtensionView): string {
  const display = truncateUtf8(e.name.replace(/["\\<>]/g, '').trim(), CALLERID_MAX_BYTES).trim();
  return display ? `"${display}" <${e.extension}>` : `<${e.extension}>`;
}

/** chan_sip `nat=` → PJSIP's three switches (as sip_to_pjsip.py maps them). */
function renderNat(w: ConfWriter, nat: string | null | undefined, obj: string): void {
  if (!nat) return;
  const parts = new Set(nat.split(',').map((p) => p.trim()));
  const known = ['yes', 'no', 'force_rport', 'comedia', 'auto_force_rport', 'auto_comedia'];
  for (const p of parts) if (!known.includes(p)) throw new RenderError(obj, 'nat', `"${p}" has no PJSIP equivalent`);
  if (parts.has('no')) {
    w.set('force_rport', 'no').set('rewrite_contact', 'no').set('rtp_symmetric', 'no');
    return;
  }
  const rport = parts.has('yes') || parts.has('force_rport') || parts.has('auto_force_rport');
  const symmetric = parts.has('yes') || parts.has('comedia') || parts.has('auto_comedia');
  if (rport) w.set('force_rport', 'yes').set('rewrite_contact', 'yes');
  if (symmetric) w.set('rtp_symmetric', 'yes');
}

/** chan_sip `qualify=` (yes/no/max ms) → aor qualify_frequency (s) and qualify_timeout (s). */
function qualifyOf(q: string | null | undefined, obj: string): { frequency: number; timeout?: number } {
  if (!q || q === 'no' || q === '0') return { frequency: 0 };
  if (q === 'yes') return { frequency: QUALIFY_FREQUENCY };
  if (/^[0-9]{1,5}$/.test(q)) return { frequency: QUALIFY_FREQUENCY, timeout: Number(q) / 1000 };
  throw new RenderError(obj, 'qualify', `"${q}" is not yes, no or milliseconds`);
}

function renderTrunk(w: ConfWriter, t: TenantView, tr: TrunkView): void {
  const obj = `trunk ${tr.name}`;
  const name = names.trunk(t, tr);
  if (tr.transport && !['udp', 'tcp', 'tls'].includes(tr.transport)) throw new RenderError(obj, 'transport', `"${tr.transport}" is not udp, tcp or tls`);
  const transport = trunkTransport(tr);
  const withAuth = !!(tr.username && tr.secret);

  w.blank().comment(`trunk ${name} (id ${tr.id})`);
  w.section(name).set('type', 'endpoint').set('transport', transport).set('context', trunkContext(t, tr));
  const list = codecs(tr.codecs).filter((c) => c !== 'all');
  w.set('disallow', 'all').set('allow', (list.length ? list : DEFAULT_CODECS).join(','), 'codecs');
  w.set('aors', name);
  // Identified by source address only: trunks have no inbound `auth`, so the default
  // `identify_by = username,ip` would hand the trunk's context to anyone sending From: <name>.
  w.set('identify_by', 'ip');
  if (withAuth) w.set('outbound_auth', name);
  w.set('from_user', tr.fromUser, 'fromUser').set('from_domain', hostValue(tr.fromDomain, obj, 'fromDomain'), 'fromDomain');
  w.set('direct_media', 'no');
  if (tr.acl) w.set('acl', names.acl(t, tr.acl));

  w.blank().section(name).set('type', 'aor');
  if (tr.host) w.set('contact', sipUri(tr.host, tr.port), 'host');
  w.set('qualify_frequency', tr.qualify && tr.host ? QUALIFY_FREQUENCY : 0);

  if (withAuth) {
    w.blank().section(name).set('type', 'auth').set('auth_type', 'userpass')
      .set('username', tr.username, 'username').set('password', tr.secret, 'secret');
  }

  if (tr.host) {
    // An address is matched as is. A host name is kept as a name: Asterisk resolves it once at
    // load (from the server's own DNS, which acm's host may not share) and silently drops the
    // identify when that fails (FACTS 6), so the commit's verify step checks `pjsip show
    // identifies` rather than acm resolving it here into addresses that would go stale.
    const problem = hostProblem(tr.host);
    if (problem) throw new RenderError(obj, 'host', problem);
    w.blank().section(name).set('type', 'identify').set('endpoint', name).set('match', tr.host, 'host');
  }

  if (tr.register && tr.host && tr.username) {
    w.blank().section(name).set('type', 'registration').set('transport', transport);
    if (withAuth) w.set('outbound_auth', name);
    w.set('server_uri', sipUri(tr.host, tr.port), 'host')
      .set('client_uri', sipUri(tr.host, tr.port, tr.username, 'username'), 'username')
      .set('contact_user', confName(tr.username, 'username'))
      .set('retry_interval', 60)
      .set('expiration', 3600);
  }
}
