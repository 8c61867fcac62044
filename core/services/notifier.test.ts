/**
 * The core notifier against local receivers on 127.0.0.1: syslog (a UDP listener), webhooks and
 * the SMS gateway (an HTTP server), email (smtp-server) and SNMP traps (a net-snmp receiver).
 * What arrives is the wire format the plugins and their receivers rely on.
 */
import { hostname } from 'node:os';
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyMessage } from '../../sdk/core-services.ts';
import {
  freeUdpPort, mailParts, smtpReceiver, syslogReceiver, trapReceiver, until, varbindsOf, webhookReceiver,
  type SmtpReceiver, type SyslogReceiver, type TrapReceiver, type WebhookReceiver,
} from '../../sdk/testing/notify.ts';
import { createNotifier, emailHeaders, NOTIFY_TRAP_OID, NOTIFY_VARBIND_OIDS, notifierSettingsFromEnv, rfc5424, trapOf } from './notifier.ts';

let syslog: SyslogReceiver;
let web: WebhookReceiver;
let smtp: SmtpReceiver;
let traps: TrapReceiver;

beforeAll(async () => {
  [syslog, web, smtp, traps] = await Promise.all([syslogReceiver(), webhookReceiver(), smtpReceiver({ user: 'acm', pass: 'smtp-Secret1' }), trapReceiver('acm-traps')]);
});
afterAll(async () => {
  await Promise.all([syslog?.close(), web?.close(), smtp?.close(), traps?.close()]);
});

const msg = (m: Partial<NotifyMessage> & Pick<NotifyMessage, 'channel' | 'to'>): NotifyMessage => ({
  subject: '[acm] brute force from 203.0.113.45', text: 'ten failed logins\nfrom 203.0.113.45', severity: 'warning', at: '2026-01-05T10:00:03.000Z', ...m,
});

describe('settings from the environment', () => {
  it('reads the SMTP relay, sender, SNMP, syslog app name and SMS gateway', () => {
    const s = notifierSettingsFromEnv({
      ACM_SMTP_URL: 'smtp://acm%40example.com:p%40ss@mail.example.com:2525', ACM_SNMP_COMMUNITY: 'traps', ACM_SNMP_VERSION: 'v1',
      ACM_SYSLOG_APPNAME: 'acm-lon', ACM_SMS_WEBHOOK: 'https://sms.example.com/send?token=x',
    });
    expect(s).toEqual({
      smtp: { host: 'mail.example.com', port: 2525, secure: false, from: 'acm@example.com', auth: { user: 'acm@example.com', pass: 'p@ss' } },
      snmp: { community: 'traps', version: '1' }, appName: 'acm-lon', smsWebhook: 'https://sms.example.com/send?token=x',
    });
    expect(notifierSettingsFromEnv({ ACM_SMTP_URL: 'smtps://relay.example.com', ACM_SMTP_FROM: 'acm <noc@example.com>' }).smtp)
      .toEqual({ host: 'relay.example.com', port: 465, secure: true, from: 'acm <noc@example.com>' });
    expect(notifierSettingsFromEnv({})).toEqual({ snmp: { community: 'public', version: '2c' }, appName: 'acm' });
  });

  it('names the variable that is wrong', () => {
    expect(() => notifierSettingsFromEnv({ ACM_SMTP_URL: 'http://x' })).toThrow(/ACM_SMTP_URL/);
    expect(() => notifierSettingsFromEnv({ ACM_SMTP_FROM: 'a@b.c' })).toThrow(/ACM_SMTP_URL is not/);
    expect(() => notifierSettingsFromEnv({ ACM_SNMP_VERSION: '3' })).toThrow(/ACM_SNMP_VERSION/);
    expect(() => notifierSettingsFromEnv({ ACM_SNMP_COMMUNITY: 'a b' })).toThrow(/ACM_SNMP_COMMUNITY/);
    expect(() => notifierSettingsFromEnv({ ACM_SYSLOG_APPNAME: '' })).toThrow(/ACM_SYSLOG_APPNAME/);
    expect(() => notifierSettingsFromEnv({ ACM_SMS_WEBHOOK: 'https://u:p@sms.example.com/' })).toThrow(/ACM_SMS_WEBHOOK/);
  });
});

