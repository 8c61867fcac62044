/**
 * Local receivers for notification tests, all on 127.0.0.1: a syslog UDP listener, a webhook
 * HTTP server, an SMTP server (smtp-server) and an SNMP trap receiver (net-snmp) — plus the
 * core notifier itself, so a plugin's tests can send its messages through the real transports.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import snmp, { type Notification } from 'net-snmp';
import { SMTPServer } from 'smtp-server';

export { createNotifier, notifierSettingsFromEnv, type NotifierSettings } from '../../core/services/notifier.ts';

/** Polls `fn` until it returns something truthy. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms: ${what}`);
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface SyslogReceiver { port: number; target: string; messages: string[]; close(): Promise<void> }

export async function syslogReceiver(): Promise<SyslogReceiver> {
  const sock = dgram.createSocket('udp4');
  const messages: string[] = [];
  sock.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const { port } = sock.address();
  return { port, target: `127.0.0.1:${port}`, messages, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

export interface WebhookRequest { method: string | undefined; url: string | undefined; type: string | undefined; userAgent: string | undefined; body: any }
export interface WebhookReceiver { url(path?: string): string; requests: WebhookRequest[]; status: number; close(): Promise<void> }

/** Answers every request with `status` (200 unless changed). */
export async function webhookReceiver(): Promise<WebhookReceiver> {
  const requests: WebhookRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let parsed: unknown = body;
      try { parsed = JSON.parse(body || 'null'); } catch { /* kept as text */ }
      requests.push({ method: req.method, url: req.url, type: req.headers['content-type'], userAgent: req.headers['user-agent'], body: parsed });
      res.statusCode = rec.status;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const rec: WebhookReceiver = {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`, requests, status: 200,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  return rec;
}

export interface Mail { from: string; to: string[]; data: string; user?: string | undefined }
export interface SmtpReceiver { port: number; mails: Mail[]; close(): Promise<void> }

/** Plain SMTP (no TLS); with `auth`, AUTH is offered and only that user/password accepted. */
export async function smtpReceiver(auth?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false, logger: false, authOptional: true,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.pass) cb(null, { user: a.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The headers and the body (soft line breaks joined) of a received mail. */
export function mailParts(m: Mail): { head: string; body: string } {
  const [head, ...rest] = m.data.split(/\r?\n\r?\n/);
  return { head: head ?? '', body: rest.join('\n\n').replace(/=\r?\n/g, '') };
}

export interface TrapReceiver { port: number; target: string; traps: Notification[]; close(): Promise<void> }

/** Accepts traps of one community (v1 and v2c). */
export async function trapReceiver(community: string): Promise<TrapReceiver> {
  const port = await freeUdpPort();
  const traps: Notification[] = [];
  const receiver = snmp.createReceiver({ port, address: '127.0.0.1', transport: 'udp4', includeAuthentication: true }, (err, n) => { if (!err && n) traps.push(n); });
  receiver.getAuthorizer().addCommunity(community);
  return {
    port, target: `127.0.0.1:${port}`, traps,
    close: () => new Promise<void>((r) => { try { receiver.close(() => r()); } catch { r(); } setTimeout(r, 1000); }),
  };
}

/** A trap's varbinds by OID, values as text. */
export const varbindsOf = (n: Notification): Record<string, unknown> =>
  Object.fromEntries(n.pdu.varbinds.map((v) => [v.oid, Buffer.isBuffer(v.value) ? v.value.toString('utf8') : v.value]));
