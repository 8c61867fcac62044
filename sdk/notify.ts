/**
 * Notification targets as plugins validate them (settings, API input) and the core notifier
 * (coreServices.notifier) reads them: one definition for both.
 */
import { isIP } from 'node:net';
import { hostProblem } from './asterisk-syntax.ts';
import type { NotifyChannel } from './core-services.ts';

/**
 * acm's SNMP enterprise: 32473, the number IANA reserves for documentation (RFC 5612) — a
 * placeholder until acm has its own PEN. Also the syslog SD-IDs' `@32473`.
 *   .1.1  the HA plugin's traps (plugins/ha/notify.ts)
 *   .1.2  the generic acmNotification trap of the core notifier
 */
export const ACM_ENTERPRISE_OID = '1.3.6.1.4.1.32473';

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address (optionally `udp://`); undefined when malformed. */
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
  // The shared host rule: RFC 1123 labels (no trailing "-"), plain IPv4/IPv6 (no zone id).
  if (hostProblem(host) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** Why `to` is not a valid recipient for the channel, or null. */
export function notifyTargetProblem(channel: NotifyChannel | string, to: string): string | null {
  switch (channel) {
    case 'syslog': return hostPort(to, 514) ? null : 'a syslog target is host[:port] (UDP, default port 514)';
    case 'snmp': return hostPort(to, 162) ? null : 'an SNMP target is host[:port] (default port 162)';
    case 'webhook': {
      try {
        const u = new URL(to);
        return ['http:', 'https:'].includes(u.protocol) && !u.username && !u.password ? null : 'a webhook is an http(s) URL without credentials';
      } catch { return 'a webhook is an http(s) URL'; }
    }
    case 'email': return /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/.test(to) ? null : 'an email address';
    case 'sms': return /^\+[1-9][0-9]{6,14}$/.test(to) ? null : 'a phone number in E.164 form (+4420...)';
    default: return `unknown type ${channel}`;
  }
}
