/**
 * Health alerts through the core outbox: one alert when a metric goes red, none while it stays
 * red, one recovery when it is green again — end to end to a webhook from a simulated server;
 * then the rules themselves on a recording outbox (re-notify interval, minSeverity, unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxInput, OutboxService } from '../../../sdk/index.ts';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { until, webhookReceiver, type WebhookReceiver } from '../../../sdk/testing/notify.ts';
import { Alerts } from '../alerts.ts';
import { MonitoringSettings } from '../manifest.ts';
import type { ServerHealth } from '../history.ts';
import type { Metric } from '../metrics.ts';

describe('alerts from a simulated server', () => {
  let k: TestKernel;
  let sim: SimulatedAsterisk;
  let web: WebhookReceiver;
  beforeAll(async () => {
    web = await webhookReceiver();
    k = await startTestKernel({
      plugins: [{ id: 'monitoring', settings: { intervalSeconds: 3600, timeoutSeconds: 2, notify: [{ channel: 'webhook', to: web.url('/health') }] } }],
      connectServers: true, outbox: { backoffSeconds: () => 1, intervalMs: 100 },
      connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
    });
    const site = await k.admin.create('/api/sites', { name: 'lon', timezone: 'Europe/London' });
    const cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
    ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
  }, 60_000);
  afterAll(async () => {
    await k?.stop();
    await Promise.all([sim?.stop(), web?.close()]);
  });
  const round = async () => expect((await k.admin.json('POST', '/api/plugins/monitoring/round')).status).toBe(200);
  const settle = () => new Promise((r) => setTimeout(r, 400)); // a second delivery would be here by now

  it('a healthy server sends nothing', async () => {
    await round();
    await settle();
    expect(web.requests).toHaveLength(0);
  });

  it('a service that stops: one critical alert however many rounds see it, one recovery', async () => {
    sim.host.services.asterisk = 'failed';
    await round();
    await round();
    await until(() => (web.requests.length >= 1 ? true : undefined), 5000, 'the alert');
    await settle();
    expect(web.requests).toHaveLength(1);
    expect(web.requests[0]!.body).toMatchObject({
      source: 'acm-monitoring', severity: 'critical', subject: '[acm health] lon-ast1: Service asterisk CRITICAL: failed',
      fields: { server: 'lon-ast1', cluster: 'lon', metric: 'service:asterisk', state: 'red' },
    });
    sim.host.services.asterisk = 'active';
    await round();
    await round();
    await until(() => (web.requests.length >= 2 ? true : undefined), 5000, 'the recovery');
    await settle();
    expect(web.requests).toHaveLength(2);
    expect(web.requests[1]!.body).toMatchObject({ severity: 'info', subject: '[acm health] lon-ast1: Service asterisk recovered: active', fields: { state: 'green', was: 'red' } });
  });

  it('a hang in between is neither a new problem nor a recovery', async () => {
    const undo = sim.onExec('df -P', () => new Promise(() => {}));
    try { await round(); } finally { undo(); }
    await round();
    await settle();
    expect(web.requests).toHaveLength(2);
  });
});

describe('the alert rules', () => {
  const queued: OutboxInput[] = [];
  const outbox = { enqueue: async (i: OutboxInput) => { queued.push(i); return {} as never; } } as unknown as OutboxService;
  const settings = MonitoringSettings.parse({
    renotifyMinutes: 30,
    notify: [{ channel: 'webhook', to: 'https://noc.example.com/hook' }, { channel: 'sms', to: '+447700900123', minSeverity: 'critical' }],
  });
  const alerts = new Alerts(outbox, () => settings);
  const disk = (state: Metric['state'], value: number | null): ServerHealth => ({
    serverId: 7, clusterId: 1, tenantId: 1, siteId: 1, name: 'ast7', cluster: 'lon', at: 0, state, reasons: [],
    metrics: [{ key: 'disk:/var', group: 'server', label: 'Disk /var', state, value, text: `${value}% used`, unit: '%', warning: 80, critical: 90 }],
  });
  const T = 1_800_000_000_000;
  const sent = () => queued.splice(0).map((q) => `${q.channel} ${q.message.severity}`);

  it('warning to the webhook only, critical to both, a re-notify after the interval, a recovery to whoever heard', async () => {
    await alerts.round(disk('green', 50), T);
    expect(sent()).toEqual([]);
    await alerts.round(disk('orange', 85), T + 60_000);
    expect(sent()).toEqual(['webhook warning']);
    await alerts.round(disk('orange', 86), T + 120_000);
    expect(sent()).toEqual([]);
    await alerts.round(disk('red', 95), T + 180_000);
    expect(sent()).toEqual(['webhook critical', 'sms critical']);
    await alerts.round(disk('unknown', null), T + 240_000);
    await alerts.round(disk('red', 96), T + 180_000 + 29 * 60_000);
    expect(sent()).toEqual([]);
    await alerts.round(disk('red', 96), T + 180_000 + 30 * 60_000);
    const again = queued.slice();
    expect(sent()).toEqual(['webhook critical', 'sms critical']);
    expect(again[0]!.subject).toContain('(still)');
    await alerts.round(disk('green', 40), T + 3_600_000 * 3);
    expect(sent()).toEqual(['webhook info', 'sms info']);
    await alerts.round(disk('orange', 81), T + 3_600_000 * 4);
    await alerts.round(disk('green', 40), T + 3_600_000 * 5);
    // An orange that recovers: the SMS target never heard of it.
    expect(sent()).toEqual(['webhook warning', 'webhook info']);
  });

  it('a state change has a key of its own; the same change queued again is the same key', async () => {
    const a = new Alerts(outbox, () => settings);
    await a.round(disk('red', 95), T);
    const first = queued.splice(0).map((q) => q.dedupeKey);
    const b = new Alerts(outbox, () => settings);
    await b.round(disk('red', 95), T);
    expect(queued.splice(0).map((q) => q.dedupeKey)).toEqual(first);
    expect(new Set(first).size).toBe(1);
  });
});
