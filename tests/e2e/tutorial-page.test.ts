import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The SDK tutorial's page (sdk/README §2, step 5) in headless Chromium: only the shared table and
 * form, yet it adds (a 422 beside its field), changes one field of, copies and deletes a speed
 * dial like the core's pages. One kernel with the tutorial plugin alone.
 */
const DIALS = '/api/plugins/speed-dials/dials';
let h: UiHarness;
let page: Page;
let clusterId: number;

beforeAll(async () => {
  h = await startUi({ plugins: [{ id: 'speed-dials', dir: resolve(import.meta.dirname, '..', '..', 'sdk', 'tutorial', 'speed-dials') }] });
  const site = (await h.k.admin.json('POST', '/api/sites', { name: 'tutorial-e2e' })).body;
  clusterId = (await h.k.admin.json('POST', '/api/clusters', { siteId: site.id, name: 'tutorial-e2e' })).body.id;
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });
const form = () => page.locator('acm-object-form');
const rows = () => page.locator('acm-speed-dials-page acm-table tbody tr');
const stored = async () => (await h.k.admin.json('GET', `${DIALS}?sort=code`)).body.items as Record<string, unknown>[];

describe('the tutorial page', () => {
  it('adds, changes, copies and deletes speed dials with the shared table and form', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Speed dials', exact: true }).click();
    await page.getByRole('heading', { name: 'Speed dials', level: 1 }).waitFor();
    await page.locator('acm-speed-dials-page acm-table').getByRole('button', { name: 'Add', exact: true }).click();
    await form().getByLabel('Cluster').selectOption({ label: 'tutorial-e2e' });
    await form().getByLabel('Code').fill('81');
    await form().getByLabel('Number').fill('+442071234567');
    await form().getByLabel('Label').fill('Reception');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => form().locator('[data-field="code"] .field-error').innerText()).toBe('*8 and one or two digits, e.g. *81');
    expect(await form().getByLabel('Code').getAttribute('aria-invalid')).toBe('true');
    await form().getByLabel('Code').fill('*81');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await rows().filter({ hasText: 'Reception' }).waitFor();

    await page.getByRole('button', { name: 'Change speed dial *81' }).click();
    await poll(() => form().getByLabel('Number').inputValue()).toBe('+442071234567');
    await form().getByLabel('Number').fill('6101');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await rows().filter({ hasText: '6101' }).waitFor();
    expect(await stored()).toMatchObject([{ code: '*81', number: '6101', label: 'Reception', clusterId }]);

    // A copy keeps the number and label; it needs a code of its own.
    await page.getByRole('button', { name: 'Copy speed dial *81' }).click();
    await poll(() => form().getByLabel('Code').inputValue()).toBe('*81');
    await form().getByLabel('Code').fill('*82');
    await form().getByRole('button', { name: 'Save copy', exact: true }).click();
    await rows().filter({ hasText: '*82' }).waitFor();
    expect((await stored()).map((d) => [d.code, d.number, d.label])).toEqual([['*81', '6101', 'Reception'], ['*82', '6101', 'Reception']]);

    await page.getByRole('button', { name: 'Delete speed dial *81' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await poll(() => rows().filter({ hasText: '*81' }).count()).toBe(0);
    expect((await stored()).map((d) => d.code)).toEqual(['*82']);
    expect(h.consoleErrors).toEqual([]);
  }, 60_000);
});
