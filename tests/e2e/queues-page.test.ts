import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The queues page in headless Chromium: the kit's resource page for queues (add with a 422
 * beside its field) and the agents, live: an agent event on the bus reaches the table over
 * /api/events with no reload, and a log-out removes the row.
 */
let h: UiHarness;
let page: Page;
let cluster: Record<string, any>;

beforeAll(async () => {
  h = await startUi({ plugins: ['queues'] });
  const site = (await h.k.admin.json('POST', '/api/sites', { name: 'queues-e2e' })).body;
  cluster = (await h.k.admin.json('POST', '/api/clusters', { siteId: site.id, name: 'queues-e2e' })).body;
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => { await h?.stop(); });

const form = () => page.locator('acm-object-form');
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });

describe('the queues page', () => {
  it('adds a queue with the kit\'s form, showing what the API refuses beside the field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues', exact: true }).click();
    await page.getByRole('heading', { name: 'Queues', level: 1 }).waitFor();
    await page.locator('acm-queues-page acm-table').getByRole('button', { name: 'Add', exact: true }).click();
    await form().getByLabel('Cluster').selectOption({ label: 'queues-e2e' });
    await form().getByLabel('Name').fill('general');
    await form().getByLabel('Number').fill('600');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => form().locator('[data-field="name"] .field-error').innerText()).toBe('reserved (queues.conf [general], acm markers)');
    await form().getByLabel('Name').fill('ussales');
    await form().getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('acm-queues-page acm-table tbody tr').filter({ hasText: 'ussales' }).waitFor();
    expect((await h.k.admin.json('GET', '/api/plugins/queues/queues')).body.items).toMatchObject([{ name: 'ussales', number: '600', clusterId: cluster.id }]);
  });

  it('shows agents live: pushed over /api/events, paused with its reason, gone when logged out', async () => {
    await page.locator('acm-queues-page').getByText('No agent is logged in.').waitFor();
    const agent = {
      clusterId: cluster.id, serverId: 1, queue: 'ussales', interface: 'PJSIP/6101', queueId: 1, extensionId: 1, name: '6101 Keith',
      membership: 'dynamic', penalty: 0, paused: true, pausedReason: 'lunch', device: 'idle', state: 'paused', since: new Date().toISOString(), callsTaken: 3, lastCall: null,
    };
    const subject = `acm.${cluster.tenantId}.${cluster.id}.1.queues.agent`;
    h.k.acm.bus.publish(subject, agent);
    const row = page.locator('acm-queues-page tr[data-agent]');
    await poll(() => row.innerText()).toMatch(/ussales\s+6101 Keith PJSIP\/6101\s+paused: lunch/);
    h.k.acm.bus.publish(subject, { ...agent, state: 'logged-out' });
    await poll(() => row.count()).toBe(0);
  });
});
