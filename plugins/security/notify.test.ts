/**
 * Alert notifications through the core outbox, end to end: a level-10 alert POSTed to
 * /alerts reaches a webhook (a local HTTP server) and syslog (a UDP listener) once, also when
 * posted again within the dedup window; SMS without a gateway and email without a relay wait
 * as `pending` with the reason; a target's minLevel and the notifyLevel keep the rest out; a
 * failing webhook is retried, also after acm restarts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../sdk/testing/kernel.ts';
import { syslogReceiver, until, webhookReceiver, type SyslogReceiver, type WebhookReceiver } from '../../sdk/testing/notify.ts';

const P = '/api/plugins/security';
const wazuh = readFileSync(join(import.meta.dirname, 'fixtures', 'wazuh-alerts.json'), 'utf8').split('\n');
const level10 = wazuh[1]!; // rule 5712, sshd brute force from 203.0.113.45
const level5 = wazuh[0]!;

let k: TestKernel;
let syslog: SyslogReceiver;
let web: WebhookReceiver;

beforeAll(async () => {
  [syslog, web] = await Promise.all([syslogReceiver(), webhookReceiver()]);
  const routing = {
    nocLevel: 5, notifyLevel: 7, dedupSeconds: 300,
    targets: [
      { type: 'webhook', to: web.url('/alerts') },
      { type: 'syslog', to: syslog.target },
      { type: 'sms', to: '+447700900123' },
      { type: 'email', to: 'noc@example.com' },
      { type: 'webhook', to: web.url('/critical-only'), minLevel: 12 },
    ],
  };
  // The notifier without ACM_* transports, whatever the environment says: no SMTP relay, no SMS gateway.
  // Retries after 1 s, so the tests need not wait for the real back-off.
  k = await startTestKernel({
    plugins: [{ id: 'security', settings: { routing } }], notifier: { snmp: { community: 'public', version: '2c' }, appName: 'acm' },
    outbox: { backoffSeconds: () => 1, intervalMs: 200 },
  });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await Promise.all([syslog?.close(), web?.close()]);
});

describe('alert notifications', () => {
  it('a level-10 alert reaches the webhook and syslog exactly once, also when posted twice within the dedup window', async () => {
    const first = await k.admin.json('POST', `${P}/alerts`, { text: level10 });
    expect(first.body).toMatchObject({ accepted: 1, deduplicated: 0, alerts: [{ level: 10, noc: true, notified: true }] });
    const second = await k.admin.json('POST', `${P}/alerts`, { text: level10 });
    expect(second.body).toMatchObject({ accepted: 1, deduplicated: 1 });
    await until(() => web.requests.length >= 1 && syslog.messages.length >= 1, 5000, 'the webhook and syslog deliveries');
    await new Promise((r) => setTimeout(r, 500)); // a second delivery would be here by now
    expect(web.requests).toHaveLength(1);
    expect(syslog.messages).toHaveLength(1);

    const hook = web.requests[0]!;
    expect(hook).toMatchObject({ method: 'POST', url: '/alerts', type: 'application/json', userAgent: 'acm-security' });
    expect(hook.body).toMatchObject({
      source: 'acm-security', severity: 'warning', at: '2026-11-23T08:02:10.001Z',
      subject: expect.stringMatching(/^\[acm security\] level 10 wazuh:5712 from 203\.0\.113\.45: sshd: brute force/),
      fields: { source: 'wazuh', rule: '5712', level: '10', srcip: '203.0.113.45', location: '/var/log/auth.log', agent: 'ast15' },
      alert: { ruleId: '5712', level: 10, srcIp: '203.0.113.45', notified: true },
    });
    // RFC 5424: daemon.warning, app acm-security, MSGID source.rule, SD acmsec@32473 (empty fields left out)
    expect(syslog.messages[0]).toMatch(/^<28>1 2026-11-23T08:02:10\.001Z \S+ acm-security \d+ wazuh\.5712 \[acmsec@32473 source="wazuh" rule="5712" level="10" srcip="203\.0\.113\.45" location="\/var\/log\/auth\.log" agent="ast15" user="oracle"\] sshd: brute force trying to get access to the system\. Non existent user\. \(level 10, wazuh rule 5712, from 203\.0\.113\.45, \/var\/log\/auth\.log\)$/);
  });

  it('the outbox shows each target\'s status: sent, or pending with the reason; nothing for minLevel 12 or below notifyLevel', async () => {
    await k.admin.json('POST', `${P}/alerts`, { text: level5 });
    const out = await until(async () => {
      const r = await k.admin.json('GET', `${P}/notifications`);
      return r.body.notifications.filter((n: any) => n.status === 'sent').length === 2 ? r.body : undefined;
    }, 5000, 'the deliveries to settle');
    // The webhook's URL is shown as its origin: a path or query may carry a token.
    const rows = out.notifications.map((n: any) => [n.target.type, n.target.to, n.status, n.error, n.attempts, n.alert.ruleId]);
    expect(rows.sort()).toEqual([
      ['email', 'noc@example.com', 'pending', expect.stringMatching(/^no email transport .*ACM_SMTP_URL/), 0, '5712'],
      ['sms', '+447700900123', 'pending', expect.stringMatching(/^no sms transport \(ACM_SMS_WEBHOOK/), 0, '5712'],
      ['syslog', syslog.target, 'sent', null, 1, '5712'],
      ['webhook', `${new URL(web.url()).origin}/…`, 'sent', null, 1, '5712'],
    ]);
    expect(out.notifications.find((n: any) => n.status === 'sent').sentAt).toEqual(expect.any(String));
    expect(out.stats).toMatchObject({ alertsStored: 2, alertsDeduplicated: 1, notificationsSent: 2, notificationsPending: 2, notificationsFailed: 0 });
    expect(out.total).toBe(4);
  });

  const webhookFor = async (srcIp: string) => (await k.admin.json('GET', `${P}/notifications`)).body.notifications
    .find((n: any) => n.target.type === 'webhook' && n.alert.srcIp === srcIp);

  it('a failing webhook is retried by the outbox, not by the notifier', async () => {
    web.status = 500;
    const text = level10.replaceAll('203.0.113.45', '198.51.100.7');
    await k.admin.json('POST', `${P}/alerts`, { text });
    const retrying = await until(async () => {
      const n = await webhookFor('198.51.100.7');
      return n?.attempts >= 1 ? n : undefined;
    }, 5000, 'a failed webhook attempt');
    expect(retrying).toMatchObject({ status: 'pending', error: 'webhook answered HTTP 500' });
    expect(Date.parse(retrying.nextAt)).toBeGreaterThan(Date.parse(retrying.at));
    web.status = 200;
    const sent = await until(async () => {
      const n = await webhookFor('198.51.100.7');
      return n?.status === 'sent' ? n : undefined;
    }, 5000, 'the retry');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(sent.error).toBeNull();
  });

  it('a notification still pending when acm stops is delivered after the restart', async () => {
    web.status = 500;
    const text = level10.replaceAll('203.0.113.45', '198.51.100.8');
    await k.admin.json('POST', `${P}/alerts`, { text });
    await until(async () => ((await webhookFor('198.51.100.8'))?.attempts >= 1 ? true : undefined), 5000, 'a failed webhook attempt');
    await k.restart();
    // Every attempt before the restart was answered 500: a delivery now is the restarted acm's.
    web.status = 200;
    const before = web.requests.length;
    const sent = await until(async () => {
      const n = await webhookFor('198.51.100.8');
      return n?.status === 'sent' ? n : undefined;
    }, 8000, 'the delivery after the restart');
    expect(web.requests.length).toBe(before + 1);
    expect(web.requests.at(-1)!.body.alert).toMatchObject({ srcIp: '198.51.100.8' });
    expect(sent).toMatchObject({ error: null, alert: { srcIp: '198.51.100.8' } });
  });

  it('lists only its own entries: the kernel binds the outbox to the plugin', async () => {
    const core = await k.acm.outbox.forOwner('core').enqueue({
      channel: 'webhook', target: web.url('/core'), dedupeKey: 'core-1', subject: 'core notice', message: { text: 'hello' },
    });
    await until(() => web.requests.some((r) => r.url === '/core') || undefined, 5000, 'the core entry');
    const listed = (await k.admin.json('GET', `${P}/notifications?pageSize=1000`)).body;
    expect(listed.notifications.length).toBe(listed.total);
    expect(listed.notifications.map((n: any) => n.id)).not.toContain(core.id);
    expect(listed.notifications.every((n: any) => n.alert !== null)).toBe(true);
  });

  it('refuses a site whose target does not fit its type', async () => {
    const { SecuritySettings } = await import('./manifest.ts');
    const r = SecuritySettings.safeParse({ routing: { targets: [{ type: 'syslog', to: 'not a host!' }, { type: 'sms', to: '0123' }] } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['routing.targets.0.to', 'routing.targets.1.to']);
  });
});