describe('syslog (RFC 5424 over UDP)', () => {
  it('PRI from the severity, app name, MSGID, the fields as structured data, the text on one line', async () => {
    const n = createNotifier({ snmp: { community: 'public', version: '2c' }, appName: 'acm-lon' });
    expect(await n.send(msg({ channel: 'syslog', to: syslog.target, fields: { rule: '5712', srcip: '203.0.113.45', note: 'a "quoted" ]x', empty: '' }, syslog: { msgId: 'wazuh.5712', sdId: 'acmsec@32473' } }))).toEqual({ status: 'sent' });
    const line = await until(() => syslog.messages.find((l) => l.includes('wazuh.5712')), 3000, 'the datagram');
    expect(line).toBe(`<28>1 2026-01-05T10:00:03.000Z ${hostname()} acm-lon ${process.pid} wazuh.5712 [acmsec@32473 rule="5712" srcip="203.0.113.45" note="a \\"quoted\\" \\]x"] ten failed logins from 203.0.113.45`);
    // defaults: notice, the settings' app name, no MSGID, no structured data; the message's source wins
    expect(rfc5424({ channel: 'syslog', to: 'x', subject: 's', text: 't', at: 'T' }, 'acm', 'h', 1)).toBe('<29>1 T h acm 1 - - t');
    expect(rfc5424({ channel: 'syslog', to: 'x', subject: 's', text: 't', at: 'T', severity: 'critical', source: 'acm-ha', fields: { a: 'b' } }, 'acm', 'h', 1)).toBe('<26>1 T h acm-ha 1 - [acm@32473 a="b"] t');
  });

  it('a bad target fails without sending', async () => {
    expect(await createNotifier().send(msg({ channel: 'syslog', to: 'not a host!' }))).toEqual({ status: 'failed', error: expect.stringMatching(/bad syslog target/) });
  });
});

describe('webhook (JSON POST)', () => {
  it('posts source, subject, text, severity, time and fields; or the caller\'s data; HTTP errors fail', async () => {
    const n = createNotifier();
    expect(await n.send(msg({ channel: 'webhook', to: web.url('/a'), source: 'acm-security', fields: { rule: '5712' } }))).toEqual({ status: 'sent' });
    expect(web.requests[0]).toEqual({
      method: 'POST', url: '/a', type: 'application/json', userAgent: 'acm-security',
      body: { source: 'acm-security', subject: '[acm] brute force from 203.0.113.45', text: 'ten failed logins\nfrom 203.0.113.45', severity: 'warning', at: '2026-01-05T10:00:03.000Z', fields: { rule: '5712' } },
    });
    await n.send(msg({ channel: 'webhook', to: web.url('/b'), source: 'acm-ha', data: { group: 'lon-pair', groupId: 1, node: null } }));
    expect(web.requests[1]!.body).toEqual({ source: 'acm-ha', subject: '[acm] brute force from 203.0.113.45', group: 'lon-pair', groupId: 1, node: null });
    web.status = 500;
    expect(await n.send(msg({ channel: 'webhook', to: web.url('/c') }))).toEqual({ status: 'failed', error: 'webhook answered HTTP 500' });
    web.status = 200;
    expect((await n.send(msg({ channel: 'webhook', to: 'http://u:p@127.0.0.1/' }))).status).toBe('failed');
  });
});

