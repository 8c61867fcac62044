import { z } from 'zod';

/**
 * Values as a real Asterisk 20 parses them, shared by the core schemas, the commit validator,
 * the renderers and plugins. Each `…Problem` function answers null when the value is fine, else
 * one sentence saying what is wrong; the zod builders below wrap them so the API, the CLI and CSV
 * import give the same message.
 */

/* ------------------------------------------------------------------------------------------------
 * IP addresses. Asterisk reads them with getaddrinfo(AI_NUMERICHOST), which also takes forms acm
 * refuses because they are easy to misread: inet_aton's `010.0.0.1` (octal: 8.0.0.1), `10.1`
 * (10.0.0.1), zone ids (`fe80::1%eth0`) and brackets.
 * ---------------------------------------------------------------------------------------------- */

export interface IpAddress { family: 4 | 6; bytes: number[] }

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** An IPv4 or IPv6 address in its plain written form, or null. */
export function parseIp(text: string): IpAddress | null {
  if (IPV4.test(text)) return { family: 4, bytes: text.split('.').map(Number) };
  return parseIpv6(text);
}

function parseIpv6(text: string): IpAddress | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        if (!IPV4.test(item)) return null;
        const [a, b, c, d] = item.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(item)) out.push(parseInt(item, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  // A dotted tail may only end the address (`::ffff:1.2.3.4`), not the part before `::`.
  if (halves.length === 2 && halves[0]!.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return { family: 6, bytes: words.flatMap((w) => [w >> 8, w & 0xff]) };
}

/** `::ffff:a.b.c.d`: Asterisk converts it to the IPv4 address before applying any mask. */
function ipv4Mapped(ip: IpAddress): string | null {
  if (ip.family !== 6 || ip.bytes.slice(0, 10).some((b) => b !== 0) || ip.bytes[10] !== 0xff || ip.bytes[11] !== 0xff) return null;
  return ip.bytes.slice(12).join('.');
}

export function ipProblem(text: string): string | null {
  if (/^\[.*\]$/.test(text)) return 'an IP address without brackets';
  if (text.includes('%')) return 'an IP address without a zone id (%…)';
  if (/^[0-9.]+$/.test(text) && !IPV4.test(text)) return 'not an IPv4 address (four numbers 0-255 without leading zeros)';
  return parseIp(text) ? null : 'not an IP address';
}

/* ------------------------------------------------------------------------------------------------
 * Networks as main/acl.c (append_ha_core) reads `permit =`/`deny =`/`match =`: a value is split on
 * `,` into several rules, a leading `!` inverts a rule, an IPv4-mapped address becomes IPv4 (so
 * `::ffff:10.0.0.1/120` is an invalid IPv4 prefix), a dotted/colon mask must be the same scheme as
 * the address (`2001:db8::/255.255.0.0` is refused), and a prefix is read with sscanf("%d") (so
 * `24abc` would be 24). Any of those errors makes Asterisk reject the whole file — and acl.conf
 * failing at boot leaves every named ACL missing, which fails open (FACTS 3-4). Asterisk takes a
 * non-contiguous netmask and matches its bit pattern; acm refuses it as certainly a typo.
 * ---------------------------------------------------------------------------------------------- */

export function networkProblem(text: string): string | null {
  if (text === '') return 'is required';
  if (/\s/.test(text)) return 'must not contain spaces';
  if (text.includes(',')) return 'one network per rule (Asterisk splits a value on ",")';
  if (text.startsWith('!')) return 'must not start with "!" (Asterisk inverts such a rule)';
  const parts = text.split('/');
  if (parts.length > 2) return 'expected an address, address/prefix or address/netmask';
  const [addrText = '', maskText] = parts;
  const addrProblem = ipProblem(addrText);
  if (addrProblem) return `${addrProblem}: expected an address, address/prefix or address/netmask`;
  const addr = parseIp(addrText)!;
  const mapped = ipv4Mapped(addr);
  if (mapped) return `IPv4-mapped address: Asterisk converts it to ${mapped} and reads the mask as IPv4; write ${mapped}${maskText === undefined ? '' : '/<0-32>'}`;
  if (maskText === undefined) return null;
  const max = addr.family === 4 ? 32 : 128;
  if (/^[0-9]+$/.test(maskText)) {
    if (maskText.length > 1 && maskText.startsWith('0')) return 'prefix length without leading zeros';
    return Number(maskText) <= max ? null : `prefix length must be 0-${max} for an IPv${addr.family} address`;
  }
  if (!/[.:]/.test(maskText)) return 'the mask must be a prefix length or a netmask';
  const maskProblem = ipProblem(maskText);
  if (maskProblem) return `netmask: ${maskProblem}`;
  const mask = parseIp(maskText)!;
  if (ipv4Mapped(mask)) return 'netmask: an IPv4-mapped netmask is converted by Asterisk; write the IPv4 netmask';
  if (mask.family !== addr.family) return 'address and netmask are not the same address scheme (Asterisk rejects the whole file)';
  if (!contiguous(mask.bytes)) return 'the netmask is not contiguous (ones then zeros); use a prefix length';
  return null;
}

function contiguous(bytes: number[]): boolean {
  const bits = bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits);
}

/* ------------------------------------------------------------------------------------------------
 * Hosts: an RFC 1123 host name, an IPv4 address or an IPv6 address (brackets are added by acm
 * where a URI needs them, never stored). A port is a field of its own: `evil.com:5060` in a host
 * renders `sip:evil.com:5060:5061`, and `-evil` is not a name any resolver takes.
 * ---------------------------------------------------------------------------------------------- */

export function hostProblem(text: string): string | null {
  if (text === '') return 'is required';
  if (/^\[.*\]$/.test(text)) return 'an IPv6 address without brackets (acm adds them in SIP URIs)';
  if (text.includes(':')) {
    if (text.includes('%')) return 'an IPv6 address without a zone id (%…)';
    if (parseIp(text)) return null;
    if (/^[^:]+:[0-9]*$/.test(text)) return 'a host without ":port" (the port is a field of its own)';
    return 'not a valid IPv6 address';
  }
  if (/^[0-9.]+$/.test(text)) return IPV4.test(text) ? null : 'not an IPv4 address (four numbers 0-255 without leading zeros)';
  if (text.length > 253) return 'a host name is at most 253 characters';
  for (const label of text.split('.')) {
    if (label === '') return 'a host name has no empty labels (no leading, trailing or double dot)';
    if (label.length > 63) return `label "${label.slice(0, 20)}…" is longer than 63 characters`;
    if (!/^[A-Za-z0-9-]+$/.test(label)) return 'a host name uses letters, digits, "-" and "." only';
    if (label.startsWith('-') || label.endsWith('-')) return `label "${label}" must not start or end with "-"`;
  }
  return null;
}

/** The host as it goes into a SIP URI: IPv6 in brackets. Assumes `hostProblem(host)` is null. */
export function uriHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** `address:port` for a `bind =`: IPv6 in brackets. */
export function bindAddress(host: string, port: number): string {
  return `${uriHost(host)}:${port}`;
}

/* ------------------------------------------------------------------------------------------------
 * Caller ID as main/callerid.c (ast_callerid_split) reads it into res_pjsip's 80-byte name and
 * number buffers: `"Name" <number>`, `Name <number>` or `<number>`. The number is what
 * `${CALLERID(num)}` gives the dialplan, so it is digits and `+*#` only (a `,` in it once split
 * VoiceMailMain's arguments and skipped the PIN: FACTS 9). The name has no quotes, angle brackets
 * or backslashes (ast_unescape_quoted would rewrite them) and is cut by Asterisk at 79 bytes.
 * ---------------------------------------------------------------------------------------------- */

/** Bytes of a res_pjsip caller ID name or number buffer, less its NUL. */
/**
 * An outbound pattern as an extension: `_` + pattern characters only (no `,`, `(`, `$`, `;`…),
 * and every `[` closed by a `]` with only digits, `*#+` and ranges inside: pbx_config does not
 * split on a `,` inside `[…]`, so an unclosed `[` would swallow the priority and the application.
 */
export const DIALPLAN_PATTERN = /^_?([0-9XNZxnz.!*#+-]|\[[0-9*#+-]+\])+$/;

/**
 * A number to dial (a DID, a speed dial's destination): 2 to 31 digits with an optional leading
 * `+`, and nothing else — in a dialplan argument a `,` starts another argument, a `)` ends the
 * application, `${` is evaluated, `&` adds a channel to Dial, `;` starts a comment.
 */
export const DIAL_NUMBER = /^\+?[0-9]{2,31}$/;

export function dialNumberProblem(text: string): string | null {
  return DIAL_NUMBER.test(text) ? null : '2 to 31 digits with an optional leading +';
}

export const CALLERID_MAX_BYTES = 79;
export const CALLERID_NUMBER = /^\+?[0-9*#]{1,40}$/;

export function callerIdProblem(text: string): string | null {
  const m = /^\s*(?:"([^"]*)"|([^"<>]*?))\s*<([^<>]*)>\s*$/.exec(text);
  if (!m) return 'expected "Name" <number>, Name <number> or <number>';
  const name = (m[1] ?? m[2] ?? '').trim();
  const number = m[3]!;
  if (!CALLERID_NUMBER.test(number)) return 'the number must be digits, optionally with a leading + and * or #';
  if (/[<>"\\]/.test(name)) return 'the name must not contain ", <, > or \\';
  if (utf8Bytes(name) > CALLERID_MAX_BYTES) return `the name is at most ${CALLERID_MAX_BYTES} bytes in UTF-8 (Asterisk cuts it there)`;
  return null;
}

/* ------------------------------------------------------------------------------------------------
 * UTF-8 byte lengths. Asterisk copies many values into fixed byte buffers (a config section name
 * into 80 bytes, a voicemail full name into 80, a caller ID name into 80) and cuts the rest —
 * possibly inside a character (80 × `é` ended in a lone 0xC3 byte).
 * ---------------------------------------------------------------------------------------------- */

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Names with a special meaning. Compared case-insensitively: some modules do (voicemail's
 * strcasecmp on `general`), and two names differing only in case are a trap anyway.
 * ---------------------------------------------------------------------------------------------- */

export type ReservedKind = 'pjsip' | 'context' | 'ownContext' | 'voicemail' | 'acl' | 'moh';

/** The contexts acm renders for every tenant (the parking lot's included). */
export const ACM_CONTEXTS = ['internal', 'local', 'longdistance', 'international', 'parking'] as const;

/** Exact names each rendered object kind must not take. */
export const RESERVED_NAMES: Record<ReservedKind, readonly string[]> = {
  // `anonymous` is the endpoint res_pjsip_endpoint_identifier_anonymous gives every unidentified
  // INVITE (FACTS 8); global/system are pjsip.conf's own sections; the transports are acm's.
  pjsip: ['anonymous', 'global', 'system', 'transport-udp', 'transport-tcp', 'transport-tls'],
  // extensions.conf settings sections (a reference to them is as wrong as a definition).
  context: ['general', 'globals'],
  // A context a group defines must not be one of those, nor one acm renders itself, nor one
  // every Asterisk already has (the site's `[default]`, res_parking's `parkedcalls`).
  ownContext: ['general', 'globals', ...ACM_CONTEXTS, 'default', 'parkedcalls'],
  // voicemail.conf settings sections (app_voicemail skips them as mailbox contexts).
  voicemail: ['general', 'zonemessages'],
  // named_acl.c matches every category but `general`.
  acl: ['general'],
  moh: ['general'],
};

const KIND_LABEL: Record<ReservedKind, string> = {
  pjsip: 'PJSIP object name', context: 'dialplan context', ownContext: 'dialplan context', voicemail: 'voicemail.conf section',
  acl: 'acl.conf section', moh: 'musiconhold.conf section',
};

/** Prefixes of names acm generates: group templates/contexts, revision markers, tenant prefixes. */
const RESERVED_PREFIXES: readonly [RegExp, string][] = [
  [/^grp-/i, '"grp-" starts the names of acm\'s group templates and contexts'],
  [/^acm-mark-/i, '"acm-mark-" starts the names of acm\'s revision markers'],
  [/^t[0-9]+-/i, '"t<digits>-" is the prefix acm gives another tenant\'s objects'],
];

/** Why `name` may not be used for an object of `kind`, or null. */
export function reservedNameProblem(kind: ReservedKind, name: string, opts: { allowGroupPrefix?: boolean } = {}): string | null {
  const lower = name.toLowerCase();
  if (RESERVED_NAMES[kind].includes(lower)) return `"${name}" is reserved: Asterisk or acm gives that ${KIND_LABEL[kind]} a special meaning`;
  for (const [re, why] of RESERVED_PREFIXES) {
    if (opts.allowGroupPrefix && re.source === '^grp-') continue;
    if (re.test(name)) return `"${name}" is reserved: ${why}`;
  }
  return null;
}

/* ------------------------------------------------------------------------------------------------
 * ARI. Asterisk takes any channel id (`bad id/with slash` was created: ari-call-errors2.txt) and
 * splits `app=` and `appArgs=` on commas; the dial string is the channel driver's own syntax,
 * where `&` adds a second channel, `,` and `)` end a dialplan argument once the value is
 * substituted there, `${` is evaluated and whitespace or a newline ends nothing cleanly.
 * ---------------------------------------------------------------------------------------------- */

/** A channel, bridge or playback id acm chooses: 1–128 of letters, digits, `.`, `_`, `-` (Asterisk's uniqueids fit). */
export const ARI_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A Stasis application name: 1–80 of letters, digits, `.`, `_`, `-`. */
export const ARI_APP = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

export function ariIdProblem(text: string): string | null {
  return ARI_ID.test(text) ? null : '1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

export function ariAppProblem(text: string): string | null {
  return ARI_APP.test(text) ? null : '1 to 80 letters, digits, ".", "_" or "-", starting with a letter or digit';
}

/**
 * One channel to dial: `Tech/resource` (`PJSIP/+442071234567@carrier-a`, `PJSIP/6101`,
 * `Local/s@ctx/n`), the resource of letters, digits and `+*#._@:/-` only, at most 255 bytes.
 */
export function dialStringProblem(text: string): string | null {
  if (utf8Bytes(text) > 255) return 'at most 255 bytes';
  if (!/^[A-Za-z][A-Za-z0-9_]{0,15}\/[A-Za-z0-9+*#._@:/-]+$/.test(text)) {
    return 'Tech/resource (e.g. PJSIP/+442071234567@trunk) with letters, digits and +*#._@:/- only: no comma, &, parenthesis, $, quote, space or newline';
  }
  return null;
}

/** A channel variable name set by originate: letters, digits and `_`, not starting with a digit, at most 80. */
export function channelVariableProblem(name: string, value: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,79}$/.test(name)) return 'the name is 1 to 80 letters, digits or "_", not starting with a digit';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) return 'the value must not contain control characters (newline, tab, NUL …)';
  if (utf8Bytes(value) > 1024) return 'the value is at most 1024 bytes';
  return null;
}

/**
 * A media URI ARI plays: `sound:`/`recording:` and a sound file name, `digits:`, `number:`,
 * `characters:` or `tone:`. An unknown scheme is accepted by ARI (201) and then drops the channel
 * out of Stasis (ari-call-errors.txt): refused here.
 */
export function mediaUriProblem(text: string): string | null {
  const ok = /^(sound|recording):[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(text) || /^digits:[0-9*#]{1,64}$/.test(text)
    || /^number:-?[0-9]{1,18}$/.test(text) || /^characters:[A-Za-z0-9]{1,64}$/.test(text) || /^tone:[a-z]{1,32}$/.test(text);
  return ok ? null : 'sound:<file>, recording:<name>, digits:<0-9*#>, number:<n>, characters:<a-z0-9> or tone:<name>';
}

/** A dialplan context or extension name acm sends a channel to (no pattern, no `,` `(` `)` `$`). */
export function dialplanPlaceProblem(kind: 'context' | 'extension', text: string): string | null {
  const re = kind === 'context' ? /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}$/ : /^[A-Za-z0-9*#+][A-Za-z0-9*#+_.-]{0,78}$/;
  return re.test(text) ? null : kind === 'context' ? '1 to 79 letters, digits, "_", "." or "-"' : '1 to 79 letters, digits, *#+ "_", "." or "-" (no pattern)';
}

/* ------------------------------------------------------------------------------------------------
 * zod builders.
 * ---------------------------------------------------------------------------------------------- */

const fromProblem = (check: (v: string) => string | null) => (v: string, ctx: z.RefinementCtx) => {
  const problem = check(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const ipSchema = () => z.string().max(45).superRefine(fromProblem(ipProblem));
export const networkSchema = () => z.string().max(100).superRefine(fromProblem(networkProblem));
export const hostSchema = () => z.string().max(253).superRefine(fromProblem(hostProblem));
export const callerIdSchema = () => z.string().max(200).superRefine(fromProblem(callerIdProblem));
export const dialNumberSchema = () => z.string().max(32).superRefine(fromProblem(dialNumberProblem));
/**
 * A sound file name as Playback, Background and app_queue's announcements take it (no extension).
 * They take `&` (or `,`/`|` in queues.conf) lists and options after a `,`: one plain name only.
 */
export const soundNameSchema = () => z.string().regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'a sound file name: letters, digits, _ and -, folders with /').max(80);
/** Text Asterisk keeps in a buffer of `maxBytes` bytes (plus the NUL). */
export const utf8Max = (maxBytes: number) => (v: string, ctx: z.RefinementCtx) => {
  if (utf8Bytes(v) > maxBytes) ctx.addIssue({ code: 'custom', message: `at most ${maxBytes} bytes in UTF-8 (Asterisk cuts longer text)` });
};
