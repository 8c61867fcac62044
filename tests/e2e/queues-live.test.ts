import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { simulatedServer } from '../../sdk/testing/sim-server.ts';
import { startUi, type UiHarness } from './harness.ts';

/**
 * The queues page's live figures in headless Chromium, from a simulated Asterisk 20 acm is
 * connected to: a caller joining app_queue's queue shows as waiting with a longest wait that
 * ticks in the browser, an agent's pause moves the agent counts and the queue's agent view
 * (time in state ticking), and the answer moves waiting, answered and the service level — each
 * from the server's AMI events over /api/events, without a reload.
 */
let h: UiHarness;
let sim: SimulatedAsterisk | undefined;
let page: Page;

beforeAll(async () => {
  h = await startUi({ plugins: ['queues'], connectServers: true });
  const site = await h.k.admin.create('/api/sites', { name: 'live' });
  const cluster = await h.k.admin.create('/api/clusters', { siteId: site.id, name: 'live1' });
  const ext = await h.k.admin.create('/api/extensions', { clusterId: cluster.id, extension: '6101', name: 'Keith', secret: 'Secret-6101-x1' });
  const queue = await h.k.admin.create('/api/plugins/queues/queues', { clusterId: cluster.id, name: 'ussales', number: '600', serviceLevel: 20 });
  await h.k.admin.create('/api/plugins/queues/members', { queueId: queue.id, kind: 'extension', targetId: ext.id });
  ({ sim } = await simulatedServer(h.k, cluster.id, { name: 'live1-ast1' }));
  const commit = await h.k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
  expect(commit.body.revisions?.[0]?.status, JSON.stringify(commit.body)).toBe('deployed');
  // The phone registers once the commit made it an endpoint: the member is available.
  sim.state.register('6101', 'sip:6101@127.0.0.1:5071', { callId: 'live-e2e@127.0.0.1', userAgent: 'e2e-phone/1' });
  await h.k.admin.json('POST', '/api/plugins/queues/agents/resync', {});
  page = await h.newPage();
  await h.login(page);
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await sim?.stop();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8000, interval: 50 });
const caller = { Channel: 'PJSIP/carrier-00000001', ChannelState: '6', CallerIDNum: '5550001', CallerIDName: 'Eve', Context: 'queues', Exten: '600', Uniqueid: 'live1-ast1-1.1', Linkedid: 'live1-ast1-1.1' };
/** `1m 5s` → 65. */
const seconds = (t: string) => { const m = /^(\d+)m (\d+)s$/.exec(t.trim()); return m ? Number(m[1]) * 60 + Number(m[2]) : NaN; };

describe('the queues page, live', () => {
  it('shows each queue\'s calls waiting, longest wait, service level and agents, moving with the server\'s events', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queues', exact: true }).click();
    const row = page.locator('acm-queues-page tr[data-queue$="|ussales"]');
    const cell = (col: string) => row.locator(`[data-col="${col}"]`).innerText();
    await poll(() => cell('logged-in')).toBe('1');
    // No call yet: app_queue has completed none (its ServicelevelPerf 0.0 is no figure), so no service level.
    expect([await cell('available'), await cell('callers'), await cell('service-level')]).toEqual(['1', '0', '—']);
    expect(await row.locator('td').first().innerText()).toBe('live1');

    sim!.emit('QueueCallerJoin', { ...caller, Queue: 'ussales', Position: '1', Count: '1' }, 'agent');
    await poll(() => cell('callers')).toBe('1');
    // No event comes while the caller waits: the browser counts the wait up itself.
    const first = seconds(await cell('longest'));
    await poll(async () => seconds(await cell('longest'))).toBeGreaterThanOrEqual(first + 2);

    // The agent pauses on the server (app_queue's QueueMemberPause): the counts move.
    expect(sim!.state.queues.pause('ussales', 'PJSIP/6101', 'lunch', true)).toBe(true);
    await poll(() => cell('paused')).toBe('1');
    expect(await cell('available')).toBe('0');

    // The queue's own view: its agents, the state with the reason, the time in it ticking.
    await row.getByRole('button', { name: 'Agents of ussales' }).click();
    await page.getByRole('heading', { name: 'Agents of ussales', level: 2 }).waitFor();
    const agent = page.locator('acm-queues-page tr[data-agent]');
    await poll(() => agent.count()).toBe(1);
    expect(await agent.locator('[data-col="state"]').innerText()).toBe('paused: lunch');
    const inState = seconds(await agent.locator('[data-col="in-state"]').innerText());
    await poll(async () => seconds(await agent.locator('[data-col="in-state"]').innerText())).toBeGreaterThan(inState);

    // Answered after 4 s, inside the service level of 20 s.
    sim!.emit('AgentConnect', { ...caller, Queue: 'ussales', Interface: 'PJSIP/6101', MemberName: '6101 Keith', HoldTime: '4', RingTime: '1' }, 'agent');
    await poll(() => cell('callers')).toBe('0');
    expect([await cell('answered'), await cell('abandoned'), await cell('service-level'), await cell('longest')]).toEqual(['1', '0', '100 %', '0m 0s']);
    expect(h.consoleErrors).toEqual([]);
  });
});
