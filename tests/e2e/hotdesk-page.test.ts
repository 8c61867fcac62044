import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';
import { simulatedServer } from '../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';

/**
 * The hot-desk page in headless Chromium: the two status tables (phones, logged-in users), a
 * log-out from the page, and a hot-desk phone added with the shared form (the bad desk beside its
 * field). A server is connected so log-ins reach AstDB.
 */
let h: UiHarness;
let page: Page;
let sim: SimulatedAsterisk | undefined;
const ids: Record<string, number> = {};

beforeAll(async () => {
  h = await startUi({ plugins: ['hotdesk'], connectServers: true });
  const post = async (path: string, body: unknown) => {
    const r = await h.k.admin.json('POST', path, body);
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const site = await post('/api/sites', { name: 'hd-e2e' });
  ids.cluster = (await post('/api/clusters', { siteId: site.id, name: 'hd-e2e' })).id;
  ids.phone = (await post('/api/extensions', { clusterId: ids.cluster, extension: '5812', name: 'Hotdesk 2', secret: 'Secret-5812-x1' })).id;
  ids.user = (await post('/api/extensions', { clusterId: ids.cluster, extension: '6109', name: 'George Lopez', secret: 'Secret-6109-x1', accountCode: 'USSales' })).id;
  ids.spare = (await post('/api/extensions', { clusterId: ids.cluster, extension: '5813', name: 'Hotdesk 3', secret: 'Secret-5813-x1' })).id;
  await post('/api/plugins/hotdesk/phones', { clusterId: ids.cluster, extensionId: ids.phone, desk: 'Desk 17', emergencyCallerId: '<+13055550117>' });
  ({ sim } = await simulatedServer(h.k, ids.cluster!, { name: 'hd-e2e-ast1' }));
  const login = await h.k.admin.json('POST', '/api/plugins/hotdesk/login', { clusterId: ids.cluster, user: '6109', phone: '5812' });
  if (login.status !== 200) throw new Error(JSON.stringify(login.body));
  page = await h.newPage();
  await h.login(page);
}, 90_000);
afterAll(async () => { await h?.stop(); await sim?.stop(); });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });

describe('the hot-desk page', () => {
  it('shows who is at which desk, logs a user out, and adds a phone with the shared form', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Hot desk', exact: true }).click();
    await page.getByRole('heading', { name: 'Hot desk', level: 1 }).waitFor();
    const phones = page.getByRole('table', { name: 'Hot-desk phones', exact: true });
    await poll(() => phones.locator('tbody tr').first().innerText()).toMatch(/5812\s+Hotdesk 2\s+hd-e2e\s+Desk 17\s+offline\s+6109 George Lopez since/);
    const users = page.getByRole('table', { name: 'Hot-desk users' });
    await poll(() => users.locator('tbody tr').first().innerText()).toMatch(/6109\s+5812\s+George Lopez\s+6109\s+USSales\s+hd-e2e/);

    await page.getByRole('button', { name: 'Log out of 5812' }).click();
    // The sessions event over the WebSocket redraws the tables.
    await poll(() => phones.locator('tbody tr').first().innerText()).toMatch(/free/);
    await poll(() => users.locator('tbody tr').count()).toBe(0);
    expect((await h.k.admin.json('GET', '/api/plugins/hotdesk/sessions')).body.items).toEqual([]);

    await page.locator('acm-hotdesk-page acm-table').getByRole('button', { name: 'Add', exact: true }).click();
    const form = page.locator('acm-object-form');
    await form.getByLabel('Cluster').selectOption({ label: 'hd-e2e' });
    await form.getByLabel('Extension').fill(String(ids.spare));
    await form.getByLabel('Desk').fill('Desk 18; [evil]');
    await form.getByLabel('Emergency caller id').fill('<+13055550118>');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => form.locator('[data-field="desk"] .field-error').innerText()).toMatch(/letters, digits, spaces/);
    await form.getByLabel('Desk').fill('Desk 18');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('acm-hotdesk-page acm-table tbody tr', { hasText: 'Desk 18' }).waitFor();
    expect(h.consoleErrors).toEqual([]);
  }, 60_000);
});
