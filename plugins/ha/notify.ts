/**
 * Notifications of HA state changes: what a target looks like per type, the messages, and the
 * senders — syslog (RFC 5424 over UDP), webhook (HTTP POST of JSON), email (nodemailer over
 * SMTP, when the `email` setting names a relay) and SNMP traps (net-snmp, v2c or v1). SMS has no
 * sender: those wait in the outbox as `pending`.
 *
 * SNMP OIDs. acm has no IANA private enterprise number yet; the traps use 32473, the number IANA
 * reserves for documentation (RFC 5612) and the one the syslog SD-ID `acmha@32473` uses — a
 * placeholder, to be replaced by acm's own PEN (one constant, ENTERPRISE_OID):
 *   1.3.6.1.4.1.32473.1.1.0.1   acmHaStateChange   (the trap: snmpTrapOID.0 in v2c, enterprise+specific 1 in v1)
 *   1.3.6.1.4.1.32473.1.1.1.1   acmHaGroup         OCTET STRING  the HA group's name
 *   1.3.6.1.4.1.32473.1.1.1.2   acmHaNode          OCTET STRING  the node (server) name, '' for group-wide events
 *   1.3.6.1.4.1.32473.1.1.1.3   acmHaInstance      OCTET STRING  the keepalived vrrp_instance, '' when none
 *   1.3.6.1.4.1.32473.1.1.1.4   acmHaState         OCTET STRING  the new state: MASTER, BACKUP, FAULT, FAILOVER, SYNC_CONFLICT, …
 *   1.3.6.1.4.1.32473.1.1.1.5   acmHaVips          OCTET STRING  the VIPs concerned, comma-separated (address/prefix)
 *   1.3.6.1.4.1.32473.1.1.1.6   acmHaMessage       OCTET STRING  the state change in words
 *   1.3.6.1.4.1.32473.1.1.1.7   acmHaTime          OCTET STRING  when it happened (RFC 3339, UTC)
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import snmp, { type Session, type Varbind } from 'net-snmp';

/** One state change as it goes out. */
export interface Notice {
  group: string;
  groupId: number;
  node: string | null;
  serverId: number | null;
  instance: string | null;
  state: string;
  message: string;
  at: string;
  /** The VIPs concerned (address/prefix): the instance's VIP, or every VIP of the group. */
  vips?: string[];
}

/** The types acm always has a sender for; `email` joins when the `email` setting is there. */
export const SENDABLE = ['syslog', 'webhook', 'snmp'] as const;

/** The SMTP relay for email notifications (site.yaml `plugins.ha.settings.email`). */
export interface EmailSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  from: string;
  auth?: { user: string; pass?: string; passEnv?: string } | undefined;
  /** Refuse a relay whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean;
  timeoutMs?: number;
}
/** SNMP trap settings (site.yaml `plugins.ha.settings.snmp`). */
export interface SnmpSettings { community: string; version: '1' | '2c' }
export interface Transports { email?: EmailSettings | undefined; snmp?: SnmpSettings | undefined }

/** Types that are sent under these settings. */
export const sendableTypes = (t: Transports): string[] => [...SENDABLE, ...(t.email ? ['email'] : [])];

