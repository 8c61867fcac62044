import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { renderIncludeStubs } from '../core/commit/render/index.ts';
import { AuditEventSchema, ServerSchema } from '../core/model/entities.ts';
import { HostKeyMismatchError, SshError } from '../core/asterisk/errors.ts';
import { SshTransport } from '../core/asterisk/ssh-transport.ts';
import { serverSshOptions, sshTo } from '../core/asterisk/host-key-pins.ts';
import { canonicalFingerprint } from '../core/asterisk/host-keys.ts';
import { sshService } from '../core/services/plugin-services.ts';


const mainFiles = Object.fromEntries(renderIncludeStubs().map((s) => [s.file, `; hand-written by the site\n${s.content}`]));

let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;
let server: Record<string, any>;

/** The simulator's key as acm stores it: `SHA256:` and unpadded base64. */
const keyOf = (s: SimulatedAsterisk) => canonicalFingerprint(s.hostKeySha256!)!;
const pinnedKey = async (id: number) => (await k.acm.orm.em.fork().findOneOrFail(ServerSchema, { id })).sshHostKey;
const audits = async (action: string) => k.acm.orm.em.fork().find(AuditEventSchema, { action }, { orderBy: { id: 'asc' } });
const occurrences = (text: string, part: string) => text.split(part).length - 1;

