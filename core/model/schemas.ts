import { z } from 'zod';
import {
  callerIdSchema, DIALPLAN_PATTERN, hostProblem, hostSchema, ipSchema, networkSchema, reservedNameProblem, utf8Max, type ReservedKind,
} from '../../sdk/asterisk-syntax.ts';
import { configText } from '../../sdk/config-text.ts';

/**
 * Input schemas of the core objects: the one definition shared by the API, the CLI and CSV
 * import (and the OpenAPI document). Status columns written by the live poller are not inputs.
 */
const id = z.coerce.number().int().positive();
const text = (max = 255) => configText(max);
const opt = <T extends z.ZodType>(s: T) => s.nullish();
const yesNo = z.enum(['yes', 'no']);

/** Object names that become config section names or context names (Asterisk keeps 79 bytes of a section name). */
export const objectName = z.string().min(1).max(79).regex(/^[A-Za-z0-9][A-Za-z0-9_.+@-]*$/, 'letters, digits and -_.+@ only, starting with a letter or digit');
/** An object name that becomes (or names) an object of `kind`: names with a special meaning refused. */
const nameOf = (kind: ReservedKind, opts: { allowGroupPrefix?: boolean } = {}) => objectName.superRefine((v, ctx) => {
  const problem = reservedNameProblem(kind, v, opts);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** A dialplan context referred to (a definition is checked against acm's own contexts too). */
const contextRef = nameOf('context', { allowGroupPrefix: true });
/**
 * The display name: the voicemail full name and the default caller ID name, both kept by
 * Asterisk in 80-byte buffers (79 bytes and the NUL).
 */
const displayName = text(80).pipe(z.string().min(1, 'is required')).superRefine(utf8Max(79));

/** Extension numbers: digits, with the `*`/`#` feature-code forms Asterisk dials. */
export const extensionNumber = z.string().regex(/^[*#]{0,2}[0-9]+[*#0-9]*$/, 'digits, optionally with * or # as in feature codes').max(20);

const ipAddress = ipSchema();
/** A network as Asterisk ACLs take it: address, address/prefix or address/netmask (see sdk/asterisk-syntax.ts). */
export const network = networkSchema();
const host = hostSchema();

/** Codec names Asterisk 20 knows (`core show codecs`), plus `all` for allow/disallow. */
export const KNOWN_CODECS = [
  'all', 'ulaw', 'alaw', 'gsm', 'g722', 'g729', 'g726', 'g726aal2', 'g723', 'g719', 'ilbc', 'speex', 'speex16', 'speex32',
  'opus', 'slin', 'slin16', 'lpc10', 'adpcm', 'siren7', 'siren14', 'testlaw', 'codec2', 'h261', 'h263', 'h263p', 'h264',
  'h265', 'mpeg4', 'vp8', 'vp9', 'red', 't140', 't140red', 'jpeg', 'png', 'silk',
];
export const codecList = z.string().max(100).refine(
  (v) => v.split(/[,&]/).map((c) => c.trim()).filter(Boolean).every((c) => KNOWN_CODECS.includes(c.replace(/^!/, ''))),
  `unknown codec; known: ${KNOWN_CODECS.join(', ')}`,
);
/** Syntaxes of values that reach the dialplan or channel settings; the commit validator re-checks stored rows with them. */
export const VALUE_SYNTAX = {
  cfwdTo: [/^\+?[0-9*#]{1,40}$/, 'a number to forward to: digits, optionally with a leading + and * or #'],
  language: [/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en or en_US'],
  accountCode: [/^[A-Za-z0-9_.-]{0,20}$/, 'letters, digits and -_. only (at most 20)'],
} as const satisfies Record<string, readonly [RegExp, string]>;
const syntax = (field: keyof typeof VALUE_SYNTAX) => z.string().regex(VALUE_SYNTAX[field][0], VALUE_SYNTAX[field][1]);
const callGroups = z.string().max(40).regex(/^(\d{1,2}(-\d{1,2})?)(,\d{1,2}(-\d{1,2})?)*$/, 'group numbers 0-63, e.g. 1,3-5');

export const TenantInput = z.strictObject({
  name: objectName,
  description: opt(text()),
  dialPrefix: opt(z.string().regex(/^[0-9]{1,16}$/, 'digits only')),
});

export const SiteInput = z.strictObject({
  tenantId: id.optional(),
  name: objectName,
  description: opt(text()),
  timezone: opt(z.string().max(64).regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, 'an IANA time zone such as America/New_York')),
});

export const ClusterInput = z.strictObject({
  siteId: id,
  name: objectName,
  description: opt(text()),
  vip: opt(ipAddress),
  asteriskConfigDir: opt(z.string().max(255).regex(/^\/[A-Za-z0-9_./-]*$/, 'an absolute path')),
  /** The address acm's PJSIP transports bind to on every server of the cluster (unset: 0.0.0.0); see DESIGN-NOTES. */
  sipBindAddress: opt(ipAddress),
});

export const ServerInput = z.strictObject({
  clusterId: id,
  name: objectName,
  host,
  role: opt(z.enum(['primary', 'secondary', 'member'])),
  sshPort: z.coerce.number().int().min(1).max(65535).default(22),
  sshUser: opt(z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a Unix user name')),
  sshPassword: opt(z.string().max(255)),
  sshPrivateKey: opt(z.string().max(16384)),
  sshHostKey: opt(z.string().max(255).regex(/^(SHA256:)?[A-Za-z0-9+/=]{20,}$/, 'SHA256 fingerprint of the host key')),
  amiPort: z.coerce.number().int().min(1).max(65535).default(5038),
  amiUser: opt(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and -_. only')),
  amiSecret: opt(z.string().max(255)),
  ariPort: opt(z.coerce.number().int().min(1).max(65535)),
  ariUser: opt(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits and -_. only')),
  ariPassword: opt(z.string().max(255)),
  sipPort: opt(z.coerce.number().int().min(1).max(65535)),
  enabled: z.boolean().default(true),
});

export const GroupInput = z.strictObject({
  tenantId: id.optional(),
  // Its template and default context are `grp-<name>`, within the 79 bytes of a section name.
  name: objectName.max(75, 'at most 75 characters (acm names its template and context grp-<name>)'),
  description: opt(text()),
  context: opt(nameOf('ownContext')),
  rights: opt(z.array(contextRef).max(50)),
  templateExtensionId: opt(id),
});

export const ExtensionInput = z.strictObject({
  clusterId: id,
  groupId: opt(id),
  name: displayName,
  extension: extensionNumber,
  callerId: opt(text(80).pipe(callerIdSchema())),
  defaultUser: opt(objectName),
  authUser: opt(z.string().max(22).regex(/^[A-Za-z0-9_.+@-]+$/, 'letters, digits and -_.+@ only')),
  secret: opt(z.string().min(8, 'at least 8 characters').max(80).pipe(text(80))),
  mailbox: opt(z.string().max(50).regex(/^[0-9]+(@[A-Za-z0-9_-]+)?$/, 'box number, optionally @context').superRefine((v, ctx) => {
    const vmContext = v.split('@')[1];
    const problem = vmContext ? reservedNameProblem('voicemail', vmContext) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })),
  vmSecret: opt(z.string().regex(/^[0-9]{4,22}$/, '4 to 22 digits')),
  accountCode: opt(syntax('accountCode')),
  context: opt(contextRef),
  amaFlags: opt(z.enum(['default', 'omit', 'billing', 'documentation'])),
  callGroup: opt(callGroups),
  canReinvite: opt(z.enum(['yes', 'no', 'nonat', 'update'])),
  defaultIp: opt(ipAddress),
  dtmfMode: opt(z.enum(['rfc4733', 'rfc2833', 'inband', 'info', 'auto', 'auto_info'])),
  fromUser: opt(z.string().max(80).regex(/^[A-Za-z0-9_.+-]*$/, 'letters, digits and -_.+ only')),
  fromDomain: opt(z.string().max(80).pipe(host)),
  host: opt(z.string().max(253).superRefine((v, ctx) => {
    const problem = v === 'dynamic' ? null : hostProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `"dynamic" or a host: ${problem}` });
  })),
  insecure: opt(z.enum(['port', 'invite', 'port,invite', 'no'])),
  language: opt(syntax('language')),
  md5Secret: opt(z.string().regex(/^[a-f0-9]{32}$/, '32 hex digits')),
  nat: opt(z.enum(['yes', 'no', 'force_rport', 'comedia', 'force_rport,comedia', 'auto_force_rport', 'auto_comedia'])),
  acl: opt(nameOf('acl')),
  deny: opt(network),
  permit: opt(network),
  mask: opt(ipAddress),
  pickupGroup: opt(callGroups),
  port: opt(z.string().regex(/^[0-9]{1,5}$/, 'a port number')),
  qualify: opt(z.string().regex(/^(yes|no|[0-9]{1,5})$/, 'yes, no or milliseconds')),
  restrictCid: opt(yesNo),
  rtpTimeout: opt(z.string().regex(/^[0-9]{1,5}$/, 'seconds')),
  rtpHoldTimeout: opt(z.string().regex(/^[0-9]{1,5}$/, 'seconds')),
  type: opt(z.enum(['friend', 'peer', 'user'])),
  disallow: opt(codecList),
  allow: opt(codecList),
  musicOnHold: opt(nameOf('moh')),
  canCallForward: opt(yesNo),
  callLimit: opt(z.coerce.number().int().min(0).max(99)),
  phoneProv: opt(text()),
  phoneMac: opt(z.string().regex(/^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/, 'a MAC address')),
  profile: opt(objectName.max(15)),
  // Only PJSIP is rendered: chan_sip is gone from Asterisk 20 and an IAX2 extension has no renderer yet, so
  // both are refused rather than silently rendered as PJSIP endpoints.
  protocol: opt(z.enum(['pjsip', 'sip', 'iax2']).superRefine((p, ctx) => {
    if (p === 'sip') ctx.addIssue({ code: 'custom', message: 'sip is not supported: chan_sip was removed in Asterisk 20; use pjsip' });
    if (p === 'iax2') ctx.addIssue({ code: 'custom', message: 'iax2 extensions are not rendered yet; use pjsip' });
  })),
  encryption: opt(yesNo),
  fallback: opt(text(80)),
  queue: opt(objectName),
  cfwdSet: opt(yesNo),
  cfwdTo: opt(syntax('cfwdTo')),
  callbackExtension: opt(extensionNumber.max(15)),
  directory: opt(yesNo),
});

export const TrunkInput = z.strictObject({
  clusterId: id,
  name: nameOf('pjsip'),
  host: opt(host),
  port: opt(z.coerce.number().int().min(1).max(65535)),
  transport: opt(z.enum(['udp', 'tcp', 'tls'])),
  username: opt(z.string().max(80).regex(/^[A-Za-z0-9_.+@-]+$/, 'letters, digits and -_.+@ only')),
  secret: opt(z.string().max(255).pipe(text())),
  fromDomain: opt(host),
  fromUser: opt(z.string().max(80).regex(/^[A-Za-z0-9_.+-]*$/, 'letters, digits and -_.+ only')),
  register: z.boolean().default(false),
  codecs: opt(codecList),
  acl: opt(nameOf('acl')),
  context: opt(contextRef),
  maxChannels: opt(z.coerce.number().int().min(1).max(100000)),
  dialPrefix: opt(z.string().regex(/^[0-9*#]{0,16}$/, 'digits')),
  // AST_MAX_EXTENSION: pbx_config keeps 79 bytes of an extension or pattern.
  outboundPatterns: opt(z.array(z.string().max(79).regex(DIALPLAN_PATTERN, 'a dialplan pattern such as _9NXXNXXXXXX or _9[2-9]XX (every [ closed)')).max(50)),
  qualify: z.boolean().default(true),
});

export const AclInput = z.strictObject({
  tenantId: id.optional(),
  name: nameOf('acl'),
  description: opt(text()),
  rules: z.array(z.strictObject({ action: z.enum(['permit', 'deny']), network })).min(1, 'at least one rule'),
});

export const ListQuery = z.object({
  q: z.string().max(200).optional(),
  sort: z.string().max(80).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});