describe('SMS', () => {
  it('pending without a gateway; with ACM_SMS_WEBHOOK a JSON POST {to, text}', async () => {
    expect(createNotifier().channels()).toEqual(['syslog', 'webhook', 'snmp']);
    expect(await createNotifier().send(msg({ channel: 'sms', to: '+447700900123' }))).toEqual({ status: 'pending', error: 'no SMS gateway configured' });
    const n = createNotifier(notifierSettingsFromEnv({ ACM_SMS_WEBHOOK: web.url('/sms') }));
    expect(n.channels()).toEqual(['syslog', 'webhook', 'snmp', 'sms']);
    expect(await n.send(msg({ channel: 'sms', to: '+447700900123', text: 'L10 brute force' }))).toEqual({ status: 'sent' });
    expect(web.requests.find((r) => r.url === '/sms')!.body).toEqual({ to: '+447700900123', text: 'L10 brute force' });
    expect(await n.send(msg({ channel: 'sms', to: '0123' }))).toMatchObject({ status: 'failed', error: expect.stringMatching(/E\.164/) });
  });
});

describe('email (nodemailer over SMTP)', () => {
  const relay = () => ({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'acm <acm@example.com>', timeoutMs: 3000 });

  it('pending without a relay; the core relay from ACM_SMTP_URL; subject, text and X-<source>-<field> headers', async () => {
    expect(await createNotifier().send(msg({ channel: 'email', to: 'noc@example.com' }))).toEqual({ status: 'pending', error: expect.stringMatching(/ACM_SMTP_URL/) });
    const n = createNotifier(notifierSettingsFromEnv({ ACM_SMTP_URL: `smtp://acm:smtp-Secret1@127.0.0.1:${smtp.port}`, ACM_SMTP_FROM: 'acm <acm@example.com>' }));
    expect(n.channels()).toContain('email');
    expect(await n.send(msg({ channel: 'email', to: 'noc@example.com', source: 'acm-security', fields: { level: '10', rule: '5712' } }))).toEqual({ status: 'sent' });
    const m = await until(() => smtp.mails.find((x) => x.to.includes('noc@example.com')), 5000, 'the mail');
    expect(m).toMatchObject({ from: 'acm@example.com', user: 'acm' });
    const { head, body } = mailParts(m);
    expect(head).toMatch(/^Subject: \[acm\] brute force from 203\.0\.113\.45$/m);
    expect(head).toMatch(/^X-acm-security-level: 10$/im);
    expect(head).toMatch(/^X-acm-security-rule: 5712$/im);
    expect(body).toContain('ten failed logins\r\nfrom 203.0.113.45');
  });

  it('a per-call relay replaces the core one: AUTH with the password from the environment; wrong credentials and a dead relay fail', async () => {
    const n = createNotifier();
    process.env.ACM_TEST_SMTP_PASS = 'smtp-Secret1';
    try {
      expect(await n.send(msg({ channel: 'email', to: 'auth@example.com' }), { smtp: { ...relay(), auth: { user: 'acm', passEnv: 'ACM_TEST_SMTP_PASS' } } })).toEqual({ status: 'sent' });
    } finally { delete process.env.ACM_TEST_SMTP_PASS; }
    expect((await until(() => smtp.mails.find((x) => x.to.includes('auth@example.com')), 5000, 'the authenticated mail')).user).toBe('acm');
    expect(await n.send(msg({ channel: 'email', to: 'x@example.com' }), { smtp: { ...relay(), auth: { user: 'acm', pass: 'wrong' } } })).toMatchObject({ status: 'failed', error: expect.stringMatching(/Invalid|auth/i) });
    expect(await n.send(msg({ channel: 'email', to: 'x@example.com' }), { smtp: { ...relay(), auth: { user: 'acm', passEnv: 'ACM_TEST_NO_SUCH_VAR' } } })).toMatchObject({ status: 'failed', error: expect.stringMatching(/no SMTP password/) });
    expect((await n.send(msg({ channel: 'email', to: 'x@example.com' }), { smtp: { ...relay(), port: await freeUdpPort() } })).status).toBe('failed');
    expect(await n.send(msg({ channel: 'email', to: 'nobody' }), { smtp: relay() })).toMatchObject({ status: 'failed', error: expect.stringMatching(/email address/) });
  });
});

