import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';
import { simulatedServer } from '../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';

/**
 * The monitoring plugin in headless Chromium: the home page shows the tiles in the seed's order
 * (Service availability, Security, Routing, Asterisk, Server status, Reporting) and turns Server
 * status red live when a disk fills up; the server-health page lists the metrics with their
 * thresholds and a sparkline, and replaces the row live after a round.
 */
let h: UiHarness;
let sim: SimulatedAsterisk;
let page: Page;
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 200 });

beforeAll(async () => {
  h = await startUi({
    plugins: ['status', 'ha', 'security', { id: 'monitoring', settings: { intervalSeconds: 3600, timeoutSeconds: 2, clusters: {
      'mon-e2e': { routes: [{ interface: 'eth0', gateway: '192.0.2.1', source: '192.0.2.11', table: 'main' }] },
    } } }],
    connectServers: true,
  });
  const site = await h.k.admin.create('/api/sites', { name: 'mon-e2e' });
  const cluster = await h.k.admin.create('/api/clusters', { siteId: site.id, name: 'mon-e2e' });
  ({ sim } = await simulatedServer(h.k, cluster.id, { name: 'mon-ast1' }));
  sim.host.ipRules = '0:\tfrom all lookup local\n32765:\tfrom 192.0.2.11 lookup main\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n';
  for (let i = 0; i < 2; i++) expect((await h.k.admin.json('POST', '/api/plugins/monitoring/round')).status).toBe(200);
  page = await h.newPage();
  await h.login(page);
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await sim?.stop();
});

describe('home page and server-health page', () => {
  it('shows the tiles in the seed\'s order and turns Server status red live', async () => {
    const tiles = page.locator('acm-status-home .tile');
    await poll(() => tiles.count()).toBeGreaterThanOrEqual(7);
    const ids = await tiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-tile')));
    expect(ids.filter((id) => id !== 'acm-health')).toEqual(['ha', 'security', 'monitoring-routing', 'monitoring-asterisk', 'monitoring-servers', 'monitoring-reporting']);
    const servers = page.locator('acm-status-home .tile[data-tile="monitoring-servers"]');
    await poll(() => servers.getAttribute('class')).toMatch(/\bgreen\b/);
    sim.host.disk('/').usedPercent = 97;
    await h.k.admin.json('POST', '/api/plugins/monitoring/round');
    await poll(() => servers.getAttribute('class')).toMatch(/\bred\b/);
    expect(await servers.locator('.tile-summary').innerText()).toMatch(/^mon-ast1: Disk \/: 97% used/);
  });

  it('the health page: metrics with thresholds and sparklines, a row replaced live', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server health', exact: true }).click();
    const table = page.getByRole('table', { name: 'Metrics of mon-ast1' });
    await table.waitFor({ timeout: 15_000 });
    const disk = table.locator('tr[data-metric="disk:/"]');
    expect(await disk.innerText()).toMatch(/Disk \/\s+red\s+97% used .*\s+80\s+90/);
    await poll(() => disk.locator('svg.sparkline polyline').count()).toBe(1);
    sim.host.disk('/').usedPercent = 35;
    await h.k.admin.json('POST', '/api/plugins/monitoring/round');
    await poll(() => disk.innerText()).toMatch(/Disk \/\s+green\s+35% used/);
    expect(await table.locator('tr[data-metric="route:eth0"]').innerText()).toMatch(/green/);
    expect(h.consoleErrors).toEqual([]);
  });
});
