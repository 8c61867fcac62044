import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { startUi, type UiHarness } from './harness.ts';

/**
 * Editing only a conference room, in the Conferences page, is a change waiting like any other:
 * the topbar counts it, Commit is enabled, and the commit deploys the room's confbridge.conf to
 * the cluster's (simulated) Asterisk. One kernel without the demo, one cluster of one server.
 */
let h: UiHarness;
let page: Page;
let sim: SimulatedAsterisk;
let cluster: { id: number; name: string };
let room: { id: number; number: string };

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000, interval: 50 });
const post = async (path: string, body: unknown) => {
  const r = await h.k.admin.json('POST', path, body);
  if (r.status !== 200 && r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const confbridgeOnServer = () => readFileSync(join(sim.configRoot, 'acm/confbridge.conf'), 'utf8');

beforeAll(async () => {
  h = await startUi();
  const site = await post('/api/sites', { name: 'conf-e2e' });
  cluster = await post('/api/clusters', { siteId: site.id, name: 'conf-e2e' });
  // The server's main files, with the #tryinclude lines acm asks for (the conference plugin's among them).
  const stubs = (await h.k.admin.json('GET', `/api/commit/includes?clusterId=${cluster.id}`)).body as { file: string; content: string }[];
  const main = Object.fromEntries(stubs.map((s) => [s.file, s.content]));
  sim = new SimulatedAsterisk();
  const ports = await sim.start({ configFiles: main, authFailDelayMs: 20 });
  await post('/api/servers', {
    clusterId: cluster.id, name: 'conf-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
    sshPort: ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sim.hostKeySha256,
  });
  await h.k.acm.connections.sync();
  if ((await h.k.acm.connections.waitConnected(5000)) !== 1) throw new Error('the simulated server did not connect');
  room = await post('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8620', startsAt: '2026-01-01T09:00:00Z', maxUsers: 10 });
  // Everything so far deployed: nothing waits when the browser comes.
  const { revisions } = await post('/api/commit', {});
  if (revisions.some((r: { status: string }) => r.status !== 'deployed')) throw new Error(`first commit: ${JSON.stringify(revisions)}`);
  if ((await h.k.admin.json('GET', '/api/changes')).body.total !== 0) throw new Error('changes still waiting after the first commit');
  page = await h.newPage();
  await h.login(page);
}, 90_000);

afterAll(async () => {
  await h?.stop();
  await sim?.stop();
});

describe('a conference room edited in the browser', () => {
  it('counts as a change waiting, enables Commit, and commits to the cluster', async () => {
    const count = page.locator('.topbar .changes .count');
    const commit = page.getByRole('button', { name: 'Commit', exact: true });
    await poll(() => count.innerText()).toBe('0');
    expect(await commit.isDisabled()).toBe(true);
    expect(confbridgeOnServer()).toMatch(/^max_members = 10$/m);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conferences', exact: true }).click();
    const row = page.locator('acm-conference-page tr', { hasText: room.number });
    await row.getByRole('button', { name: `Change room ${room.number}`, exact: true }).click();
    await page.locator('acm-conference-page').getByLabel(/^Max users/).fill('12');
    await page.locator('acm-conference-page').getByRole('button', { name: 'Save', exact: true }).click();
    await poll(async () => (await h.k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}`)).body.maxUsers).toBe(12);

    // Told over the WebSocket: the counter goes up without a reload or a poll of the page.
    await poll(() => count.innerText()).toBe('1');
    expect(await commit.isEnabled()).toBe(true);
    await commit.click();
    const dialog = page.getByRole('dialog', { name: 'Commit' });
    const result = dialog.locator(`table.commit-results tr[data-cluster="${cluster.id}"]`);
    await result.waitFor({ timeout: 30_000 });
    expect((await result.innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^conf-e2e deployed 1\b/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await poll(() => count.innerText()).toBe('0');
    expect(await commit.isDisabled()).toBe(true);

    const [rev] = (await h.k.admin.json('GET', `/api/revisions?clusterId=${cluster.id}&pageSize=1`)).body.items;
    expect(rev).toMatchObject({ status: 'deployed', author: 'admin', changed: ['acm/confbridge.conf'] });
    expect(confbridgeOnServer()).toMatch(/^max_members = 12$/m);
    expect(h.consoleErrors).toEqual([]);
  }, 90_000);
});

describe('the live view of a conference room', () => {
  it('shows a caller who joins, pushed over /api/events without a poll', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conferences', exact: true }).click();
    const live = page.locator('acm-conference-page section.conference-live');
    await page.locator('acm-conference-page acm-table tbody tr', { hasText: room.number }).getByRole('link', { name: room.number, exact: true }).click();
    await live.getByText('Nobody is in the room.').waitFor();
    const row = live.locator('tr[data-channel="PJSIP/6101-00000091"]');
    // The page's WebSocket may still be connecting: the join is sent again (the same caller, so
    // idempotent) until the row shows, every 500 ms for at most 10 s.
    for (let i = 0; i < 20 && !(await row.isVisible()); i++) {
      sim.emit('ConfbridgeJoin', [['Conference', room.number], ['Channel', 'PJSIP/6101-00000091'], ['Uniqueid', '1700000000.91'],
        ['CallerIDNum', '6101'], ['CallerIDName', 'Alice'], ['Admin', 'No'], ['Muted', 'No']], 'call');
      await row.waitFor({ timeout: 500 }).catch(() => undefined);
    }
    await row.waitFor({ timeout: 1000 });
    expect((await row.innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^Alice <6101> PJSIP\/6101-00000091 user no\b/);
    // Longer than the old 3 s poll: from here on the page asks for nothing, events come by the WebSocket.
    const reads: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/participants')) reads.push(r.url()); });
    sim.emit('ConfbridgeLeave', [['Conference', room.number], ['Channel', 'PJSIP/6101-00000091'], ['Uniqueid', '1700000000.91'],
      ['CallerIDNum', '6101'], ['CallerIDName', 'Alice']], 'call');
    await row.waitFor({ state: 'detached' });
    await page.waitForTimeout(3500);
    expect(reads).toEqual([]);
    expect(h.consoleErrors).toEqual([]);
  }, 30_000);
});
