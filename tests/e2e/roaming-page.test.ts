import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The roaming page in headless Chromium: the report highlights the seed's duplicate voicemail and
 * "Eddie"/"Eddle" mismatch; the keys tab rotates and activates a cluster's key.
 */
let h: UiHarness;
let page: Page;
const c: Record<string, any> = {};

beforeAll(async () => {
  h = await startUi({ plugins: ['roaming'] });
  const sfo = (await h.k.admin.json('POST', '/api/sites', { name: 'sanfrancisco' })).body;
  const ams = (await h.k.admin.json('POST', '/api/sites', { name: 'amsterdam' })).body;
  c.sfo = (await h.k.admin.json('POST', '/api/clusters', { siteId: sfo.id, name: 'sfo', vip: '127.0.0.4' })).body;
  c.ams = (await h.k.admin.json('POST', '/api/clusters', { siteId: ams.id, name: 'ams', vip: '127.0.0.3' })).body;
  await h.k.admin.create('/api/extensions', { clusterId: c.sfo.id, name: 'Eddie Cole', extension: '6179', mailbox: '6179' });
  const home = await h.k.admin.create('/api/extensions', { clusterId: c.ams.id, name: 'Eddle Cole', extension: '6179', mailbox: '6179' });
  await h.k.admin.create('/api/extensions', { clusterId: c.ams.id, name: 'Ann', extension: '6100' });
  await h.k.admin.create('/api/plugins/roaming/links', { clusterId: c.sfo.id, peerClusterId: c.ams.id });
  await h.k.admin.create('/api/plugins/roaming/roamers', { extensionId: home.id });
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });

describe('the roaming page', () => {
  it('shows the report with the duplicate voicemail and the name mismatch highlighted', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roaming', exact: true }).click();
    await page.getByRole('heading', { name: 'Roaming report', level: 1 }).waitFor();
    const rows = page.getByRole('table', { name: 'Roaming report' }).locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/6179\s+Eddle Cole\s+ams\s+amsterdam\s+yes\s+6179\s+duplicate voicemail\s+name mismatch/);
    expect(await rows.nth(1).innerText()).toMatch(/6179\s+Eddie Cole\s+sfo\s+sanfrancisco\s+no\s+6179/);
    expect(await page.locator('tr.flagged').count()).toBe(2);
    await page.getByLabel('Search').fill('eddie');
    await page.getByLabel('Search').press('Enter');
    await poll(() => rows.count()).toBe(1);
  });

  it('rotates a key: the new one waits as next, then activates', async () => {
    await page.getByRole('navigation', { name: 'Roaming' }).getByRole('link', { name: 'Keys' }).click();
    const keys = page.getByRole('table', { name: 'Keys' }).locator('tbody tr');
    await poll(() => keys.count()).toBe(2);
    await keys.filter({ hasText: 'sfo' }).getByRole('button', { name: 'Rotate' }).click();
    await poll(() => keys.count()).toBe(3);
    await keys.filter({ hasText: 'next' }).getByRole('button', { name: 'Activate' }).click();
    await poll(async () => (await h.k.admin.json('GET', '/api/plugins/roaming/keys')).body.items.map((k: any) => k.state)).toEqual(['retiring', 'active', 'active']);
  });

  it('lists the links on their tab with the kit', async () => {
    await page.getByRole('navigation', { name: 'Roaming' }).getByRole('link', { name: 'Links' }).click();
    await page.getByRole('heading', { name: 'Inter-site links', level: 1 }).waitFor();
    await page.locator('acm-roaming-page acm-table tbody tr').filter({ hasText: 'ams' }).waitFor();
  });

  it('logged no console errors', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});
