import * as nodeFs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';


const HA = { id: 'ha', settings: { stateDir: '/var/lib/acm-ha', pollSeconds: 0, checkAmi: { username: 'hacheck', secret: 'hacheck-Secret1' } } };
let k: TestKernel;
const sims: SimulatedAsterisk[] = [];
let cluster: Record<string, any>;
const servers: Record<string, any>[] = [];
const P = '/api/plugins/ha';

beforeAll(async () => {
  k = await startTestKernel({ plugins: ['status', HA], connectServers: true, connection: { actionTimeoutMs: 2000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } } });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  for (const name of ['ast1', 'ast2']) {
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ authFailDelayMs: 50 });
    sims.push(sim);
    servers.push(await k.admin.create('/api/servers', {
      clusterId: cluster.id, name: `lon-${name}`, host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1',
    }).catch(async () => k.admin.create('/api/servers', { clusterId: cluster.id, name: `lon-${name}`, host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' })));
  }
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims) await s.stop();
});

describe('HA model API', () => {
  let group: Record<string, any>;
  it('creates a group with nodes, VIPs, synced paths and notification targets; audits it', async () => {
    group = await k.admin.create(`${P}/groups`, { clusterId: cluster.id, name: 'lon-pair', witness: '192.168.0.1', trunks: [{ name: 'talktalk', address: '172.20.15.1' }] });
    expect(group).toMatchObject({ name: 'lon-pair', services: ['ami', 'sip'], advertInt: 1, checkFall: 2, sipPort: 5060 });
    await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[0]!.id, priority: 150, interface: 'eth0', sourceAddress: '192.168.0.216' });
    await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[1]!.id, priority: 100, interface: 'eth0', sourceAddress: '192.168.0.215' });
    const vip = await k.admin.create(`${P}/vips`, { groupId: group.id, kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 51 });
    await k.admin.create(`${P}/sync-paths`, { groupId: group.id, path: '/etc/asterisk', excludes: ['*.tmp'] });
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'syslog', target: '192.168.0.5:514' });
    const list = async (kind: string, sort = 'id') => (await k.admin.json('GET', `${P}/${kind}?groupId=${group.id}&sort=${sort}`)).body;
    const nodes = await list('nodes', '-priority');
    expect(nodes.items.map((n: any) => n.priority)).toEqual([150, 100]);
    // Placed as their group: the group's tenant, site and cluster.
    expect(nodes.items[0]).toMatchObject({ groupId: group.id, tenantId: group.tenantId, siteId: cluster.siteId, clusterId: cluster.id });
    expect((await list('vips')).total).toBe(1);
    expect((await list('sync-paths')).items[0]).toMatchObject({ path: '/etc/asterisk', excludes: ['*.tmp'] });
    const put = await k.admin.json('PUT', `${P}/vips/${vip.id}`, { prefix: 25 });
    expect(put.status).toBe(200);
    expect(put.body.prefix).toBe(25);
    const auditLog = JSON.stringify((await k.admin.json('GET', '/api/audit?q=ha.')).body);
    expect(auditLog).toContain('ha.group.create');
    expect(auditLog).toContain('ha.vip.update');
  });

  it('answers 422 naming the bad fields and the duplicates, 404 on unknown ids', async () => {
    const bad = await k.admin.json('POST', `${P}/groups`, { clusterId: cluster.id, name: 'x y', witness: 'gateway', advertInt: 0, colour: 1 });
    expect(bad.status).toBe(422);
    const fields = bad.body.problems.map((p: any) => p.field).sort();
    expect(fields).toEqual(['advertInt', 'colour', 'name', 'witness']);
    const vip = await k.admin.json('POST', `${P}/vips`, { groupId: group.id, kind: 'fax', address: '10.0.0.300', prefix: 40, virtualRouterId: 256, interface: 'eth0\n[x]' });
    expect(vip.status).toBe(422);
    expect(vip.body.problems.map((p: any) => p.field).sort()).toEqual(['address', 'interface', 'kind', 'virtualRouterId']);
    const field = async (path: string, body: object) => {
      const r = await k.admin.json('POST', `${P}/${path}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      return r.body.problems.map((p: any) => p.field);
    };
    expect(await field('vips', { groupId: group.id, kind: 'web', address: '192.168.0.219', prefix: 24, virtualRouterId: 51 })).toEqual(['virtualRouterId']);
    expect(await field('vips', { groupId: group.id, kind: 'web', address: '192.168.0.218', prefix: 24, virtualRouterId: 52 })).toEqual(['address']);
    const node = { groupId: group.id, serverId: servers[0]!.id, priority: 120, interface: 'eth0', sourceAddress: '192.168.0.9' };
    expect(await field('nodes', node)).toEqual(['serverId']);
    const spare = await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'lon-ast3', host: '127.0.0.3', enabled: false });
    expect(await field('nodes', { ...node, serverId: spare.id, priority: 100 })).toEqual(['priority']);
    expect(await field('nodes', { ...node, groupId: 9999 })).toEqual(['groupId']);
    // Addresses keepalived and the agent would read differently: octal-looking octets, zone ids.
    for (const witness of ['010.0.0.1', 'fe80::1%eth0', '[2001:db8::1]']) {
      const w = await k.admin.json('POST', `${P}/groups`, { clusterId: cluster.id, name: 'wit', witness });
      expect(w.status, witness).toBe(422);
      expect(w.body.problems.map((p: any) => p.field), witness).toEqual(['witness']);
    }
    // Every problem at once: a server not of the group's cluster, a priority another node has.
    expect((await field('nodes', { groupId: group.id, serverId: 9999, priority: 150, interface: 'eth0', sourceAddress: '192.168.0.9' })).sort()).toEqual(['priority', 'serverId']);
    const path = await k.admin.json('POST', `${P}/sync-paths`, { groupId: group.id, path: '/etc/../root', excludes: ['$(rm)'] });
    expect(path.body.problems.map((p: any) => p.field).sort()).toEqual(['excludes.0', 'path']);
    expect((await k.admin.json('GET', `${P}/groups/9999`)).status).toBe(404);
    expect(await field('groups', { clusterId: cluster.id, name: 'lon-pair' })).toEqual(['name']);
    const elsewhere = await k.admin.create('/api/clusters', { siteId: cluster.siteId, name: 'lon-2' });
    const move = await k.admin.json('PUT', `${P}/groups/${group.id}`, { clusterId: elsewhere.id });
    expect(move.status).toBe(422);
    expect(move.body.problems).toEqual([{ field: 'clusterId', message: 'a group cannot move to another cluster' }]);
  });

  it('describes each resource in /api/openapi.json, the schema the page\'s form is built from', async () => {
    const doc = (await k.admin.json('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([`${P}/groups`, `${P}/nodes/{id}`, `${P}/vips/{id}/copy`, `${P}/sync-paths`, `${P}/notify-targets/{id}`]));
    const schemas = doc.components.schemas;
    expect(schemas.HaGroupInput.required).toEqual(expect.arrayContaining(['clusterId', 'name']));
    for (const input of ['HaNodeInput', 'HaVipInput', 'HaSyncPathInput', 'HaNotifyTargetInput']) expect(schemas[input].required, input).toContain('groupId');
    expect(schemas.HaVipInput.properties.kind.enum).toEqual(['voice', 'web', 'trunk']);
  });

  it('renders keepalived.conf and node.json per node, secrets masked', async () => {
    const r = await k.admin.json('GET', `${P}/groups/${group.id}/config`);
    expect(r.status).toBe(200);
    const [a, b] = r.body.items;
    expect(a.keepalived).toContain('unicast_src_ip 192.168.0.216');
    expect(a.keepalived).toMatch(/unicast_peer \{\n\s+192\.168\.0\.215\n/);
    expect(b.keepalived).toContain('priority 100');
    expect(a.node).toMatchObject({ primary: true, witness: { address: '192.168.0.1' }, ami: { username: 'hacheck', secret: '********' } });
    expect(JSON.stringify(r.body)).not.toContain('hacheck-Secret1');
  });

  it('reports status from what the nodes wrote (vrrp.json/check.json) in plain words; the tile follows', async () => {
    const haTile = async () => {
      const r = await k.admin.json('GET', '/api/plugins/status/tiles');
      expect(r.status).toBe(200);
      return (r.body as { id: string }[]).find((t) => t.id === 'ha');
    };
    const write = (i: number, file: string, data: unknown) => {
      const fs = nodeFs;
      const dir = `${sims[i]!.fsRoot}/var/lib/acm-ha`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(`${dir}/${file}`, JSON.stringify(data));
    };
    const inst = `acm_${group.id}_voice_51`;
    write(0, 'vrrp.json', { [inst]: { state: 'MASTER', at: new Date().toISOString() } });
    write(1, 'vrrp.json', { [inst]: { state: 'BACKUP', at: new Date().toISOString() } });
    write(0, 'check.json', { ok: true, at: new Date().toISOString(), items: [] });
    let st = (await k.admin.json('GET', `${P}/status`)).body.groups[0];
    expect(st.nodes[0].reachable, JSON.stringify(st.nodes[0])).toBe(true);
    expect(st).toMatchObject({ state: 'normal', words: 'NOW IN NORMAL STATE', replication: 'lon-ast1 -> lon-ast2' });
    expect(st.vips[0].heldBy).toEqual(['lon-ast1']);
    expect(await haTile()).toMatchObject({ title: 'Service availability', state: 'green', summary: '1 HA group(s) in normal state' });
    write(0, 'vrrp.json', { [inst]: { state: 'BACKUP', at: new Date().toISOString() } });
    write(1, 'vrrp.json', { [inst]: { state: 'MASTER', at: new Date().toISOString() } });
    st = (await k.admin.json('GET', `${P}/status`)).body.groups[0];
    expect(st.state).toBe('failover');
    expect(st.words).toMatch(/^FAILOVER ACTIVE ON SECONDARY \(lon-ast2\) - PRIMARY HEALTHY/);
    expect(await haTile()).toMatchObject({ title: 'Service availability', state: 'orange', summary: 'current HA failover active: lon-pair' });
  });
});
