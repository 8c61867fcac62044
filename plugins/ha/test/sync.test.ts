/**
 * File sync between two simulated Asterisk servers' SFTP targets: the active's changes reach the
 * standby within seconds, deletions propagate, excludes hold, a newer standby file is reported and
 * left alone, the direction follows the active node, a rejoining standby gets a full resync.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { excluder, sessionTransport, SyncEngine, type SyncConflict, type SyncJob } from '../sync.ts';
import { sftpOpener, type SftpTarget } from './sftp-session.ts';

const sims: SimulatedAsterisk[] = [];
const targets = new Map<number, SftpTarget>();
const ROOT = '/etc/asterisk';
const A = 1; const B = 2;
const file = (server: number, rel: string) => join(sims[server - 1]!.fsRoot, ROOT, rel);
const put = (server: number, rel: string, text: string) => { mkdirSync(dirname(file(server, rel)), { recursive: true }); writeFileSync(file(server, rel), text); };
const get = (server: number, rel: string) => (existsSync(file(server, rel)) ? readFileSync(file(server, rel), 'utf8') : null);
const conflicts: SyncConflict[] = [];
let engine: SyncEngine;
const job = (active: number): SyncJob => ({ key: '1:1', root: ROOT, excludes: ['*.tmp', 'cache/**'], active, peers: [A, B] });

/** What the plugin's job does: a round every `ms` until `cond` (bounded); the seconds it took. */
async function until(active: number, cond: () => boolean, what: string, ms = 10_000, every = 300): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    await engine.run(job(active));
    if (cond()) return (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms: ${what}; last report ${JSON.stringify(engine.last.get('1:1'))}`);
}

beforeAll(async () => {
  for (const id of [A, B]) {
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ sshPort: 0, authFailDelayMs: 50 });
    sims.push(sim);
    targets.set(id, { host: '127.0.0.1', port: ports.ssh, username: 'asterisk', password: 'asterisk-Secret1', hostKeySha256: sim.hostKeySha256! });
  }
  engine = new SyncEngine(sessionTransport(sftpOpener(targets)), { onConflict: (_j, c) => conflicts.push(c) });
}, 30_000);
afterAll(async () => { for (const s of sims) await s.stop(); });

describe('excludes', () => {
  it('matches base names anywhere, anchored paths and dir/**', () => {
    const x = excluder(['*.tmp', 'cache/**', 'keys/secret?.pem', '**/*.bak']);
    expect(['a.tmp', 'sub/b.tmp', 'cache/x', 'cache/y/z', 'keys/secret1.pem', 'x/y.bak', 'pjsip.conf.acm-tmp-0a1b2c'].filter((p) => !x(p))).toEqual([]);
    expect(['a.tmpx', 'cachex/y', 'sub/cache/x', 'keys/secret10.pem', 'pjsip.conf'].filter((p) => x(p))).toEqual([]);
  });
});

describe('file sync over SFTP between two simulators', () => {
  it('a full first round: new files (also in new directories) copied, equal files read once, nothing on the active touched', async () => {
    put(A, 'custom/queues/support.conf', '[support]\nstrategy=ringall\n');
    const before = readFileSync(file(A, 'pjsip.conf'), 'utf8');
    const r = await engine.run(job(A));
    expect(r.errors).toEqual([]);
    expect(r.full).toBe(true);
    expect(r.copied.map((c) => c.path)).toEqual([`${ROOT}/custom/queues/support.conf`]);
    expect(get(B, 'custom/queues/support.conf')).toBe('[support]\nstrategy=ringall\n');
    expect(get(A, 'pjsip.conf')).toBe(before);
    const again = await engine.run(job(A));
    expect(again.copied).toEqual([]);
    expect(again.full).toBe(false);
  });

  it('a change on the active appears on the standby within seconds', async () => {
    put(A, 'extensions_custom.conf', '[from-internal-custom]\nexten => 1000,1,Answer()\n');
    const s = await until(A, () => get(B, 'extensions_custom.conf')?.includes('1000,1,Answer') === true, 'new file on B');
    put(A, 'extensions_custom.conf', '[from-internal-custom]\nexten => 1000,1,Answer()\nsame => n,Hangup()\n');
    const s2 = await until(A, () => get(B, 'extensions_custom.conf')?.includes('Hangup') === true, 'changed file on B');
    console.log(`sync_seconds=${Math.max(s, s2).toFixed(2)}`);
    expect(Math.max(s, s2)).toBeLessThan(5);
    // no temp files left behind on the standby
    const ls = spawnSync('find', [join(sims[1]!.fsRoot, ROOT), '-name', '*.acm-tmp-*'], { encoding: 'utf8' }).stdout;
    expect(ls).toBe('');
  });

  it('a deletion on the active propagates; an excluded file is never copied', async () => {
    put(A, 'gone.conf', 'x=1\n');
    await until(A, () => get(B, 'gone.conf') === 'x=1\n', 'gone.conf copied');
    rmSync(file(A, 'gone.conf'));
    put(A, 'scratch.tmp', 'temporary');
    put(A, 'cache/big.bin', 'cached');
    await until(A, () => get(B, 'gone.conf') === null, 'gone.conf deleted on B');
    const r = await engine.run(job(A));
    expect(r.excluded).toBeGreaterThanOrEqual(2);
    expect(get(B, 'scratch.tmp')).toBeNull();
    expect(get(B, 'cache/big.bin')).toBeNull();
  });

  it('a newer file on the standby is reported as a conflict, never overwritten, never copied back', async () => {
    put(B, 'extensions_custom.conf', '; edited on the standby by hand\n');
    const future = new Date(Date.now() + 120_000);
    utimesSync(file(B, 'extensions_custom.conf'), future, future);
    const r = await engine.run(job(A));
    expect(r.conflicts.map((c) => c.path)).toEqual([`${ROOT}/extensions_custom.conf`]);
    expect(conflicts.filter((c) => c.path.endsWith('extensions_custom.conf'))).toHaveLength(1);
    await engine.run(job(A)); // reported again in the round, but notified once
    expect(conflicts.filter((c) => c.path.endsWith('extensions_custom.conf'))).toHaveLength(1);
    expect(get(B, 'extensions_custom.conf')).toBe('; edited on the standby by hand\n');
    expect(get(A, 'extensions_custom.conf')).toContain('Hangup');
    // a standby-only file changed after acm synced it is not deleted when the active deletes it
    put(A, 'both.conf', 'a\n');
    await until(A, () => get(B, 'both.conf') === 'a\n', 'both.conf copied');
    put(B, 'both.conf', 'changed on B\n');
    rmSync(file(A, 'both.conf'));
    const r2 = await engine.run(job(A));
    expect(r2.conflicts.some((c) => c.path.endsWith('both.conf'))).toBe(true);
    expect(get(B, 'both.conf')).toBe('changed on B\n');
    rmSync(file(B, 'both.conf'));
    // the operator resolves it on the active: a newer active file wins
    const later = new Date(Date.now() + 180_000);
    put(A, 'extensions_custom.conf', '[from-internal-custom]\n; resolved\n');
    utimesSync(file(A, 'extensions_custom.conf'), later, later);
    await until(A, () => get(B, 'extensions_custom.conf')?.includes('resolved') === true, 'resolved file on B');
    expect(engine.openConflicts('1:1')).toEqual([]);
  });

  it('after a failover the direction reverses: the new active (B) syncs to A; A-only files are orphans, kept', async () => {
    put(A, 'only-on-a.conf', 'left over\n');
    put(B, 'pjsip_custom.conf', '[trunk2]\ntype=endpoint\n');
    const r = await engine.run(job(B));
    expect(r.full).toBe(true);
    expect(r.copied.map((c) => [c.peer, c.path])).toContainEqual([A, `${ROOT}/pjsip_custom.conf`]);
    expect(get(A, 'pjsip_custom.conf')).toBe('[trunk2]\ntype=endpoint\n');
    expect(r.orphans).toContainEqual({ peer: A, path: `${ROOT}/only-on-a.conf` });
    expect(get(A, 'only-on-a.conf')).toBe('left over\n');
    put(B, 'pjsip_custom.conf', '[trunk2]\ntype=endpoint\ncontext=from-trunk\n');
    await until(B, () => get(A, 'pjsip_custom.conf')?.includes('from-trunk') === true, 'B -> A');
    // while B is active nothing goes from A to B
    put(A, 'new-on-old-primary.conf', 'x\n');
    await engine.run(job(B));
    expect(get(B, 'new-on-old-primary.conf')).toBeNull();
  });

  it('a standby that was unreachable gets a full resync when it rejoins', async () => {
    const saved = targets.get(A)!;
    targets.set(A, { ...saved, port: 1 });
    const down = await engine.run(job(B));
    expect(down.errors.join()).toMatch(/server 1/);
    targets.set(A, saved);
    put(B, 'while-away.conf', 'y\n');
    const back = await engine.run(job(B));
    expect(back.full).toBe(true);
    expect(get(A, 'while-away.conf')).toBe('y\n');
  });

  it('refuses an unsafe root and never treats a missing root on the active as "all deleted"', async () => {
    expect((await engine.run({ ...job(B), key: 'x', root: '/etc/../root' })).errors[0]).toMatch(/safe/);
    const r = await engine.run({ ...job(B), key: 'y', root: '/var/spool/nothing-here' });
    expect(r.errors[0]).toMatch(/does not exist on the active/);
    expect(r.deleted).toEqual([]);
  });
});

