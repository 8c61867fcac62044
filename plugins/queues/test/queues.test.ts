/**
 * The queues plugin through the same contract a site's integrator uses: queues and members over
 * the kit's API, a commit that puts them into queues.conf on a simulated Asterisk 20 (checked by
 * QueueStatus), and agents who log in, pause with a reason and log out over AMI, live.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { runPluginCli, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';
import { webhookReceiver, type WebhookReceiver } from '../../../sdk/testing/notify.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';

const P = '/api/plugins/queues';
let k: TestKernel;
let sim: SimulatedAsterisk;
let crm: WebhookReceiver;
const ids: Record<string, number> = {};

async function commit(all = false): Promise<Record<string, any>> {
  const res = await k.admin.json('POST', '/api/commit', all ? {} : { clusterId: ids.cluster });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.revisions.find((r: any) => r.clusterId === ids.cluster);
}
const agents = async () => (await k.admin.json('GET', `${P}/agents`)).body.items as Record<string, any>[];

beforeAll(async () => {
  k = await startTestKernel({
    plugins: ['queues'], connectServers: true, connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  ids.cluster = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' })).id;
  ids.other = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa2' })).id;
  ids.group = (await k.admin.create('/api/groups', { name: 'USSales' })).id;
  for (const [n, name, extra] of [['6101', 'Keith', { groupId: ids.group }], ['6102', 'Dana', { groupId: ids.group }], ['6201', 'Sam', { queue: 'support' }]] as const) {
    ids[n] = (await k.admin.create('/api/extensions', { clusterId: ids.cluster, extension: n, name, secret: `Secret-${n}-x1`, ...extra })).id;
  }
  ids.far = (await k.admin.create('/api/extensions', { clusterId: ids.other, extension: '7101', name: 'Far', secret: 'Secret-7101-x1' })).id;
  // A server whose main files #tryinclude what acm lists (the plugin's files among them).
  ({ sim } = await simulatedServer(k, ids.cluster!, { name: 'tpa1-ast1' }));
  await commit(true);
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
  await crm?.close();
});

describe('queues and members, as resources of the kit', () => {
  it('creates a queue with app_queue\'s defaults and refuses what queues.conf cannot hold, naming the field', async () => {
    const q = await k.admin.create(`${P}/queues`, { clusterId: ids.cluster, name: 'ussales', number: '600', description: 'US sales' });
    ids.ussales = q.id;
    expect(q).toMatchObject({ strategy: 'ringall', timeout: 15, retry: 5, joinEmpty: 'yes', siteId: expect.any(Number), tenantId: 1 });
    ids.support = (await k.admin.create(`${P}/queues`, { clusterId: ids.cluster, name: 'support', number: '601', strategy: 'rrmemory', wrapupTime: 10 })).id;
    const bad = await k.admin.json('POST', `${P}/queues`, { clusterId: ids.cluster, name: 'general', number: '6x', strategy: 'linear' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems.map((p: any) => p.field).sort()).toEqual(['name', 'number', 'strategy']);
    const twin = await k.admin.json('POST', `${P}/queues`, { clusterId: ids.cluster, name: 'ussales2', number: '600' });
    expect(twin.body.problems).toEqual([{ field: 'number', message: `"600" is already used in this cluster (queue ${ids.ussales})` }]);
  });

  it('takes a group or an extension of the queue\'s cluster as a static member, and nothing else', async () => {
    await k.admin.create(`${P}/members`, { queueId: ids.ussales, kind: 'group', targetId: ids.group, penalty: 2 });
    await k.admin.create(`${P}/members`, { queueId: ids.ussales, kind: 'extension', targetId: ids['6101'], penalty: 1 });
    const twice = await k.admin.json('POST', `${P}/members`, { queueId: ids.ussales, kind: 'group', targetId: ids.group });
    expect(twice.body.problems).toEqual([{ field: 'targetId', message: expect.stringMatching(/is already used/) }]);
    const far = await k.admin.json('POST', `${P}/members`, { queueId: ids.ussales, kind: 'extension', targetId: ids.far });
    expect(far.body.problems).toEqual([{ field: 'targetId', message: 'extension 7101 is on another cluster than the queue' }]);
    const noGroup = await k.admin.json('POST', `${P}/members`, { queueId: ids.ussales, kind: 'group', targetId: 9999 });
    expect(noGroup.body.problems).toEqual([{ field: 'targetId', message: 'no group 9999' }]);
    const none = await k.admin.json('POST', `${P}/members`, { queueId: 9999, kind: 'extension', targetId: ids['6102'] });
    expect(none.body.problems).toEqual([{ field: 'queueId', message: 'no queue 9999' }]);
    expect((await k.admin.json('GET', `${P}/members?queueId=${ids.ussales}`)).body.total).toBe(2);
  });

  it('commits them into queues.conf; the server\'s QueueStatus shows each queue with its static members', async () => {
    const waiting = (await k.admin.json('GET', `/api/changes?clusterId=${ids.cluster}`)).body.items as Record<string, any>[];
    expect(waiting.map((c) => c.entity)).toEqual(expect.arrayContaining(['queues.queue', 'queues.member']));
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    const conf = readFileSync(join(sim.configRoot, 'acm/queues.acm.conf'), 'utf8');
    expect(conf).toContain('[ussales]\nstrategy = ringall');
    expect(conf).toContain('member => PJSIP/6101,1,6101 Keith,PJSIP/6101\nmember => PJSIP/6102,2,6102 Dana,PJSIP/6102');
    // the extension's queue field makes it a member of support
    expect(conf).toContain('[support]\nstrategy = rrmemory');
    expect(conf).toContain('member => PJSIP/6201,0,6201 Sam,PJSIP/6201');
    await k.admin.json('POST', `${P}/agents/resync`, {});
    const members = await agents();
    expect(members.filter((a) => a.queue === 'ussales').map((a) => [a.interface, a.membership, a.queueId, a.extensionId])).toEqual([
      ['PJSIP/6101', 'static', ids.ussales, ids['6101']], ['PJSIP/6102', 'static', ids.ussales, ids['6102']],
    ]);
  });
});

describe('agents', () => {
  it('tell a CRM (CTI webhook, through the outbox) of agent events and of each call offered to an agent', async () => {
    crm = await webhookReceiver();
    const bad = await k.admin.json('POST', `${P}/cti-hooks`, { url: 'ftp://crm.example/hook' });
    expect(bad.body.problems).toEqual([{ field: 'url', message: 'a webhook is an http(s) URL without credentials' }]);
    await k.admin.create(`${P}/cti-hooks`, { url: crm.url('/pop') });
    await k.admin.json('POST', `${P}/agents/resync`, {}); // learns the hook as a write elsewhere would (model.changed)
    expect((await k.admin.json('POST', `${P}/agents/login`, { queueId: ids.ussales, extensionId: ids['6201'] })).status).toBe(200);
    await waitUntil(() => crm.requests.some((r) => r.body?.event === 'agent' && r.body.agent.interface === 'PJSIP/6201'), 'the agent webhook');
    const pop = crm.requests.find((r) => r.body?.event === 'agent')!;
    expect(pop).toMatchObject({ method: 'POST', url: '/pop', body: { subject: 'agent PJSIP/6201 unavailable in ussales', agent: { queue: 'ussales', membership: 'dynamic', queueId: ids.ussales, extensionId: ids['6201'] } } });
    sim.emit('AgentCalled', { Channel: 'PJSIP/trunk-00000001', CallerIDNum: '5550001', CallerIDName: 'Caller A', Uniqueid: 'acm-sim-1.1', Queue: 'ussales', Interface: 'PJSIP/6201', MemberName: 'PJSIP/6201' }, 'agent');
    await waitUntil(() => crm.requests.some((r) => r.body?.event === 'offered'), 'the offered-call webhook');
    expect(crm.requests.find((r) => r.body?.event === 'offered')!.body).toMatchObject({
      subject: 'call from 5550001 offered to PJSIP/6201 in ussales', queue: 'ussales',
      caller: { number: '5550001', name: 'Caller A', uniqueid: 'acm-sim-1.1' }, agent: { interface: 'PJSIP/6201', extensionId: ids['6201'] },
    });
    expect((await k.admin.json('POST', `${P}/agents/logout`, { queueId: ids.ussales, extensionId: ids['6201'] })).status).toBe(200);
  });

  it('log in, pause with a reason from the list, resume and log out over AMI, seen live', async () => {
    const login = await k.admin.json('POST', `${P}/agents/login`, { queueId: ids.support, extensionId: ids['6102'] });
    expect(login.body).toEqual({ servers: 1 });
    await waitUntil(async () => (await agents()).some((a) => a.queue === 'support' && a.interface === 'PJSIP/6102'), 'the QueueMemberAdded event');
    let me = (await agents()).find((a) => a.queue === 'support' && a.interface === 'PJSIP/6102')!;
    expect(me).toMatchObject({ membership: 'dynamic', paused: false, queueId: ids.support, extensionId: ids['6102'] });
    expect((await k.admin.json('POST', `${P}/agents/login`, { queueId: ids.support, extensionId: ids['6102'] })).status).toBe(409);

    const bad = await k.admin.json('POST', `${P}/agents/pause`, { queueId: ids.support, extensionId: ids['6102'], reason: 'nap' });
    expect(bad.body.problems).toEqual([{ field: 'reason', message: 'one of lunch, break, meeting, training, admin' }]);
    expect((await k.admin.json('POST', `${P}/agents/pause`, { queueId: ids.support, extensionId: ids['6102'], reason: 'lunch' })).status).toBe(200);
    await waitUntil(async () => (await agents()).find((a) => a.interface === 'PJSIP/6102' && a.queue === 'support')?.paused === true, 'the QueueMemberPause event');
    me = (await agents()).find((a) => a.queue === 'support' && a.interface === 'PJSIP/6102')!;
    expect(me).toMatchObject({ state: 'paused', pausedReason: 'lunch' });

    expect((await k.admin.json('POST', `${P}/agents/unpause`, { queueId: ids.support, extensionId: ids['6102'] })).status).toBe(200);
    await waitUntil(async () => (await agents()).find((a) => a.interface === 'PJSIP/6102' && a.queue === 'support')?.paused === false, 'the resume');
    expect((await k.admin.json('POST', `${P}/agents/logout`, { queueId: ids.support, extensionId: ids['6102'] })).status).toBe(200);
    await waitUntil(async () => !(await agents()).some((a) => a.interface === 'PJSIP/6102' && a.queue === 'support'), 'the QueueMemberRemoved event');
    expect((await k.admin.json('POST', `${P}/agents/logout`, { queueId: ids.support, extensionId: ids['6102'] })).status).toBe(409);
  });

  it('does not log out a static member: it belongs to queues.conf', async () => {
    const res = await k.admin.json('POST', `${P}/agents/logout`, { queueId: ids.ussales, extensionId: ids['6101'] });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('PJSIP/6101 in ussales: a static member (queues.conf) does not log out; remove it from the queue\'s members');
  });

  it('refuses an extension of another cluster or tenant, naming it', async () => {
    const res = await k.admin.json('POST', `${P}/agents/login`, { queueId: ids.support, extensionId: ids.far });
    expect(res.body.problems).toEqual([{ field: 'extensionId', message: `no extension ${ids.far} on the queue's cluster` }]);
  });
});

describe('acm queues summary', () => {
  const run = (...args: string[]) => runPluginCli(k, 'queues', ...args);

  it('prints each queue of a cluster, live from QueueStatus: calls waiting, service level, agents; --json the API\'s rows', async () => {
    // A caller in the committed dialplan: 600 of the queues context is ussales.
    const t = sim.call({ from: { endpoint: '6102' }, context: 'queues', exten: '600' });
    try {
      expect([t.ended, t.result.queue]).toEqual(['queue', 'ussales']);
      const rows = JSON.parse(await run('summary', '--cluster', 'tpa1', '--json'));
      expect(rows.map((q: any) => [q.queue, q.callers])).toEqual([['support', 0], ['ussales', 1]]);
      expect(rows[1]).toMatchObject({ clusterId: ids.cluster, answered: 0, abandoned: 0, loggedIn: expect.any(Number), available: expect.any(Number) });
      const text = (await run('summary')).split('\n');
      expect(text[0]).toMatch(/^CLUSTER\s+QUEUE\s+WAITING\s+LONGEST\s+SL%\s+ANSWERED\s+ABANDONED\s+AVAILABLE\s+PAUSED\s+BUSY\s+LOGGED-IN$/);
      expect(text.find((l) => / ussales /.test(l))).toMatch(/^tpa1\s+ussales\s+1\s+\d+s\s/);
      expect(await run('summary', '--cluster', 'tpa2')).toBe('no queues seen');
      await expect(run('summary', '--cluster', 'nowhere')).rejects.toThrow('no cluster "nowhere"');
    } finally {
      t.hangup();
    }
  });
});

