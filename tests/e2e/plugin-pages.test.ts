import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MENU_SECTIONS } from '../../sdk/manifest.ts';
import { startUi, type UiHarness } from './harness.ts';

/**
 * Plugin pages through the UI contract (sdk/README §9) in headless Chromium: the manifest's menu
 * section and order, the conference and HA pages creating and changing their objects with the
 * shared form and listing them with the shared table, and a plugin page leaving the screen when
 * another page opens. One kernel without the demo; one cluster made through the API.
 */
let h: UiHarness;
let page: Page;
let clusterId: number;

beforeAll(async () => {
  h = await startUi();
  const post = async (path: string, body: unknown) => {
    const r = await h.k.admin.json('POST', path, body);
    if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const site = await post('/api/sites', { name: 'pages-e2e' });
  clusterId = (await post('/api/clusters', { siteId: site.id, name: 'pages-e2e' })).id;
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });
const nav = () => page.getByRole('navigation', { name: 'Main' });
const open = (name: string) => nav().getByRole('link', { name, exact: true }).click();
const form = () => page.locator('acm-object-form');

describe('plugin pages', () => {
  it('sits in the menu section and place its manifest names', async () => {
    await nav().getByRole('link', { name: 'Conferences', exact: true }).waitFor();
    const menu = await nav().evaluate((el) => Array.from(el.querySelectorAll('h2'), (h2) => ({
      section: h2.textContent, links: Array.from(h2.nextElementSibling?.querySelectorAll('a') ?? [], (a) => a.textContent),
    })));
    // The shell shows the manifest's sections, in their order.
    expect(menu.map((m) => m.section)).toEqual([...MENU_SECTIONS]);
    const config = menu.find((m) => m.section === 'Configuration')!.links;
    // Conferences at 45, Queues at 47, Inbound at 48, Recordings at 49: after the core's fourth entry (Access lists, 40), before Batch (50).
    const from = config.indexOf('Access lists');
    expect(config.slice(from, from + 6)).toEqual(['Access lists', 'Conferences', 'Queues', 'Inbound', 'Recordings', 'Batch']);
    // No section in the manifest: Status, after the core's pages there; Home first of all.
    const status = menu.find((m) => m.section === 'Status')!.links;
    expect(status[0]).toBe('Home');
    expect(status).toContain('High availability');
    expect(status.indexOf('High availability')).toBeGreaterThan(status.indexOf('Server status'));
  });

  it('books and changes a conference room with the shared form, field errors beside their fields', async () => {
    await open('Conferences');
    await page.getByRole('heading', { name: 'Conference manager', level: 1 }).waitFor();
    await page.locator('acm-conference-page acm-table').getByRole('button', { name: 'Add', exact: true }).click();
    await form().getByLabel('Cluster').selectOption({ label: 'pages-e2e' });
    await form().getByLabel('Room number').fill('x1');
    await form().getByLabel('Starts').fill('2026-06-01T09:00');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => form().locator('[data-field="number"] .field-error').innerText()).toBe('2 to 20 digits');
    expect(await form().getByLabel('Room number').getAttribute('aria-invalid')).toBe('true');
    await form().getByLabel('Room number').fill('8850');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('acm-conference-page acm-table tbody tr', { hasText: '8850' });
    await row.waitFor();
    const rooms = (await h.k.admin.json('GET', '/api/plugins/conference/rooms')).body.items;
    expect(rooms.map((r: { number: string }) => r.number)).toEqual(['8850']);
    // The picker is in local time; the API holds UTC.
    const startsAt = await page.evaluate(() => new Date('2026-06-01T09:00').toISOString());
    expect(rooms[0].startsAt).toBe(startsAt);

    await page.getByRole('button', { name: 'Change room 8850' }).click();
    await poll(() => form().getByLabel('Room number').inputValue()).toBe('8850');
    expect(await form().getByLabel('Starts').inputValue()).toBe('2026-06-01T09:00');
    await form().getByLabel('Description').fill('Weekly sales');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('acm-conference-page acm-table tbody tr', { hasText: 'Weekly sales' }).waitFor();
    const after = (await h.k.admin.json('GET', `/api/plugins/conference/rooms/${rooms[0].id}`)).body;
    expect(after).toMatchObject({ number: '8850', description: 'Weekly sales', startsAt, clusterId });

    // A room picked in the table opens its live view.
    await row.getByRole('link', { name: '8850' }).click();
    await page.getByRole('heading', { name: 'Room 8850' }).waitFor();
    expect(await page.getByRole('table', { name: 'Participants of room 8850' }).count()).toBe(1);
  }, 60_000);

  it('leaves the screen when another page opens, and comes back when it is opened again', async () => {
    expect(await page.getByRole('heading', { name: 'Conference manager' }).count()).toBe(1);
    await open('Extensions');
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await poll(() => page.getByRole('heading', { name: 'Conference manager' }).count()).toBe(0);
    expect(await page.locator('acm-conference-page').count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Conference rooms' }).count()).toBe(0);
    expect(await page.locator('main h1').allInnerTexts()).toEqual(['Extensions']);

    await open('Conferences');
    await page.getByRole('heading', { name: 'Conference manager' }).waitFor();
    expect(await page.locator('main h1').allInnerTexts()).toEqual(['Conference manager']);
    // From one plugin page straight to another.
    await open('High availability');
    await page.getByRole('heading', { name: 'High availability', level: 1 }).waitFor();
    expect(await page.locator('main h1').allInnerTexts()).toEqual(['High availability']);
    expect(await page.locator('acm-conference-page').count()).toBe(0);
  });

  it('adds and changes an HA group with the shared form', async () => {
    await page.getByText('No HA groups yet. Add one with “Add HA group”.').waitFor();
    await page.getByRole('button', { name: 'Add HA group' }).click();
    await form().getByLabel('Cluster').selectOption({ label: 'pages-e2e' });
    await form().getByRole('textbox', { name: 'Name', exact: true }).fill('pair-1');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    const section = page.locator('acm-ha-page section[data-group="pair-1"]');
    await section.waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Change pair-1' }).click();
    await poll(() => form().getByRole('textbox', { name: 'Name', exact: true }).inputValue()).toBe('pair-1');
    // A group cannot move to another cluster: the form does not offer it.
    expect(await form().getByLabel('Cluster').isDisabled()).toBe(true);
    await form().getByLabel('Description').fill('front pair');
    await form().getByLabel('SIP port').fill('70000');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await poll(() => form().locator('[data-field="sipPort"] .field-error').count()).toBe(1);
    await form().getByLabel('SIP port').fill('5070');
    await form().getByRole('button', { name: 'Save', exact: true }).click();
    await section.waitFor();
    const groups = (await h.k.admin.json('GET', '/api/plugins/ha/groups')).body.items;
    // Only the changed fields were sent: the services keep their default.
    expect(groups).toMatchObject([{ name: 'pair-1', description: 'front pair', sipPort: 5070, services: ['ami', 'sip'], clusterId }]);
    expect(h.consoleErrors).toEqual([]);
  }, 60_000);
});
