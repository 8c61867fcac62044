/**
 * The notifier (coreServices.notifier): one delivery attempt of one message over one channel —
 * syslog (RFC 5424 over UDP), webhook (HTTP POST of JSON), email (nodemailer over SMTP), SNMP
 * traps (net-snmp, v2c or v1) and SMS (a JSON POST `{to, text}` to the gateway in
 * ACM_SMS_WEBHOOK). It keeps nothing: the outbox (outbox.ts) stores, retries and dedupes.
 *
 * Transports come from the environment (notifierSettingsFromEnv) and, per call, from the
 * caller's own settings (a plugin's SMTP relay or SNMP community replace the core's).
 *
 * The generic SNMP trap (a message without `snmp` OIDs), under acm's enterprise (sdk/notify.ts):
 *   1.3.6.1.4.1.32473.1.2.0.1     acmNotification  (snmpTrapOID.0 in v2c, enterprise+specific 1 in v1)
 *   1.3.6.1.4.1.32473.1.2.1.1     acmNotifySubject   OCTET STRING
 *   1.3.6.1.4.1.32473.1.2.1.2     acmNotifyText      OCTET STRING (first 255 characters)
 *   1.3.6.1.4.1.32473.1.2.1.3     acmNotifySeverity  OCTET STRING  info, warning or critical
 *   1.3.6.1.4.1.32473.1.2.1.4     acmNotifySource    OCTET STRING  e.g. acm-security
 *   1.3.6.1.4.1.32473.1.2.1.5     acmNotifyTime      OCTET STRING  RFC 3339, UTC
 *   1.3.6.1.4.1.32473.1.2.1.6.N   acmNotifyField     OCTET STRING  `name=value`, one per field, N = 1, 2, …
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import snmp, { type Session, type Varbind } from 'net-snmp';
import type {
  NotifierService, NotifyChannel, NotifyMessage, NotifySeverity, NotifyTransports, SmtpSettings, SnmpSettings,
} from '../../sdk/core-services.ts';
import { ACM_ENTERPRISE_OID, hostPort, notifyTargetProblem } from '../../sdk/notify.ts';
import { truncateUtf8 } from '../../sdk/asterisk-syntax.ts';

export interface NotifierSettings {
  smtp?: SmtpSettings | undefined;
  snmp: SnmpSettings;
  smsWebhook?: string | undefined;
  /** The syslog APP-NAME (and webhook `source`) of a message that names no `source`. */
  appName: string;
  /** Per-channel timeouts, ms (defaults: syslog 3 s, webhook, SNMP, SMS 5 s, email the relay's timeoutMs or 10 s). */
  timeoutMs?: Partial<Record<NotifyChannel, number>>;
}

export const DEFAULT_NOTIFIER_SETTINGS: NotifierSettings = { snmp: { community: 'public', version: '2c' }, appName: 'acm' };

const isToken = (s: string, max: number) => s.length >= 1 && s.length <= max && /^[\x21-\x7e]+$/.test(s);

/**
 * The core transports from the environment; a malformed variable throws, naming it.
 *   ACM_SMTP_URL        smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (TLS); user and password URL-encoded
 *   ACM_SMTP_FROM       the sender (default: the SMTP user when it is an address, else acm@<hostname>)
 *   ACM_SNMP_COMMUNITY  default public
 *   ACM_SNMP_VERSION    1 or 2c (default 2c)
 *   ACM_SYSLOG_APPNAME  default acm
 *   ACM_SMS_WEBHOOK     the SMS gateway: an http(s) URL that takes a JSON POST {"to": "+4420…", "text": "…"}
 */
