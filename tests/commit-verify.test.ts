import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { renderIncludeStubs } from '../core/commit/render/index.ts';
import { ServerSchema } from '../core/model/entities.ts';


/**
 * What acm proves after each reload, against simulated Asterisk servers that behave as the
 * recorded Asterisk 20 does: a rejected file keeps the old objects and values while the reload
 * answers success, a bad network rejects the whole acl.conf, a transport's bind changes only
 * at a restart.
 */
const mainFiles = Object.fromEntries(renderIncludeStubs().map((s) => [s.file, `; hand-written by the site\n${s.content}`]));
/** An unclosed section header further down: Asterisk rejects the whole pjsip.conf (cfg-pjsip-rejected-keeps-values). */
const BROKEN_PJSIP = `${mainFiles['pjsip.conf']}\n[broken\ntype = endpoint\n`;
/** An IPv4-mapped address with an IPv6 prefix: Asterisk rejects the whole acl.conf (cfg-acl-ipv4-mapped-mask). */
const BROKEN_ACL = `[site-phones]\npermit = ::ffff:10.0.0.1/120\n\n${mainFiles['acl.conf']}`;

let sims: SimulatedAsterisk[];
let k: TestKernel;
let cluster: Record<string, any>;
let group: Record<string, any>;
let alice: Record<string, any>;
let acl: Record<string, any>;

const fileOn = (sim: SimulatedAsterisk, name: string) => readFileSync(join(sim.configRoot, name), 'utf8');
const endpointsOn = (sim: SimulatedAsterisk) => sim.state.endpointNames().sort();
const callerIdOn = (sim: SimulatedAsterisk, name: string) => sim.state.pjsip.get('endpoint', name)?.options.callerid;
const commit = async (body: Record<string, unknown> = {}) => (await k.admin.json('POST', '/api/commit', { clusterId: cluster.id, ...body })).body.revisions[0];
const verify = async () => (await k.admin.json('GET', `/api/verify?clusterId=${cluster.id}`)).body.clusters[0];