const HOST_RE = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/;

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address; undefined when malformed. */
export function hostPort(target: string, defaultPort: number): { host: string; port: number } | undefined {
  const t = target.replace(/^udp:\/\//, '');
  let host: string; let port = defaultPort;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(t);
  if (v6) { host = v6[1]!; if (v6[2]) port = Number(v6[2]); }
  else if (isIP(t) === 6) host = t;
  else {
    const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(t);
    if (!m) return undefined;
    host = m[1]!; if (m[2]) port = Number(m[2]);
  }
  if (!(isIP(host) || HOST_RE.test(host)) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** Why a target is not valid for its type, or null. */
export function targetProblem(type: string, target: string): string | null {
  switch (type) {
    case 'syslog': return hostPort(target, 514) ? null : 'a syslog target is host[:port] (UDP, default port 514)';
    case 'snmp': return hostPort(target, 162) ? null : 'an SNMP target is host[:port] (default port 162)';
    case 'webhook': {
      try {
        const u = new URL(target);
        return ['http:', 'https:'].includes(u.protocol) && !u.username && !u.password ? null : 'a webhook is an http(s) URL without credentials';
      } catch { return 'a webhook is an http(s) URL'; }
    }
    case 'email': return /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/.test(target) ? null : 'an email address';
    case 'sms': return /^\+[1-9][0-9]{6,14}$/.test(target) ? null : 'a phone number in E.164 form (+4420...)';
    default: return `unknown type ${type}`;
  }
}

export function subjectOf(n: Notice): string {
  return `[acm HA] ${n.group}: ${n.node ? `${n.node} ` : ''}${n.instance ? `${n.instance} ` : ''}${n.state}`.slice(0, 255);
}

/** The plain-text body of an email: every field on its own line, then the message. */
export function emailText(n: Notice): string {
  return [
    `HA group : ${n.group}`,
    `node     : ${n.node ?? '(group)'}`,
    `VIP      : ${n.vips?.length ? n.vips.join(', ') : '(none)'}`,
    `instance : ${n.instance ?? '-'}`,
    `new state: ${n.state}`,
    `time     : ${n.at}`,
    '',
    n.message,
    '',
    '-- acm high availability',
  ].join('\n');
}

const sdValue = (s: string) => s.replace(/["\\\]]/g, (c) => `\\${c}`);
const token = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';

/**
 * An RFC 5424 message: facility daemon (3); MASTER and FAULT as warning (4), everything else
 * notice (5); structured data `acmha@32473` with group, node, instance, state.
 */
export function rfc5424(n: Notice, host = hostname(), pid = process.pid): string {
  const severity = ['FAULT', 'MASTER', 'SPLIT', 'SYNC_CONFLICT'].includes(n.state) ? 4 : 5;
  const sd = [`group="${sdValue(n.group)}"`, n.node ? `node="${sdValue(n.node)}"` : '', n.instance ? `instance="${sdValue(n.instance)}"` : '', `state="${sdValue(n.state)}"`].filter(Boolean).join(' ');
  return `<${3 * 8 + severity}>1 ${n.at} ${token(host, 255)} acm-ha ${pid} ${token(n.state, 32)} [acmha@32473 ${sd}] ${n.message.replace(/[\r\n]+/g, ' ')}`;
}

export function sendSyslog(target: string, n: Notice, timeoutMs = 3000): Promise<void> {
  const hp = hostPort(target, 514);
  if (!hp) return Promise.reject(new Error(`bad syslog target ${target}`));
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(isIP(hp.host) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { sock.close(); reject(new Error(`syslog ${target}: timed out`)); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(e); });
    sock.send(Buffer.from(rfc5424(n), 'utf8'), hp.port, hp.host, (e) => {
      clearTimeout(timer);
      sock.close();
      if (e) reject(e); else resolve();
    });
  });
}

export async function sendWebhook(url: string, n: Notice, timeoutMs = 5000): Promise<void> {
  if (targetProblem('webhook', url)) throw new Error(`bad webhook URL`);
  const res = await fetch(url, {
    method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    headers: { 'content-type': 'application/json', 'user-agent': 'acm-ha' },
    body: JSON.stringify({ source: 'acm-ha', subject: subjectOf(n), ...n }),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`webhook answered HTTP ${res.status}`);
}

/** Sends one email through the configured SMTP relay (nodemailer). */
export async function sendEmail(cfg: EmailSettings, to: string, n: Notice): Promise<void> {
  if (targetProblem('email', to)) throw new Error('bad email address');
  const pass = cfg.auth ? cfg.auth.pass ?? (cfg.auth.passEnv ? process.env[cfg.auth.passEnv] : undefined) : undefined;
  if (cfg.auth && pass === undefined) throw new Error(`email: no SMTP password (set auth.pass or the environment variable ${cfg.auth.passEnv ?? '?'})`);
  const timeout = cfg.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    host: cfg.host, port: cfg.port, secure: cfg.secure,
    ...(cfg.auth ? { auth: { user: cfg.auth.user, pass: pass! } } : {}),
    tls: { rejectUnauthorized: cfg.rejectUnauthorized ?? true },
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
  });
  try {
    await transport.sendMail({
      from: cfg.from, to, subject: subjectOf(n), text: emailText(n),
      headers: { 'X-acm-ha-group': n.group, 'X-acm-ha-state': n.state },
    });
  } finally {
    transport.close();
  }
}

export const ENTERPRISE_OID = '1.3.6.1.4.1.32473';
export const TRAP_OID = `${ENTERPRISE_OID}.1.1.0.1`;
export const VARBIND_OIDS = {
  group: `${ENTERPRISE_OID}.1.1.1.1`,
  node: `${ENTERPRISE_OID}.1.1.1.2`,
  instance: `${ENTERPRISE_OID}.1.1.1.3`,
  state: `${ENTERPRISE_OID}.1.1.1.4`,
  vips: `${ENTERPRISE_OID}.1.1.1.5`,
  message: `${ENTERPRISE_OID}.1.1.1.6`,
  time: `${ENTERPRISE_OID}.1.1.1.7`,
} as const;

export function trapVarbinds(n: Notice): Varbind[] {
  const str = (oid: string, value: string) => ({ oid, type: snmp.ObjectType.OctetString, value: value.slice(0, 255) });
  return [
    str(VARBIND_OIDS.group, n.group), str(VARBIND_OIDS.node, n.node ?? ''), str(VARBIND_OIDS.instance, n.instance ?? ''),
    str(VARBIND_OIDS.state, n.state), str(VARBIND_OIDS.vips, (n.vips ?? []).join(',')), str(VARBIND_OIDS.message, n.message),
    str(VARBIND_OIDS.time, n.at),
  ];
}

/**
 * Sends one SNMP trap (v2c by default, v1 on request) to `host[:port]` (default 162). A trap is
 * not acknowledged: "sent" means it left this host (an `inform` would need the receiver's ack).
 */
export function sendSnmpTrap(cfg: SnmpSettings, target: string, n: Notice, timeoutMs = 5000): Promise<void> {
  const hp = hostPort(target, 162);
  if (!hp) return Promise.reject(new Error(`bad SNMP target ${target}`));
  return new Promise((resolve, reject) => {
    let session: Session;
    try {
      session = snmp.createSession(hp.host, cfg.community, {
        trapPort: hp.port, version: cfg.version === '1' ? snmp.Version1 : snmp.Version2c, transport: isIP(hp.host) === 6 ? 'udp6' : 'udp4',
      });
    } catch (e) { reject(e as Error); return; }
    let done = false;
    const finish = (e?: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { session.close(); } catch { /* already closed */ }
      if (e) reject(e); else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`SNMP trap to ${target}: timed out`)), timeoutMs);
    session.on('error', (e) => finish(e));
    session.trap(TRAP_OID, trapVarbinds(n), (e) => finish(e));
  });
}

/** Sends one outbox item; false when the type has no sender under these settings (it stays pending). */
export async function deliver(type: string, target: string, n: Notice, t: Transports = {}): Promise<boolean> {
  if (type === 'syslog') { await sendSyslog(target, n); return true; }
  if (type === 'webhook') { await sendWebhook(target, n); return true; }
  if (type === 'snmp') { await sendSnmpTrap(t.snmp ?? { community: 'public', version: '2c' }, target, n); return true; }
  if (type === 'email' && t.email) { await sendEmail(t.email, target, n); return true; }
  return false;
}

/** Seconds to wait before attempt `n + 1` (5 s, 10 s, 20 s, … at most 10 min). */
export const backoffSeconds = (attempts: number) => Math.min(5 * 2 ** Math.max(0, attempts - 1), 600);
export const MAX_ATTEMPTS = 8;
