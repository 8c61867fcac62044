import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The inbound page in headless Chromium: its tabs (routes, IVR menus, business hours) are the
 * kit's resource page; destinations and menu options are JSON in the kit's form, and what the
 * API refuses shows beside its field.
 */
let h: UiHarness;
let page: Page;
let cluster: Record<string, any>;

beforeAll(async () => {
  h = await startUi({ plugins: ['queues', 'conference', 'inbound'] });
  const site = (await h.k.admin.json('POST', '/api/sites', { name: 'inbound-e2e' })).body;
  cluster = (await h.k.admin.json('POST', '/api/clusters', { siteId: site.id, name: 'inbound-e2e' })).body;
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const form = () => page.locator('acm-object-form');
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });

describe('the inbound page', () => {
  it('adds an IVR menu on its tab, its options as JSON, a refused digit shown beside the field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbound', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbound routes', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Inbound' }).getByRole('link', { name: 'IVR menus' }).click();
    await page.getByRole('heading', { name: 'IVR menus', level: 1 }).waitFor();
    await page.locator('acm-inbound-page acm-table').getByRole('button', { name: 'Add', exact: true }).click();
    await form().getByLabel('Cluster').selectOption({ label: 'inbound-e2e' });
    await form().getByLabel('Name').fill('main');
    await form().getByLabel('Prompt').fill('custom/welcome');
    await form().getByLabel('Options').fill('[{ "digit": "12", "destination": { "type": "hangup" } }]');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => form().locator('[data-field="options"] .field-error').innerText()).toMatch(/one of 0-9, \* and #/);
    await form().getByLabel('Options').fill('[{ "digit": "1", "destination": { "type": "extension", "number": "6101" } }]');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('acm-inbound-page acm-table tbody tr').filter({ hasText: 'custom/welcome' }).waitFor();
    expect(page.url()).toMatch(/#\/inbound\/ivrs$/);
    expect((await h.k.admin.json('GET', '/api/plugins/inbound/ivrs')).body.items).toMatchObject([
      { name: 'main', clusterId: cluster.id, options: [{ digit: '1', destination: { type: 'extension', number: '6101' } }], invalid: { type: 'hangup' } },
    ]);
  });

  it('changes the menu with its JSON shown as stored', async () => {
    await page.locator('acm-inbound-page acm-table tbody tr').filter({ hasText: 'custom/welcome' }).getByRole('button', { name: 'Change' }).click();
    await poll(() => form().getByLabel('Invalid').inputValue()).toBe(JSON.stringify({ type: 'hangup' }, null, 1));
    await form().getByLabel('Invalid').fill('{ "type": "extension", "number": "6102" }');
    await form().getByRole('button', { name: 'Save' }).click();
    await page.locator('acm-inbound-page acm-table').waitFor();
    await poll(async () => (await h.k.admin.json('GET', '/api/plugins/inbound/ivrs')).body.items[0].invalid).toEqual({ type: 'extension', number: '6102' });
  });

  it('logged no console errors (the page CSP refuses inline styles)', () => {
    expect(h.consoleErrors).toEqual([]);
  });
});
