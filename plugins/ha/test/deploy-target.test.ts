/**
 * keepalived.conf and node.json as the ha plugin's deploy target: an HA edit waits in the changes,
 * the commit of its cluster puts each node's files into the revision and onto that node over SFTP
 * (keepalived reloaded where they changed, then checked), the diff shows the change with the AMI
 * secret masked, a rollback restores every node and reports what each holds, and a failing reload
 * or check puts every node back.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';


const P = '/api/plugins/ha';
const SECRET = 'ha-AMI-secret-9';
const CONF = '/etc/keepalived/keepalived.conf';
const NODE = '/etc/acm-ha/node.json';
let k: TestKernel;
let cluster: Record<string, any>;
const sims: SimulatedAsterisk[] = [];
const servers: Record<string, any>[] = [];
const nodes: Record<string, any>[] = [];
let vip: Record<string, any>;
/** Per node: keepalived reloads run, and the faults the next command answers with. */
const node = [0, 1].map(() => ({ reloads: 0, failNextReload: false, failNextTest: false }));
const revisions: number[] = [];

const fileOn = (i: number, path: string) => readFileSync(join(sims[i]!.fsRoot, path), 'utf8');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const name = (i: number, path: string) => `server/${servers[i]!.id}${path}`;
const commit = async () => {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
  expect(res.status).toBe(200);
  return res.body.revisions[0];
};

