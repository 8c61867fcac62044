import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { renderIncludeStubs } from '../core/commit/render/index.ts';
import { ExtensionSchema } from '../core/model/entities.ts';


/** Main config files as a site has them: hand-written, ending with the lines acm includes. */
const mainFiles = Object.fromEntries(renderIncludeStubs().map((s) => [s.file, `; hand-written by the site\n${s.content}`]));
const withoutIncludes = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).map(([f, c]) => [f, c.replace(/^#include .*$/gm, '')]));

let sims: SimulatedAsterisk[];
let k: TestKernel;
let cluster: Record<string, any>;
let alice: Record<string, any>;

const endpointsOn = (sim: SimulatedAsterisk) => sim.state.endpointNames().sort();
const fileOn = (sim: SimulatedAsterisk, name: string) => readFileSync(join(sim.configRoot, name), 'utf8');

beforeAll(async () => {
  sims = [new SimulatedAsterisk(), new SimulatedAsterisk()];
  const ports = [];
  for (const [i, sim] of sims.entries()) {
    // The site's files booted without acm's #include lines, which it adds to the running server
    // (a boot with a missing #include target would make pbx_config and others decline to load).
    ports.push(await sim.start({ systemName: `tpa1-ast${i + 1}`, configFiles: withoutIncludes(mainFiles), registrations: {}, queues: {}, authFailDelayMs: 20 }));
    for (const [file, body] of Object.entries(mainFiles)) sim.writeConfig(file, body);
  }
  // No plugins: this suite is about the core's own files.
  k = await startTestKernel({ plugins: [], connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } } });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
  for (const [i, p] of ports.entries()) {
    await k.admin.create('/api/servers', {
      clusterId: cluster.id, name: `tpa1-ast${i + 1}`, host: '127.0.0.1', amiPort: p.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: p.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sims[i]!.hostKeySha256,
    });
  }
  const group = await k.admin.create('/api/groups', { name: 'USSales', context: 'ussales', rights: ['internal', 'local'] });
  alice = await k.admin.create('/api/extensions', { clusterId: cluster.id, groupId: group.id, name: 'Alice', extension: '6101', secret: 'alice-secret-1', mailbox: '6101', vmSecret: '908172', callerId: 'Alice <6101>' });
  await k.admin.create('/api/extensions', { clusterId: cluster.id, groupId: group.id, name: 'Bob', extension: '6102', secret: 'bob-secret-22' });
  await k.acm.connections.sync();
  expect(await k.acm.connections.waitConnected(5000)).toBe(2);
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims ?? []) await s.stop();
});