export function notifierSettingsFromEnv(env: Record<string, string | undefined> = process.env): NotifierSettings {
  const out: NotifierSettings = { ...DEFAULT_NOTIFIER_SETTINGS, snmp: { ...DEFAULT_NOTIFIER_SETTINGS.snmp } };
  if (env.ACM_SMTP_URL) {
    let u: URL;
    try { u = new URL(env.ACM_SMTP_URL); } catch { throw new Error('ACM_SMTP_URL: not a URL (smtp://user:pass@host:587 or smtps://user:pass@host:465)'); }
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('ACM_SMTP_URL: the scheme is smtp:// (STARTTLS) or smtps:// (TLS)');
    if (!u.hostname) throw new Error('ACM_SMTP_URL: no host');
    const secure = u.protocol === 'smtps:';
    const user = decodeURIComponent(u.username);
    const from = env.ACM_SMTP_FROM ?? (/^[^\s@]+@[^\s@]+$/.test(user) ? user : `acm@${hostname()}`);
    if (!/^[^\r\n]+@[^\r\n]+$/.test(from)) throw new Error('ACM_SMTP_FROM: a sender address ("acm <acm@example.com>" or acm@example.com)');
    out.smtp = {
      host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port ? Number(u.port) : secure ? 465 : 587, secure, from,
      ...(user ? { auth: { user, pass: decodeURIComponent(u.password) } } : {}),
    };
  } else if (env.ACM_SMTP_FROM) {
    throw new Error('ACM_SMTP_FROM is set but ACM_SMTP_URL is not: name the relay (smtp://user:pass@host:587)');
  }
  if (env.ACM_SNMP_COMMUNITY !== undefined) {
    if (!isToken(env.ACM_SNMP_COMMUNITY, 64)) throw new Error('ACM_SNMP_COMMUNITY: 1-64 printable characters, no spaces');
    out.snmp.community = env.ACM_SNMP_COMMUNITY;
  }
  if (env.ACM_SNMP_VERSION !== undefined) {
    const v = env.ACM_SNMP_VERSION.toLowerCase().replace(/^v/, '');
    if (v !== '1' && v !== '2c') throw new Error('ACM_SNMP_VERSION: 1 or 2c');
    out.snmp.version = v;
  }
  if (env.ACM_SYSLOG_APPNAME !== undefined) {
    if (!isToken(env.ACM_SYSLOG_APPNAME, 48)) throw new Error('ACM_SYSLOG_APPNAME: 1-48 printable characters, no spaces');
    out.appName = env.ACM_SYSLOG_APPNAME;
  }
  if (env.ACM_SMS_WEBHOOK) {
    if (notifyTargetProblem('webhook', env.ACM_SMS_WEBHOOK)) throw new Error('ACM_SMS_WEBHOOK: an http(s) URL without user:password (put a token in the path or query)');
    out.smsWebhook = env.ACM_SMS_WEBHOOK;
  }
  return out;
}

/* ------------------------------------------------------------------ syslog */

const SYSLOG_SEVERITY: Record<NotifySeverity, number> = { critical: 2, warning: 4, info: 5 };
const sdValue = (s: string) => s.replace(/["\\\]]/g, (c) => `\\${c}`);
const sdName = (s: string) => s.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32) || '_';
const token = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
const sourceOf = (m: NotifyMessage, fallback: string) => m.source ?? fallback;

/**
 * An RFC 5424 message: facility daemon (3), severity from the message (info = notice 5,
 * warning = 4, critical = crit 2); the non-empty fields as structured data under the SD-ID
 * (default `acm@32473`), `-` when there are none.
 */
export function rfc5424(m: NotifyMessage, appName = 'acm', host = hostname(), pid = process.pid): string {
  const severity = SYSLOG_SEVERITY[m.severity ?? 'info'];
  const params = Object.entries(m.fields ?? {}).filter(([, v]) => v !== '').map(([k, v]) => `${sdName(k)}="${sdValue(v)}"`);
  const sd = params.length ? `[${token(m.syslog?.sdId ?? 'acm@32473', 32)} ${params.join(' ')}]` : '-';
  const at = m.at ?? new Date().toISOString();
  return `<${3 * 8 + severity}>1 ${at} ${token(host, 255)} ${token(sourceOf(m, appName), 48)} ${pid} ${token(m.syslog?.msgId ?? '-', 32)} ${sd} ${m.text.replace(/[\r\n]+/g, ' ')}`;
}

function sendSyslog(target: string, line: string, timeoutMs: number): Promise<void> {
  const hp = hostPort(target, 514)!;
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(isIP(hp.host) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { sock.close(); reject(new Error(`syslog ${target}: timed out`)); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); sock.close(); reject(e); });
    sock.send(Buffer.from(line, 'utf8'), hp.port, hp.host, (e) => {
      clearTimeout(timer);
      sock.close();
      if (e) reject(e); else resolve();
    });
  });
}

/* ------------------------------------------------------------------ webhook, SMS */

/** The webhook's JSON body: source and subject, then `data` or text, severity, at and fields. */
export function webhookBody(m: NotifyMessage, appName = 'acm'): Record<string, unknown> {
  return {
    source: sourceOf(m, appName), subject: m.subject,
    ...(m.data ?? { text: m.text, severity: m.severity ?? 'info', at: m.at ?? new Date().toISOString(), fields: m.fields ?? {} }),
  };
}

async function postJson(url: string, body: unknown, userAgent: string, timeoutMs: number, what: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status >= 300) throw new Error(`${what} answered HTTP ${res.status}`);
}

/* ------------------------------------------------------------------ email */

/** Each field as a header `X-<source>-<name>` (e.g. X-acm-ha-state). */
export function emailHeaders(m: NotifyMessage, appName = 'acm'): Record<string, string> {
  const prefix = sourceOf(m, appName).replace(/[^A-Za-z0-9-]/g, '-');
  return Object.fromEntries(Object.entries(m.fields ?? {}).map(([k, v]) => [`X-${prefix}-${k.replace(/[^A-Za-z0-9-]/g, '-')}`, truncateUtf8(v.replace(/[\r\n]+/g, ' '), 500)]));
}

