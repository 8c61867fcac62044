import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The dialer page in headless Chromium: a campaign from the table opens its live view, a start
 * with no lead is refused with the server's reason, a CSV picked from disk is imported with the
 * skipped rows and their reasons listed, and progress pushed on the bus reaches the figures with
 * no reload.
 */
let h: UiHarness;
let page: Page;
let cluster: Record<string, any>;
let campaign: Record<string, any>;

beforeAll(async () => {
  h = await startUi({ plugins: ['queues', 'dialer'] });
  const site = await h.k.admin.create('/api/sites', { name: 'dialer-e2e' });
  cluster = await h.k.admin.create('/api/clusters', { siteId: site.id, name: 'dialer-e2e' });
  const trunk = await h.k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'carrier', host: '192.0.2.10' });
  campaign = await h.k.admin.create('/api/plugins/dialer/campaigns', {
    clusterId: cluster.id, name: 'Renewals', mode: 'announce', message: 'hello-world', trunkId: trunk.id, callerId: '"Acme" <+442079460999>',
  });
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });
const live = () => page.locator('acm-dialer-page .dialer-live');

describe('the dialer page', () => {
  it('opens a campaign, refuses a start with no lead, imports a CSV with its skipped rows', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbound dialer', exact: true }).click();
    await page.getByRole('heading', { name: 'Outbound dialer', level: 1 }).waitFor();
    const row = page.locator('acm-dialer-page acm-table tbody tr').filter({ hasText: 'Renewals' });
    await row.getByRole('link', { name: 'Renewals' }).click();
    await live().getByRole('heading', { name: 'Campaign Renewals' }).waitFor();
    await poll(() => live().locator('.badge').first().innerText()).toBe('idle');
    await live().getByRole('button', { name: 'Start', exact: true }).click();
    await poll(() => page.locator('body').innerText()).toMatch(/Could not start Renewals: campaign Renewals has no lead left to dial: import leads first/);
    await live().getByLabel(/Import leads/).setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from('number,name\n+442079460001,Ann\nnonsense,Bob\n') });
    const skipped = live().locator('table', { hasText: 'Rows skipped by the import' });
    await poll(() => skipped.locator('tbody tr').innerText()).toMatch(/^3\s+nonsense\s+"nonsense" is not a valid phone number$/);
    await poll(async () => live().innerText()).toMatch(/Leads left\s*1/);
  });

  it('shows progress pushed over /api/events', async () => {
    const p = {
      campaignId: campaign.id, tenantId: cluster.tenantId, clusterId: cluster.id, state: 'running', stateReason: null, dialled: 40, answered: 12,
      connected: 11, abandoned: 1, abandonPercent: 8.33, inFlight: 3, agentsBusy: 4, agentsFree: 1, leadsLeft: 960, etaSeconds: 1200,
    };
    h.k.acm.bus.publish(`acm.${cluster.tenantId}.${cluster.id}.0.dialer.progress`, p);
    await poll(() => live().innerText()).toMatch(/Dialled\s*40[\s\S]*Abandoned\s*1 \(8.33 %\)[\s\S]*ETA\s*20 min/);
    await poll(() => live().locator('.badge').first().innerText()).toBe('running');
  });
});