describe('commit pipeline', () => {
  let first: number;

  it('lists the changes waiting', async () => {
    const changes = (await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body;
    expect(changes.items.map((c: any) => [c.entity, c.action])).toEqual([['cluster', 'create'], ['server', 'create'], ['server', 'create'], ['extension', 'create'], ['extension', 'create']]);
    expect(changes.items[3]).toMatchObject({ username: 'admin', entityId: alice.id });
  });

  it('renders, pushes to every server, reloads and verifies', async () => {
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(200);
    const [rev] = res.body.revisions;
    expect(rev).toMatchObject({ clusterId: cluster.id, status: 'deployed' });
    expect(rev.files).toEqual(expect.arrayContaining(['acm/pjsip.acm.conf', 'acm/extensions.acm.conf', 'acm/voicemail.acm.conf']));
    first = rev.id;
    for (const sim of sims) {
      expect(endpointsOn(sim)).toEqual(['6101', '6102']);
      expect(fileOn(sim, 'pjsip.conf')).toContain('; hand-written by the site');
      expect(fileOn(sim, 'acm/pjsip.acm.conf')).toContain('[6101]');
    }
    // Everything waiting is now part of the revision; the group (tenant-wide) waits for a full commit.
    const waiting = (await k.admin.json('GET', '/api/changes')).body.items.map((c: any) => c.entity);
    expect(waiting).toEqual(['site', 'group']);
  });

  it('pushes nothing and creates no revision when nothing changed', async () => {
    const res = (await k.admin.json('POST', '/api/commit', {})).body;
    expect(res.revisions).toEqual([{ id: first, clusterId: cluster.id, cluster: 'tpa1', status: 'unchanged', files: [] }]);
    expect((await k.admin.json('GET', '/api/changes')).body.total).toBe(0);
  });

  it('pushes only changed files and shows the diff', async () => {
    expect((await k.admin.json('PUT', `/api/extensions/${alice.id}`, { callerId: 'Alice Smith <6101>' })).status).toBe(200);
    const dry = (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id, dryRun: true })).body.revisions[0];
    expect(dry).toMatchObject({ status: 'changed', dryRun: true, files: ['acm/pjsip.acm.conf'] });
    const rev = (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).body.revisions[0];
    expect(rev).toMatchObject({ status: 'deployed', files: ['acm/pjsip.acm.conf'] });
    const diff = await k.admin.fetch(`/api/revisions/${rev.id}/diff`);
    const text = await diff.text();
    expect(text).toContain(`--- r${first}/acm/pjsip.acm.conf`);
    expect(text).toMatch(/^-callerid\s*=\s*Alice <6101>$/m);
    expect(text).toMatch(/^\+callerid\s*=\s*Alice Smith <6101>$/m);
    const files = (await k.admin.json('GET', `/api/revisions/${rev.id}/files`)).body;
    expect(files.map((f: any) => f.name)).toContain('acm/pjsip.acm.conf');
    const one = await k.admin.fetch(`/api/revisions/${rev.id}/files/acm/pjsip.acm.conf`);
    expect(await one.text()).toBe(fileOn(sims[0]!, 'acm/pjsip.acm.conf'));
  });

  it('rolls the whole cluster back when a server fails mid-commit', async () => {
    const before = sims.map((s) => fileOn(s, 'acm/pjsip.acm.conf'));
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Carol', extension: '6103', secret: 'carol-secret-3' });
    sims[1]!.sftp!.failWrites = 1;
    const rev = (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).body.revisions[0];
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/^tpa1-ast2: push failed/);
    expect(sims.map((s) => fileOn(s, 'acm/pjsip.acm.conf'))).toEqual(before);
    for (const sim of sims) expect(endpointsOn(sim)).toEqual(['6101', '6102']);
    expect((await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.total).toBe(1);
  });

  it('does not trust a reload answer: a rejected pjsip file is caught by verification and rolled back', async () => {
    // The site's own pjsip.conf on server 2 defines acm's transport again: Asterisk rejects the whole file
    // yet answers the reload with success.
    sims[1]!.writeConfig('pjsip.conf', `[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5999\n\n${mainFiles['pjsip.conf']}`);
    const rev = (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).body.revisions[0];
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/tpa1-ast2: .*endpoint/);
    expect(endpointsOn(sims[0]!)).toEqual(['6101', '6102']);
    sims[1]!.writeConfig('pjsip.conf', mainFiles['pjsip.conf']!);
    const ok = (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).body.revisions[0];
    expect(ok.status).toBe('deployed');
    for (const sim of sims) expect(endpointsOn(sim)).toEqual(['6101', '6102', '6103']);
  });

  it('refuses to push config that would inject sections, listing the problem', async () => {
    const em = k.acm.orm.em.fork();
    // Straight into the database, past the API's validation; such a write must tell the commit service.
    await em.nativeUpdate(ExtensionSchema, { id: alice.id }, { callerId: 'Alice <6101>\n[evil]\ntype=endpoint' });
    k.acm.commits.invalidate(cluster.id);
    const before = fileOn(sims[0]!, 'acm/pjsip.acm.conf');
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(422);
    expect(res.body.problems[0].field).toMatch(/^tpa1: extension 6101/);
    expect(res.body.problems[0].message).toMatch(/line break/);
    expect(fileOn(sims[0]!, 'acm/pjsip.acm.conf')).toBe(before);
    await em.nativeUpdate(ExtensionSchema, { id: alice.id }, { callerId: 'Alice Smith <6101>' });
    k.acm.commits.invalidate(cluster.id);
  });

  it('serialises concurrent commits of one cluster', async () => {
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Dave', extension: '6104', secret: 'dave-secret-44' });
    const [a, b] = await Promise.all([
      k.admin.json('POST', '/api/commit', { clusterId: cluster.id }),
      k.admin.json('POST', '/api/commit', { clusterId: cluster.id }),
    ]);
    const statuses = [a.body.revisions[0].status, b.body.revisions[0].status].sort();
    expect(statuses).toEqual(['deployed', 'unchanged']);
    for (const sim of sims) expect(endpointsOn(sim)).toEqual(['6101', '6102', '6103', '6104']);
  });

  it('rolls back to an earlier revision', async () => {
    const res = await k.admin.json('POST', `/api/revisions/${first}/rollback`);
    expect(res.body.revisions[0]).toMatchObject({ status: 'deployed' });
    for (const sim of sims) expect(endpointsOn(sim)).toEqual(['6101', '6102']);
    const list = (await k.admin.json('GET', `/api/revisions?clusterId=${cluster.id}`)).body;
    expect(list.items[0]).toMatchObject({ rollbackOf: first, status: 'deployed', author: 'admin' });
    expect(list.items.map((r: any) => r.status)).toEqual(['deployed', 'deployed', 'deployed', 'failed', 'failed', 'deployed', 'deployed']);
  });
});

describe('include lines', () => {
  it('lists what each main file must #include', async () => {
    const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${cluster.id}`)).body as { file: string; content: string }[];
    expect(stubs.map((s) => s.file)).toEqual(['acl.conf', 'extensions.conf', 'musiconhold.conf', 'pjsip.conf', 'res_parking.conf', 'voicemail.conf']);
    expect(stubs.find((s) => s.file === 'pjsip.conf')!.content).toMatch(/^#tryinclude acm\/pjsip\.acm\.conf$/m);
    expect((await k.admin.json('GET', '/api/commit/includes')).status).toBe(422);
  });
});