async function commit() {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
  expect(res.status).toBe(200);
  return res.body.revisions[0] as { status: string; error?: string };
}

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const p = await sim.start({ systemName: 'tpa1-ast1', configFiles: mainFiles, registrations: {}, queues: {}, authFailDelayMs: 20 });
  k = await startTestKernel({ plugins: [], connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } } });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
  // No sshHostKey: the first connection pins what the server offers.
  server = await k.admin.create('/api/servers', {
    clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.1', amiPort: p.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
    sshPort: p.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1',
  });
  await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Alice', extension: '6101', secret: 'alice-secret-1' });
  await k.acm.connections.sync();
  expect(await k.acm.connections.waitConnected(5000)).toBe(1);
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('SSH host keys, trusted on first use', () => {
  it('pins the first key seen, once, as a direct audited update (no change to commit)', async () => {
    expect(await pinnedKey(server.id)).toBeNull();
    const changesBefore = (await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.total;
    expect(await commit()).toMatchObject({ status: 'deployed' });
    expect(await pinnedKey(server.id)).toBe(keyOf(sim));
    expect(keyOf(sim)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const pinned = await audits('server.hostkey.pinned');
    expect(pinned).toHaveLength(1);
    expect(pinned[0]).toMatchObject({ target: 'server', targetId: String(server.id), after: { fingerprint: keyOf(sim), how: 'first use' } });
    // A commit has taken the pending changes; pinning added none.
    expect((await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.total).toBeLessThan(changesBefore);
    expect((await k.admin.json('GET', `/api/changes?clusterId=${cluster.id}`)).body.total).toBe(0);
  }, 30_000);

  it('two first connections at once pin one key', async () => {
    const em = k.acm.orm.em.fork();
    await em.nativeUpdate(ServerSchema, { id: server.id }, { sshHostKey: null });
    const row = await em.findOneOrFail(ServerSchema, { id: server.id });
    const sessions = await Promise.all([sshTo(k.acm.orm, { ...row }), sshTo(k.acm.orm, { ...row }), sshTo(k.acm.orm, { ...row })]);
    for (const s of sessions) await s.close();
    expect(await pinnedKey(server.id)).toBe(keyOf(sim));
    expect(await audits('server.hostkey.pinned')).toHaveLength(2);
  }, 30_000);

  it('refuses a changed key everywhere, naming both fingerprints once, until an operator trusts it', async () => {
    const old = keyOf(sim);
    const reconnects = k.acm.connections.client(server.id)!.stats().reconnects;
    await sim.rebuild(100); // a rebuilt server: same address, a new host key
    const fresh = keyOf(sim);
    expect(fresh).not.toBe(old);
    for (let i = 0; i < 100; i++) {
      const ami = k.acm.connections.client(server.id);
      if (ami?.connected && ami.stats().reconnects > reconnects) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(k.acm.connections.client(server.id)!.stats().reconnects).toBeGreaterThan(reconnects);
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Bob', extension: '6102', secret: 'bob-secret-22' });

    const refused = await commit();
    expect(refused.status).toBe('failed');
    expect(refused.error).toContain(`host key of tpa1-ast1 changed: pinned ${old}, offered ${fresh}; if the server was rebuilt, run \`acm servers trust-host-key ${server.id}\``);
    expect(occurrences(refused.error!, old)).toBe(1);
    expect(occurrences(refused.error!, fresh)).toBe(1);
    expect(refused.error).not.toContain('SHA256:SHA256:');
    expect(sim.state.endpointNames()).not.toContain('6102');
    // Plugins' SSH (HA sync, security posture, recordings) is refused by the same check.
    await expect(sshService(k.acm.orm).exec(server.id, 'true')).rejects.toBeInstanceOf(HostKeyMismatchError);
    expect(await pinnedKey(server.id)).toBe(old);

    // Admin only: a helpdesk user may commit but not trust keys.
    await k.admin.json('POST', '/api/users', { username: 'hd', password: 'helpdesk-pass-1', role: 'helpdesk' });
    const hd = k.client();
    expect(await hd.login('hd', 'helpdesk-pass-1')).toBe(200);
    expect((await hd.json('POST', `/api/servers/${server.id}/trust-host-key`, {})).status).toBe(403);
    const bad = await k.admin.json('POST', `/api/servers/${server.id}/trust-host-key`, { fingerprint: 'SHA256:short' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems.map((p: any) => p.field)).toEqual(['fingerprint']);
    expect((await k.admin.json('POST', '/api/servers/9999/trust-host-key', {})).status).toBe(404);
    expect(await pinnedKey(server.id)).toBe(old);

    const trusted = await k.admin.json('POST', `/api/servers/${server.id}/trust-host-key`, {});
    expect(trusted.status).toBe(200);
    expect(trusted.body).toEqual({ serverId: server.id, server: 'tpa1-ast1', previous: old, fingerprint: fresh });
    expect(await pinnedKey(server.id)).toBe(fresh);
    const audit = await audits('server.hostkey.trusted');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ username: 'admin', targetId: String(server.id), before: { fingerprint: old }, after: { fingerprint: fresh, how: 'offered by the server' } });

    expect(await commit()).toMatchObject({ status: 'deployed' });
    expect(sim.state.endpointNames()).toContain('6102');
  }, 60_000);

  it('pins a key given by the operator, in any spelling OpenSSH or the simulator prints', async () => {
    const given = await k.admin.json('POST', `/api/servers/${server.id}/trust-host-key`, { fingerprint: `${'B'.repeat(43)}=` });
    expect(given.body).toMatchObject({ previous: keyOf(sim), fingerprint: `SHA256:${'B'.repeat(43)}` });
    await expect(sshService(k.acm.orm).exec(server.id, 'true')).rejects.toThrow(`pinned SHA256:${'B'.repeat(43)}, offered ${keyOf(sim)}`);
    const back = await k.admin.json('POST', `/api/servers/${server.id}/trust-host-key`, { fingerprint: keyOf(sim) });
    expect(back.body.fingerprint).toBe(keyOf(sim));
    expect((await sshService(k.acm.orm).exec(server.id, 'true')).code).toBe(0);
  }, 30_000);

  it('with ACM_SSH_TRUST_ON_FIRST_USE=0 refuses an unpinned server and pins nothing', async () => {
    const em = k.acm.orm.em.fork();
    await em.nativeUpdate(ServerSchema, { id: server.id }, { sshHostKey: null });
    const row = await em.findOneOrFail(ServerSchema, { id: server.id });
    const strict = new SshTransport(serverSshOptions(k.acm.orm, row, { ACM_SSH_TRUST_ON_FIRST_USE: '0' }));
    const err = await strict.connect().catch((e: Error) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as Error).message).toBe(`SSH connect to tpa1-ast1 refused: no host key pinned and ACM_SSH_TRUST_ON_FIRST_USE=0; it offered ${keyOf(sim)}: check that on the server (ssh-keygen -lf) and run \`acm servers trust-host-key ${server.id} --fingerprint ${keyOf(sim)}\``);
    expect(await pinnedKey(server.id)).toBeNull();
    // The default trusts the first key.
    const tofu = new SshTransport(serverSshOptions(k.acm.orm, row, {}));
    await tofu.connect();
    await tofu.close();
    expect(await pinnedKey(server.id)).toBe(keyOf(sim));
  }, 30_000);
});
