import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';


// syslogFrom: nodes — node.json carries the syslog targets, so they are part of the deployed files.
const P = '/api/plugins/ha';
let k: TestKernel;
let cluster: Record<string, any>;
const servers: Record<string, any>[] = [];

beforeAll(async () => {
  k = await startTestKernel({ plugins: [{ id: 'ha', settings: { pollSeconds: 0, syslogFrom: 'nodes' } }] });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  for (const name of ['lon-ast1', 'lon-ast2']) {
    servers.push(await k.admin.create('/api/servers', { clusterId: cluster.id, name, host: '127.0.0.1', amiPort: 5038, amiUser: 'acm', amiSecret: 'acm-Secret-1' }));
  }
  // Start from no changes waiting: the servers above are committed (no server is connected, none enabled to push to).
  for (const s of servers) expect((await k.admin.json('PUT', `/api/servers/${s.id}`, { enabled: false })).status).toBe(200);
  expect((await k.admin.json('POST', '/api/commit', {})).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

const waiting = async () => (await k.admin.json('GET', '/api/changes?pageSize=1000')).body.items as Record<string, any>[];
const audited = async (action: string) => (await k.admin.json('GET', `/api/audit?q=${action}`)).body.items.filter((e: any) => e.action === action);

describe('HA writes and the changes waiting', () => {
  it('a group, its nodes, VIPs and syslog targets wait for a commit of their cluster; synced paths and email targets are only audited', async () => {
    expect(await waiting()).toEqual([]);
    const group = await k.admin.create(`${P}/groups`, { clusterId: cluster.id, name: 'lon-pair' });
    const node = await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[0]!.id, priority: 150, interface: 'eth0', sourceAddress: '192.168.0.216' });
    const vip = await k.admin.create(`${P}/vips`, { groupId: group.id, kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 51 });
    const syslog = await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'syslog', target: '192.168.0.5:514' });
    const email = await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'email', target: 'noc@example.com' });
    const path = await k.admin.create(`${P}/sync-paths`, { groupId: group.id, path: '/etc/asterisk' });

    const items = await waiting();
    expect(items.map((c) => [c.entity, c.action, c.entityId, c.clusterId])).toEqual([
      ['ha.group', 'create', group.id, cluster.id], ['ha.node', 'create', node.id, cluster.id],
      ['ha.vip', 'create', vip.id, cluster.id], ['ha.notify-target', 'create', syslog.id, cluster.id],
    ]);
    expect(items[0]!.after).toMatchObject({ name: 'lon-pair', clusterId: cluster.id });
    // Every write is audited, those that wait for a commit and those that do not.
    for (const [action, id] of [['ha.group.create', group.id], ['ha.notify-target.create', email.id], ['ha.sync-path.create', path.id]] as const) {
      expect((await audited(action)).map((e: any) => e.targetId)).toContain(String(id));
    }

    expect((await k.admin.json('PUT', `${P}/vips/${vip.id}`, { prefix: 25 })).status).toBe(200);
    expect((await k.admin.json('DELETE', `${P}/sync-paths/${path.id}`)).status).toBe(204);
    const after = await waiting();
    expect(after.slice(items.length).map((c) => [c.entity, c.action, c.before?.prefix, c.after?.prefix])).toEqual([['ha.vip', 'update', 24, 25]]);
  });

  it('a refused write leaves neither a change nor an audit event', async () => {
    const before = await waiting();
    const events = (await k.admin.json('GET', '/api/audit?q=ha.&pageSize=1000')).body.total;
    const [group] = (await k.admin.json('GET', `${P}/groups`)).body.items;
    const twin = await k.admin.json('POST', `${P}/vips`, { groupId: group.id, kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 52 });
    expect(twin.status).toBe(422);
    expect(twin.body.problems.map((p: any) => p.field)).toEqual(['address']);
    expect(await waiting()).toEqual(before);
    expect((await k.admin.json('GET', '/api/audit?q=ha.&pageSize=1000')).body.total).toBe(events);
  });

  it('a commit of the cluster settles them', async () => {
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(200);
    expect(await waiting()).toEqual([]);
  });

  it('deleting a group deletes what is under it, and waits for a commit of its cluster', async () => {
    const [group] = (await k.admin.json('GET', `${P}/groups`)).body.items;
    const under = async () => Promise.all(['nodes', 'vips', 'notify-targets'].map(async (kind) => (await k.admin.json('GET', `${P}/${kind}?groupId=${group.id}`)).body.total));
    expect(await under()).toEqual([1, 1, 2]);
    expect((await k.admin.json('DELETE', `${P}/groups/${group.id}`)).status).toBe(204);
    expect(await under()).toEqual([0, 0, 0]);
    expect((await waiting()).map((c) => [c.entity, c.action, c.entityId, c.clusterId])).toEqual([['ha.group', 'delete', group.id, cluster.id]]);
  });
});