beforeAll(async () => {
  sims = [new SimulatedAsterisk(), new SimulatedAsterisk()];
  const ports = [];
  for (const [i, sim] of sims.entries()) ports.push(await sim.start({ systemName: `tpa1-ast${i + 1}`, configFiles: mainFiles, registrations: {}, queues: {}, authFailDelayMs: 20 }));
  k = await startTestKernel({ plugins: [], connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } } });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
  for (const [i, p] of ports.entries()) {
    await k.admin.create('/api/servers', {
      clusterId: cluster.id, name: `tpa1-ast${i + 1}`, host: '127.0.0.1', amiPort: p.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: p.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sims[i]!.hostKeySha256,
    });
  }
  group = await k.admin.create('/api/groups', { name: 'USSales', context: 'ussales', rights: ['internal', 'local'] });
  acl = await k.admin.create('/api/acls', { name: 'office', rules: [{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.20.0.0/16' }] });
  alice = await k.admin.create('/api/extensions', { clusterId: cluster.id, groupId: group.id, name: 'Alice', extension: '6101', secret: 'alice-secret-1', callerId: 'Alice <6101>', acl: 'office' });
  await k.acm.connections.sync();
  expect(await k.acm.connections.waitConnected(5000)).toBe(2);
  expect(await commit({})).toMatchObject({ status: 'deployed' });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims ?? []) await s.stop();
});

describe('verification after each reload', () => {
  it('a new grouped extension whose file Asterisk rejects ends failed, every server back on the previous revision', async () => {
    const before = (await k.admin.json('GET', `/api/revisions?clusterId=${cluster.id}`)).body.items[0];
    const filesBefore = sims.map((s) => fileOn(s, 'acm/pjsip.acm.conf'));
    sims[1]!.writeConfig('pjsip.conf', BROKEN_PJSIP);
    await k.admin.create('/api/extensions', { clusterId: cluster.id, groupId: group.id, name: 'Bob', extension: '6102', secret: 'bob-secret-22' });
    const rev = await commit();
    expect(rev.status).toBe('failed');
    // [6102](grp-USSales) has no type line of its own: it is still an endpoint acm expects.
    expect(rev.error).toMatch(/tpa1-ast2: res_pjsip\.so: marker acm-mark-[0-9a-f]{12} not loaded/);
    expect(rev.error).toMatch(/tpa1-ast2: res_pjsip\.so: endpoint 6102 not loaded/);
    expect(rev.error).toContain(`rolled back: tpa1-ast1, tpa1-ast2 run revision ${before.id} again (verified)`);
    expect(sims.map((s) => fileOn(s, 'acm/pjsip.acm.conf'))).toEqual(filesBefore);
    for (const sim of sims) expect(endpointsOn(sim)).toEqual(['6101']);
  });

  it('a value-only change (caller ID) Asterisk rejects ends failed too', async () => {
    await k.admin.json('DELETE', `/api/extensions/${(await k.admin.json('GET', '/api/extensions?q=6102')).body.items[0].id}`);
    expect((await k.admin.json('PUT', `/api/extensions/${alice.id}`, { callerId: 'Alicia <6101>' })).status).toBe(200);
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/tpa1-ast2: res_pjsip\.so: marker acm-mark-[0-9a-f]{12} not loaded/);
    expect(rev.error).toContain('tpa1-ast2: res_pjsip.so: endpoint 6101 callerid is ""Alice" <6101>", rendered "Alicia <6101>"');
    expect(rev.error).not.toMatch(/tpa1-ast1: res_pjsip/);
    for (const sim of sims) expect(callerIdOn(sim, '6101')).toMatch(/Alice/);
  });

  it('after a failure the next commit pushes everything; with the site file fixed it deploys', async () => {
    expect(await commit({ dryRun: true })).toMatchObject({ status: 'changed', files: expect.arrayContaining(['acm/acl.acm.conf', 'acm/pjsip.acm.conf', 'acm/voicemail.acm.conf']) });
    sims[1]!.writeConfig('pjsip.conf', mainFiles['pjsip.conf']!);
    const rev = await commit();
    expect(rev).toMatchObject({ status: 'deployed' });
    expect(rev.files).toHaveLength(6);
    for (const sim of sims) expect(callerIdOn(sim, '6101')).toMatch(/Alicia/);
    // Nothing failed since: back to pushing only what changed.
    expect(await commit()).toMatchObject({ status: 'unchanged' });
  });

  it('a bad network in the site acl.conf makes an ACL change fail', async () => {
    sims[0]!.writeConfig('acl.conf', BROKEN_ACL);
    expect((await k.admin.json('PUT', `/api/acls/${acl.id}`, { rules: [{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.30.0.0/16' }] })).status).toBe(200);
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/^tpa1-ast1: acl: marker ACL acm-mark-[0-9a-f]{12} not loaded/);
    expect(rev.error).toMatch(/tpa1-ast1: acl: ACL office rules loaded \(deny 0\.0\.0\.0\/0\.0\.0\.0, permit 10\.20\.0\.0\/255\.255\.0\.0\) differ/);
    sims[0]!.writeConfig('acl.conf', mainFiles['acl.conf']!);
    expect(await commit()).toMatchObject({ status: 'deployed' });
  });
});

describe('dialplan', () => {
  it('a reload answered with Response: Error fails the commit; the server keeps, and is checked on, the previous dialplan', async () => {
    // A missing #include target in the site's extensions.conf (cfg-extensions-include-file-missing-on-reload).
    sims[1]!.writeConfig('extensions.conf', `${mainFiles['extensions.conf']}#include site-missing.conf\n`);
    const deployed = (await k.admin.json('GET', `/api/revisions?clusterId=${cluster.id}`)).body.items[0];
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Carol', extension: '6103', secret: 'carol-secret-3' });
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/^tpa1-ast2: reload pbx_config\.so failed: /);
    expect(rev.error).toContain(`rolled back: tpa1-ast1, tpa1-ast2 run revision ${deployed.id} again (verified)`);
    sims[1]!.writeConfig('extensions.conf', mainFiles['extensions.conf']!);
    expect(await commit()).toMatchObject({ status: 'deployed' });
  });
});

describe('drift', () => {
  it('acm verify shows a file changed behind acm\'s back; a plain commit does not see it, --force repairs it', async () => {
    expect((await verify()).servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
    const deployed = fileOn(sims[0]!, 'acm/pjsip.acm.conf');
    // Someone edits acm's file on server 1 and reloads: the file and what is loaded differ.
    writeFileSync(join(sims[0]!.configRoot, 'acm/pjsip.acm.conf'), deployed.replace(/^\[acm-mark-[0-9a-f]{12}\]$/m, '[hand-edited]'));
    sims[0]!.state.reloadModule('res_pjsip.so');
    const drift = await verify();
    expect(drift.servers[0]).toMatchObject({ server: 'tpa1-ast1', status: 'drift' });
    expect(drift.servers[0].files.filter((f: any) => !f.ok).map((f: any) => f.name)).toEqual(['acm/pjsip.acm.conf']);
    expect(drift.servers[0].loaded.join('\n')).toMatch(/tpa1-ast1: res_pjsip\.so: marker acm-mark-[0-9a-f]{12} not loaded/);
    expect(drift.servers[1]).toMatchObject({ status: 'ok', loaded: [] });
    expect(await commit()).toMatchObject({ status: 'unchanged' });
    const forced = await commit({ force: true });
    expect(forced).toMatchObject({ status: 'deployed' });
    expect(forced.files).toHaveLength(6);
    expect(fileOn(sims[0]!, 'acm/pjsip.acm.conf')).toBe(deployed);
    expect((await verify()).servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
  });
});

describe('transport bind', () => {
  it('a bind change is restart-required, named per server, until Asterisk restarts', async () => {
    await k.acm.orm.em.fork().nativeUpdate(ServerSchema, { clusterId: cluster.id }, { sipPort: 5062 });
    k.acm.commits.invalidate(cluster.id);
    const rev = await commit();
    expect(rev.status).toBe('restart-required');
    expect(rev.error).toMatch(/^restart Asterisk on tpa1-ast1, tpa1-ast2 to apply: /);
    expect(rev.error).toMatch(/tpa1-ast1: res_pjsip\.so: transport transport-udp still udp 0\.0\.0\.0:5060, rendered udp 0\.0\.0\.0:5062/);
    const list = (await k.admin.json('GET', `/api/revisions?clusterId=${cluster.id}`)).body.items;
    expect(list[0]).toMatchObject({ id: rev.id, status: 'restart-required' });
    // Its files are what the servers hold: nothing more to push.
    expect(await commit()).toMatchObject({ status: 'unchanged', id: rev.id });
    const pending = await verify();
    expect(pending).toMatchObject({ revisionId: rev.id, revisionStatus: 'restart-required' });
    expect(pending.servers.map((s: any) => s.status)).toEqual(['restart-required', 'restart-required']);
    for (const sim of sims) await sim.restart();
    await expect.poll(() => k.acm.connections.waitConnected(200), { timeout: 10_000 }).toBe(2);
    expect((await verify()).servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
  });
});