beforeAll(async () => {
  k = await startTestKernel({
    plugins: [{ id: 'ha', settings: { pollSeconds: 0, syncSeconds: 0, checkAmi: { username: 'hacheck', secret: SECRET } } }],
    connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${cluster.id}`)).body as { file: string; content: string }[];
  for (const [i, n] of node.entries()) {
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ systemName: `lon-ast${i + 1}`, configFiles: Object.fromEntries(stubs.map((s) => [s.file, s.content])), authFailDelayMs: 20 });
    // What keepalived answers on an HA node: a reload, the config test of the file pushed, the unit's state.
    sim.onExec('systemctl reload-or-restart keepalived', () => {
      n.reloads++;
      if (!n.failNextReload) return { code: 0 };
      n.failNextReload = false;
      return { code: 1, stderr: 'Job for keepalived.service failed because the control process exited with error code.\n' };
    });
    sim.onExec(`keepalived --config-test -f '${CONF}'`, () => {
      if (!n.failNextTest) return { code: 0 };
      n.failNextTest = false;
      return { code: 1, stderr: '(Line 12) Unknown keyword \'nopreemt\'\n' };
    });
    sim.onExec('systemctl is-active keepalived', () => ({ code: 0, stdout: 'active\n' }));
    sims.push(sim);
    servers.push(await k.admin.create('/api/servers', {
      clusterId: cluster.id, name: `lon-ast${i + 1}`, host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sim.hostKeySha256,
    }));
  }
  await k.acm.connections.sync();
  expect(await k.acm.connections.waitConnected(5000)).toBe(2);
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims) await s.stop();
});

describe('HA files as a deploy target of the commit', () => {
  it('an incomplete group deploys nothing and the commit says so', async () => {
    const group = await k.admin.create(`${P}/groups`, { clusterId: cluster.id, name: 'lon-pair' });
    nodes.push(await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[0]!.id, priority: 150, interface: 'eth0', sourceAddress: '192.168.0.216' }));
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    expect(rev.files.filter((f: string) => f.startsWith('server/'))).toEqual([]);
    expect(rev.warnings).toEqual([{ field: 'lon: HA group lon-pair', message: expect.stringMatching(/^an HA group needs at least two nodes; an HA group needs at least one VIP: its keepalived.conf and node.json are not deployed/) }]);
    expect(node.map((n) => n.reloads)).toEqual([0, 0]);
  });

  it('editing the group waits in the changes; its commit puts each node\'s files into the revision and onto that node', async () => {
    const [group] = (await k.admin.json('GET', `${P}/groups`)).body.items;
    nodes.push(await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[1]!.id, priority: 100, interface: 'eth0', sourceAddress: '192.168.0.215' }));
    vip = await k.admin.create(`${P}/vips`, { groupId: group.id, kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 51 });
    const waiting = (await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.items;
    expect(waiting.map((c: any) => [c.entity, c.action])).toEqual([['ha.node', 'create'], ['ha.vip', 'create']]);

    const rev = await commit();
    expect(rev.status).toBe('deployed');
    expect(rev.files.filter((f: string) => f.startsWith('server/')).sort()).toEqual([name(0, NODE), name(0, CONF), name(1, NODE), name(1, CONF)].sort());
    revisions.push(rev.id);
    expect((await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.items).toEqual([]);
    // Each node its own keepalived.conf: its priority, its address, the other one as peer.
    expect(fileOn(0, CONF)).toMatch(/priority 150\n[\s\S]*unicast_src_ip 192\.168\.0\.216\n\s+unicast_peer {\n\s+192\.168\.0\.215\n/);
    expect(fileOn(1, CONF)).toMatch(/priority 100\n[\s\S]*unicast_src_ip 192\.168\.0\.215\n\s+unicast_peer {\n\s+192\.168\.0\.216\n/);
    // The pushed node.json is complete, its AMI secret included.
    expect(JSON.parse(fileOn(0, NODE))).toMatchObject({ node: 'lon-ast1', primary: true, ami: { username: 'hacheck', secret: SECRET } });
    expect(node.map((n) => n.reloads)).toEqual([1, 1]);

    const refs = (await k.admin.json('GET', `/api/revisions/${rev.id}/files`)).body;
    expect(refs.find((f: any) => f.name === name(1, CONF))).toMatchObject({ reload: 'ha.keepalived', sha256: sha(fileOn(1, CONF)), deploy: { target: 'ha.keepalived', serverId: servers[1]!.id, path: CONF } });
    // Shown masked over the API; at rest the whole file only sealed.
    const shown = await (await k.admin.fetch(`/api/revisions/${rev.id}/files/${name(0, NODE)}`)).text();
    expect(JSON.parse(shown).ami).toEqual({ host: '127.0.0.1', port: 5038, username: 'hacheck', secret: '********' });
    const knex = (k.acm.orm.em as any).getKnex();
    const blobs: { content: string }[] = await knex('config_blobs').select('content');
    expect(blobs.some((b) => b.content.includes('"hacheck"'))).toBe(true);
    expect(blobs.filter((b) => b.content.includes(SECRET))).toEqual([]);
    const sealed: { sha256: string; content: string }[] = await knex('sealed_files').select('sha256', 'content');
    expect(sealed.map((s) => s.sha256).sort()).toEqual([sha(fileOn(0, NODE)), sha(fileOn(1, NODE))].sort());
    for (const s of sealed) expect(s.content).toMatch(/^enc:v1:[0-9a-f]{12}:/);
  });

  it('a change reaches only the node it changes: the diff shows it, the secret masked, keepalived reloads there alone', async () => {
    expect((await commit()).status).toBe('unchanged');
    expect((await k.admin.json('PUT', `${P}/nodes/${nodes[0]!.id}`, { priority: 160 })).status).toBe(200);
    expect((await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.items.map((c: any) => [c.entity, c.action, c.after.priority])).toEqual([['ha.node', 'update', 160]]);
    const rev = await commit();
    expect(rev).toMatchObject({ status: 'deployed', files: [name(0, NODE), name(0, CONF)] });
    revisions.push(rev.id);
    expect(node.map((n) => n.reloads)).toEqual([2, 1]);
    expect(fileOn(0, CONF)).toContain('priority 160');
    const diff = await (await k.admin.fetch(`/api/revisions/${rev.id}/diff`)).text();
    expect(diff).toContain(`+++ r${rev.id}/${name(0, CONF)}`);
    expect(diff).toContain('-    priority 150\n+    priority 160\n');
    expect(diff).toContain('-  "priority": 150\n+  "priority": 160\n');
    expect(diff).not.toContain(name(1, CONF));
    expect(diff).not.toContain(SECRET);
  });

  it('a rollback restores the earlier files on every node and reports what each holds', async () => {
    const res = await k.admin.json('POST', `/api/revisions/${revisions[0]}/rollback`);
    expect(res.status).toBe(200);
    const [rev] = res.body.revisions;
    expect(rev).toMatchObject({ status: 'deployed', files: [name(0, NODE), name(0, CONF)] });
    expect(fileOn(0, CONF)).toContain('priority 150');
    expect(node.map((n) => n.reloads)).toEqual([3, 1]);
    expect(rev.servers.map((s: any) => [s.server, s.status])).toEqual([['lon-ast1', 'ok'], ['lon-ast2', 'ok']]);
    for (const [i, s] of rev.servers.entries()) {
      const held = Object.fromEntries(s.files.filter((f: any) => f.name.startsWith('server/')).map((f: any) => [f.name, f.actual]));
      expect(held).toEqual({ [name(i, CONF)]: sha(fileOn(i, CONF)), [name(i, NODE)]: sha(fileOn(i, NODE)) });
    }
    // acm verify holds the node to the rolled-back revision: a hand edit shows as drift.
    writeFileSync(join(sims[1]!.fsRoot, CONF), '! edited by hand\n');
    const drift = (await k.admin.json('GET', `/api/verify?clusterId=${cluster.id}`)).body.clusters[0];
    expect(drift.servers.map((s: any) => s.status)).toEqual(['ok', 'drift']);
    expect(drift.servers[1].files.find((f: any) => !f.ok)).toMatchObject({ name: name(1, CONF), actual: sha('! edited by hand\n') });
    expect((await k.admin.json('POST', '/api/commit', { clusterId: cluster.id, force: true })).body.revisions[0].status).toBe('deployed');
    expect(fileOn(1, CONF)).toContain('priority 100');
  });

  it('a failing reload on one node puts every node back on the files it held', async () => {
    const before = [fileOn(0, CONF), fileOn(1, CONF)];
    const reloads = node.map((n) => n.reloads);
    node[1]!.failNextReload = true;
    expect((await k.admin.json('PUT', `${P}/vips/${vip.id}`, { prefix: 25 })).status).toBe(200);
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/lon-ast2: ha\.keepalived: reload failed: systemctl reload-or-restart keepalived: Job for keepalived\.service failed/);
    expect(rev.error).toMatch(/rolled back: lon-ast1, lon-ast2 run revision \d+ again \(verified\)/);
    expect([fileOn(0, CONF), fileOn(1, CONF)]).toEqual(before);
    // Each node reloaded for the push and again for the restore.
    expect(node.map((n, i) => n.reloads - reloads[i]!)).toEqual([2, 2]);
  });

  it('a failing check after the reload rolls back too; fixed, the next commit deploys', async () => {
    const before = fileOn(0, CONF);
    node[0]!.failNextTest = true;
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/lon-ast1: ha\.keepalived: \/etc\/keepalived\/keepalived\.conf fails keepalived --config-test: \(Line 12\) Unknown keyword 'nopreemt'/);
    expect(fileOn(0, CONF)).toBe(before);
    expect(fileOn(1, CONF)).not.toContain('/25 dev');
    const again = await commit();
    expect(again.status).toBe('deployed');
    for (const i of [0, 1]) expect(fileOn(i, CONF)).toContain('192.168.0.218/25 dev eth0');
  });

  it('the old deploy route is gone: applying the config is the commit', async () => {
    const [group] = (await k.admin.json('GET', `${P}/groups`)).body.items;
    expect((await k.admin.json('POST', `${P}/groups/${group.id}/deploy`)).status).toBe(404);
  });
});