describe('SNMP traps (net-snmp)', () => {
  it('the generic acmNotification trap (v2c): subject, text, severity, source, time and one varbind per field', async () => {
    const n = createNotifier(notifierSettingsFromEnv({ ACM_SNMP_COMMUNITY: 'acm-traps' }));
    expect(await n.send(msg({ channel: 'snmp', to: traps.target, source: 'acm-security', fields: { rule: '5712', srcip: '203.0.113.45' } }))).toEqual({ status: 'sent' });
    const t = await until(() => traps.traps.find((x) => varbindsOf(x)['1.3.6.1.6.3.1.1.4.1.0'] === NOTIFY_TRAP_OID), 5000, 'the v2c trap');
    const vb = varbindsOf(t);
    expect(t.pdu).toMatchObject({ type: snmp.PduType.TrapV2, community: 'acm-traps' });
    expect(NOTIFY_TRAP_OID).toBe('1.3.6.1.4.1.32473.1.2.0.1');
    expect(vb[NOTIFY_VARBIND_OIDS.subject]).toBe('[acm] brute force from 203.0.113.45');
    expect(vb[NOTIFY_VARBIND_OIDS.severity]).toBe('warning');
    expect(vb[NOTIFY_VARBIND_OIDS.source]).toBe('acm-security');
    expect(vb[NOTIFY_VARBIND_OIDS.time]).toBe('2026-01-05T10:00:03.000Z');
    expect(vb[`${NOTIFY_VARBIND_OIDS.field}.1`]).toBe('rule=5712');
    expect(vb[`${NOTIFY_VARBIND_OIDS.field}.2`]).toBe('srcip=203.0.113.45');
  });

  it('the caller\'s trap and field OIDs, v1 by a per-call override; a bad target fails', async () => {
    const n = createNotifier();
    const oids = { group: '1.3.6.1.4.1.32473.1.1.1.1', node: '1.3.6.1.4.1.32473.1.1.1.2', state: '1.3.6.1.4.1.32473.1.1.1.4' };
    const r = await n.send(msg({ channel: 'snmp', to: traps.target, fields: { group: 'lon-pair', state: 'FAULT' }, snmp: { trapOid: '1.3.6.1.4.1.32473.1.1.0.1', varbinds: oids } }), { snmp: { community: 'acm-traps', version: '1' } });
    expect(r).toEqual({ status: 'sent' });
    const t = await until(() => traps.traps.find((x) => x.pdu.type === snmp.PduType.Trap), 5000, 'the v1 trap');
    expect(varbindsOf(t)).toEqual({ [oids.group]: 'lon-pair', [oids.node]: '', [oids.state]: 'FAULT' });
    expect(await n.send(msg({ channel: 'snmp', to: 'not a host!' }))).toMatchObject({ status: 'failed', error: expect.stringMatching(/bad snmp target/) });
  });
});

describe('long text is cut on UTF-8 character boundaries', () => {
  it('in SNMP DisplayStrings (255 octets) and e-mail field headers (500 bytes)', () => {
    const long = 'é'.repeat(300);
    const m = msg({ channel: 'snmp', to: 'x', fields: { rule: long }, snmp: { trapOid: '1.3.6.1.4.1.99999.0.1', varbinds: { rule: '1.3.6.1.4.1.99999.1.1' } } });
    const value = String(trapOf(m).varbinds[0]!.value);
    expect(value).toBe('é'.repeat(127));
    expect(Buffer.byteLength(value)).toBe(254);
    const header = Object.values(emailHeaders(msg({ channel: 'email', to: 'x', fields: { rule: long } })))[0]!;
    expect(header).toBe('é'.repeat(250));
  });
});
