/**
 * The core outbox on a bare kernel and a webhook receiver on 127.0.0.1: idempotent enqueue,
 * owners kept apart, the target sealed in the table and shown without its token, a channel
 * without transport waiting, and a failing target retried until it is `failed` with the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../sdk/testing/kernel.ts';
import { until, webhookReceiver, type WebhookReceiver } from '../../sdk/testing/notify.ts';
import { OutboxEntrySchema } from '../model/outbox-entity.ts';
import { DEFAULT_OUTBOX_POLICY, shownTarget } from './outbox.ts';

let k: TestKernel;
let web: WebhookReceiver;

beforeAll(async () => {
  web = await webhookReceiver();
  k = await startTestKernel({
    plugins: [], notifier: { snmp: { community: 'public', version: '2c' }, appName: 'acm' },
    outbox: { backoffSeconds: () => 0, maxAttempts: 3, intervalMs: 100 },
  });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await web?.close();
});

const message = { text: 'disk almost full', severity: 'warning' as const };

describe('the notification outbox', () => {
  it('sends an entry once: enqueueing the same key again returns the same entry', async () => {
    const core = k.acm.outbox.forOwner('core');
    const target = web.url('/hook/T0K3N?sig=abc');
    const first = await core.enqueue({ channel: 'webhook', target, dedupeKey: 'disk:1', subject: 'disk', message, tenantId: 1 });
    await until(async () => ((await core.list({ status: 'sent' })).total === 1 ? true : undefined), 5000, 'the delivery');
    const again = await core.enqueue({ channel: 'webhook', target, dedupeKey: 'disk:1', subject: 'disk', message });
    expect(again).toMatchObject({ id: first.id, status: 'sent', attempts: 1, tenantId: 1 });
    await core.drain();
    expect(web.requests.filter((r) => r.url === '/hook/T0K3N?sig=abc')).toHaveLength(1);
    expect(web.requests[0]!.body).toMatchObject({ source: 'acm', subject: 'disk', text: 'disk almost full', severity: 'warning' });
  });

  it('keeps the target sealed in the table and shows a webhook by its origin only', async () => {
    const [row] = await k.acm.orm.em.fork().getConnection().execute<{ target: string }[]>("select target from notification_outbox where dedupe_key = 'disk:1'");
    expect(row!.target).not.toContain('T0K3N');
    const [entry] = (await k.acm.outbox.forOwner('core').list()).items;
    expect(entry!.target).toBe(`${new URL(web.url()).origin}/…`);
    expect(JSON.stringify(entry)).not.toContain('T0K3N');
    expect(shownTarget('webhook', 'https://example.com/')).toBe('https://example.com/');
    expect(shownTarget('syslog', '192.0.2.1:514')).toBe('192.0.2.1:514');
    // The ORM opens it for the sender.
    expect((await k.acm.orm.em.fork().findOneOrFail(OutboxEntrySchema, { dedupeKey: 'disk:1' })).target).toBe(web.url('/hook/T0K3N?sig=abc'));
  });

  it('keeps owners apart: one owner neither lists nor collides with another\'s entries; an inactive owner\'s wait', async () => {
    const other = k.acm.outbox.forOwner('other');
    const before = web.requests.length;
    const mine = await other.enqueue({ channel: 'webhook', target: web.url('/hook/T0K3N?sig=abc'), dedupeKey: 'disk:1', subject: 'disk', message });
    await other.drain();
    // No plugin "other" is started: its entry is not sent.
    expect((await other.list()).items[0]).toMatchObject({ id: mine.id, status: 'pending', attempts: 0 });
    expect(web.requests.length).toBe(before);
    expect((await other.list()).items.map((e) => e.id)).toEqual([mine.id]);
    expect((await k.acm.outbox.forOwner('core').list()).items.map((e) => e.id)).not.toContain(mine.id);
  });

  it('an entry without a transport waits, counting no attempt', async () => {
    const core = k.acm.outbox.forOwner('core');
    const e = await core.enqueue({ channel: 'email', target: 'noc@example.com', dedupeKey: 'mail:1', subject: 'disk', message });
    await core.drain();
    expect((await core.list({ status: 'pending' })).items.find((x) => x.id === e.id)).toMatchObject({
      attempts: 0, lastError: expect.stringMatching(/^no email transport/),
    });
  });

  it('retries a failing target, then gives it up as failed with the last error', async () => {
    web.status = 503;
    const core = k.acm.outbox.forOwner('core');
    const before = web.requests.length;
    const e = await core.enqueue({ channel: 'webhook', target: web.url('/down'), dedupeKey: 'down:1', subject: 'down', message, ref: 'disk' });
    const failed = await until(async () => (await core.list({ status: 'failed' })).items.find((x) => x.id === e.id), 5000, 'the entry to fail');
    web.status = 200;
    expect(failed).toMatchObject({ attempts: 3, lastError: 'webhook answered HTTP 503', ref: 'disk', sentAt: null });
    await core.drain();
    expect(web.requests.slice(before).map((r) => r.url)).toEqual(['/down', '/down', '/down']);
    expect((await core.list({ refs: ['disk'] })).items.map((x) => x.id)).toEqual([e.id]);
  });

  it('refuses an entry whose target does not fit its channel, naming the field', async () => {
    await expect(k.acm.outbox.forOwner('core').enqueue({ channel: 'syslog', target: 'not a host!', dedupeKey: 'x', subject: 's', message }))
      .rejects.toMatchObject({ problems: [{ field: 'target' }] });
  });

  it('the default policy: 5 s doubling to at most 10 min, 8 attempts', () => {
    expect([1, 2, 3, 7, 8, 20].map(DEFAULT_OUTBOX_POLICY.backoffSeconds)).toEqual([5, 10, 20, 320, 600, 600]);
    expect(DEFAULT_OUTBOX_POLICY.maxAttempts).toBe(8);
  });
});
