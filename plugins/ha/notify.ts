/**
 * Notifications of HA state changes: what a target looks like per type, the messages, and the
 * senders acm has without extra packages — syslog (RFC 5424 over UDP) and webhook (HTTP POST of
 * JSON). Email, SMS and SNMP traps wait in the outbox as `pending` (no mailer/SNMP in the SDK).
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { hostname } from 'node:os';

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
}

export const SENDABLE = ['syslog', 'webhook'] as const;

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

/** Sends one outbox item; false when the type has no sender in acm (it stays pending). */
export async function deliver(type: string, target: string, n: Notice): Promise<boolean> {
  if (type === 'syslog') { await sendSyslog(target, n); return true; }
  if (type === 'webhook') { await sendWebhook(target, n); return true; }
  return false;
}

/** Seconds to wait before attempt `n + 1` (5 s, 10 s, 20 s, … at most 10 min). */
export const backoffSeconds = (attempts: number) => Math.min(5 * 2 ** Math.max(0, attempts - 1), 600);
export const MAX_ATTEMPTS = 8;