async function sendEmail(cfg: SmtpSettings, m: NotifyMessage, appName: string): Promise<void> {
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
    await transport.sendMail({ from: cfg.from, to: m.to, subject: m.subject.replace(/[\r\n]+/g, ' '), text: m.text, headers: emailHeaders(m, appName) });
  } finally {
    transport.close();
  }
}

/* ------------------------------------------------------------------ SNMP */

export const NOTIFY_TRAP_OID = `${ACM_ENTERPRISE_OID}.1.2.0.1`;
export const NOTIFY_VARBIND_OIDS = {
  subject: `${ACM_ENTERPRISE_OID}.1.2.1.1`,
  text: `${ACM_ENTERPRISE_OID}.1.2.1.2`,
  severity: `${ACM_ENTERPRISE_OID}.1.2.1.3`,
  source: `${ACM_ENTERPRISE_OID}.1.2.1.4`,
  time: `${ACM_ENTERPRISE_OID}.1.2.1.5`,
  field: `${ACM_ENTERPRISE_OID}.1.2.1.6`,
} as const;

/** The trap OID and varbinds: the message's own OIDs per field, or the generic acmNotification. */
export function trapOf(m: NotifyMessage, appName = 'acm'): { trapOid: string; varbinds: Varbind[] } {
  // A DisplayString is at most 255 octets: cut the UTF-8 bytes on a character boundary.
  const str = (oid: string, value: string) => ({ oid, type: snmp.ObjectType.OctetString, value: truncateUtf8(value, 255) });
  const fields = m.fields ?? {};
  if (m.snmp) return { trapOid: m.snmp.trapOid, varbinds: Object.entries(m.snmp.varbinds).map(([name, oid]) => str(oid, fields[name] ?? '')) };
  const o = NOTIFY_VARBIND_OIDS;
  return {
    trapOid: NOTIFY_TRAP_OID,
    varbinds: [
      str(o.subject, m.subject), str(o.text, m.text), str(o.severity, m.severity ?? 'info'), str(o.source, sourceOf(m, appName)),
      str(o.time, m.at ?? new Date().toISOString()),
      ...Object.entries(fields).map(([k, v], i) => str(`${o.field}.${i + 1}`, `${k}=${v}`)),
    ],
  };
}

/** A trap is not acknowledged: "sent" means it left this host (an `inform` would need the receiver's ack). */
function sendSnmpTrap(cfg: SnmpSettings, target: string, trap: { trapOid: string; varbinds: Varbind[] }, timeoutMs: number): Promise<void> {
  const hp = hostPort(target, 162)!;
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
    session.trap(trap.trapOid, trap.varbinds, (e) => finish(e));
  });
}

/* ------------------------------------------------------------------ the service */

export function createNotifier(settings: NotifierSettings = DEFAULT_NOTIFIER_SETTINGS): NotifierService {
  const timeout = (c: NotifyChannel, dflt: number) => settings.timeoutMs?.[c] ?? dflt;
  const smtpOf = (t: NotifyTransports) => t.smtp ?? settings.smtp;
  const smsOf = (t: NotifyTransports) => t.smsWebhook ?? settings.smsWebhook;
  return {
    channels(t = {}) {
      return ['syslog', 'webhook', 'snmp', ...(smtpOf(t) ? ['email' as const] : []), ...(smsOf(t) ? ['sms' as const] : [])];
    },
    async send(m, t = {}) {
      const problem = notifyTargetProblem(m.channel, m.to);
      if (problem) return { status: 'failed', error: `bad ${m.channel} target: ${problem}` };
      try {
        switch (m.channel) {
          case 'syslog':
            await sendSyslog(m.to, rfc5424(m, settings.appName), timeout('syslog', 3000));
            break;
          case 'webhook':
            await postJson(m.to, webhookBody(m, settings.appName), sourceOf(m, settings.appName), timeout('webhook', 5000), 'webhook');
            break;
          case 'snmp':
            await sendSnmpTrap(t.snmp ?? settings.snmp, m.to, trapOf(m, settings.appName), timeout('snmp', 5000));
            break;
          case 'email': {
            const smtp = smtpOf(t);
            if (!smtp) return { status: 'pending', error: 'no SMTP relay configured (set ACM_SMTP_URL)' };
            await sendEmail(smtp, m, settings.appName);
            break;
          }
          case 'sms': {
            const gateway = smsOf(t);
            if (!gateway) return { status: 'pending', error: 'no SMS gateway configured' };
            await postJson(gateway, { to: m.to, text: m.text }, sourceOf(m, settings.appName), timeout('sms', 5000), 'SMS gateway');
            break;
          }
          default:
            return { status: 'failed', error: `unknown channel ${String((m as { channel: unknown }).channel)}` };
        }
        return { status: 'sent' };
      } catch (e) {
        return { status: 'failed', error: ((e as Error).message || String(e)).slice(0, 500) };
      }
    },
  };
}
