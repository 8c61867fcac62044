import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';


/**
 * Room writes reach "changes waiting" like the core's objects: one ChangeSet entry for the
 * room's cluster, written with the row and its audit event, settled by the commit that deploys
 * the room's files to a (simulated) Asterisk.
 */
const ROOMS = '/api/plugins/conference/rooms';

let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;

const waiting = async () => (await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.items as Record<string, any>[];
const auditTotal = async () => (await k.admin.json('GET', '/api/audit?pageSize=1')).body.total as number;
const confbridgeOnServer = () => readFileSync(join(sim.configRoot, 'acm/confbridge.conf'), 'utf8');

/** A commit of the room's cluster (`all`: of every cluster, which also settles the tenant-wide site). */
async function commit(all = false): Promise<Record<string, any>> {
  const res = await k.admin.json('POST', '/api/commit', all ? {} : { clusterId: cluster.id });
  expect(res.status).toBe(200);
  const [rev] = res.body.revisions;
  expect(rev).toMatchObject({ clusterId: cluster.id, status: 'deployed' });
  return rev;
}

beforeAll(async () => {
  k = await startTestKernel({
    plugins: ['conference'], connectServers: true, connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  // A server whose main files #tryinclude what acm lists (the plugin's files among them).
  ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
  await commit(true);
  expect((await k.admin.json('GET', '/api/changes')).body.total).toBe(0);
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('conference rooms in the changes waiting', () => {
  let room: Record<string, any>;

  it('a new room waits for a commit of its cluster, which deploys it and consumes the entry', async () => {
    room = await k.admin.create(ROOMS, { clusterId: cluster.id, number: '8610', startsAt: '2026-01-01T09:00:00Z', maxUsers: 10, userPin: '918273' });
    const [entry, ...rest] = await waiting();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ entity: 'conference.room', action: 'create', entityId: room.id, clusterId: cluster.id, username: 'admin', before: null });
    expect(entry!.after).toMatchObject({ number: '8610', maxUsers: 10, userPinSet: true });
    // The entry is what the API shows: no PIN.
    expect(JSON.stringify(entry)).not.toContain('918273');
    expect((await k.admin.json('GET', '/api/changes')).body.total).toBe(1);

    const rev = await commit();
    expect(rev.files).toEqual(expect.arrayContaining(['acm/confbridge.conf', 'acm/extensions-conference.conf']));
    expect((await k.admin.json('GET', `/api/revisions/${rev.id}`)).body.changeIds).toEqual([entry!.id]);
    expect(await waiting()).toEqual([]);
    expect(confbridgeOnServer()).toMatch(/^\[acm-conf-8610-bridge\]$/m);
    expect(confbridgeOnServer()).toMatch(/^max_members = 10$/m);
  });

  it('an update waits with the room before and after, and its commit pushes the change', async () => {
    expect((await k.admin.json('PUT', `${ROOMS}/${room.id}`, { maxUsers: 12 })).status).toBe(200);
    const items = await waiting();
    expect(items.map((c) => [c.entity, c.action, c.entityId, c.before.maxUsers, c.after.maxUsers])).toEqual([['conference.room', 'update', room.id, 10, 12]]);
    const rev = await commit();
    expect(rev.files).toEqual(['acm/confbridge.conf']);
    expect((await k.admin.json('GET', `/api/revisions/${rev.id}`)).body.changeIds).toEqual([items[0]!.id]);
    expect(confbridgeOnServer()).toMatch(/^max_members = 12$/m);
    expect(await waiting()).toEqual([]);
  });

  it('a refused write leaves neither a change nor an audit event', async () => {
    const events = await auditTotal();
    const bad = await k.admin.json('POST', ROOMS, { clusterId: cluster.id, number: '86x', startsAt: '2026-01-01T09:00:00Z' });
    expect(bad.status).toBe(422);
    const twin = await k.admin.json('POST', ROOMS, { clusterId: cluster.id, number: '8610', startsAt: '2026-01-01T09:00:00Z' });
    expect(twin.status).toBe(422);
    const badPut = await k.admin.json('PUT', `${ROOMS}/${room.id}`, { endsAt: '2025-01-01T00:00:00Z' });
    expect(badPut.status).toBe(422);
    expect(await waiting()).toEqual([]);
    expect(await auditTotal()).toBe(events);
  });

  it('a deleted room waits too, and its commit takes it off the server', async () => {
    expect((await k.admin.fetch(`${ROOMS}/${room.id}`, { method: 'DELETE' })).status).toBe(204);
    const items = await waiting();
    expect(items.map((c) => [c.entity, c.action, c.entityId, c.before.number, c.after])).toEqual([['conference.room', 'delete', room.id, '8610', null]]);
    const audit = (await k.admin.json('GET', '/api/audit?q=conference.room.delete')).body.items;
    expect(audit.map((e: any) => e.targetId)).toEqual([String(room.id)]);
    const rev = await commit();
    expect((await k.admin.json('GET', `/api/revisions/${rev.id}`)).body.changeIds).toEqual([items[0]!.id]);
    expect(confbridgeOnServer()).not.toContain('acm-conf-8610');
    expect(await waiting()).toEqual([]);
  });

  it('a room moved to another cluster waits for both: one leaves, the other gains it', async () => {
    const moved = await k.admin.create(ROOMS, { clusterId: cluster.id, number: '8611', startsAt: '2026-01-01T09:00:00Z' });
    await commit();
    const other = await k.admin.create('/api/clusters', { siteId: cluster.siteId, name: 'lon2' });
    expect((await k.admin.json('PUT', `${ROOMS}/${moved.id}`, { clusterId: other.id })).status).toBe(200);
    const all = (await k.admin.json('GET', '/api/changes')).body.items as Record<string, any>[];
    const mine = all.filter((c) => c.entity === 'conference.room');
    expect(mine.map((c) => [c.action, c.entityId, c.clusterId, c.before.clusterId, c.after.clusterId]).sort()).toEqual([
      ['update', moved.id, cluster.id, cluster.id, other.id], ['update', moved.id, other.id, cluster.id, other.id],
    ].sort());
    await commit();
    expect(confbridgeOnServer()).not.toContain('acm-conf-8611');
    expect((await waiting()).filter((c) => c.entity === 'conference.room')).toEqual([]);
  });
});
