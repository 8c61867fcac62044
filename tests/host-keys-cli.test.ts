import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../sdk/testing/kernel.ts';
import { runAcm } from './helpers/cli.ts';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { canonicalFingerprint } from '../core/asterisk/host-keys.ts';

let db: Awaited<ReturnType<typeof testDatabase>>;
let sim: SimulatedAsterisk;

const acm = (args: string[]) => runAcm(db, args);

beforeAll(async () => {
  db = await testDatabase();
  sim = new SimulatedAsterisk();
  await sim.start({ amiPort: 0, ariPort: 0, sshPort: 0 });
});
afterAll(async () => {
  await sim?.stop();
  await db?.drop();
});

describe('acm servers trust-host-key', () => {
  it('pins the key the server offers, or the one given, and refuses a malformed one', async () => {
    const site = JSON.parse((await acm(['sites', 'add', '--set', 'name=tpa', '--json'])).stdout);
    const cluster = JSON.parse((await acm(['clusters', 'add', '--set', `siteId=${site.id}`, '--set', 'name=tpa1', '--json'])).stdout);
    const server = JSON.parse((await acm(['servers', 'add', '--data', JSON.stringify({ clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.1', sshPort: sim.ports.ssh }), '--json'])).stdout);
    const key = canonicalFingerprint(sim.hostKeySha256!)!;

    const offered = await acm(['servers', 'trust-host-key', String(server.id)]);
    expect(offered).toMatchObject({ code: 0, stdout: `server tpa1-ast1: host key ${key} pinned (was none)\n` });

    const given = await acm(['servers', 'trust-host-key', String(server.id), '--fingerprint', `SHA256:${'D'.repeat(43)}`, '--json']);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual({ serverId: server.id, server: 'tpa1-ast1', previous: key, fingerprint: `SHA256:${'D'.repeat(43)}` });

    const bad = await acm(['servers', 'trust-host-key', String(server.id), '--fingerprint', 'MD5:aa:bb']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('fingerprint: a SHA256 fingerprint');
    expect(JSON.parse((await acm(['servers', 'get', String(server.id), '--json'])).stdout).sshHostKey).toBe(`SHA256:${'D'.repeat(43)}`);
    expect((await acm(['servers', 'trust-host-key', '999'])).code).toBe(1);
  }, 120_000);
});
