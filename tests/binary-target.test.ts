/**
 * A deploy target's binary file (sdk/commit.ts `DeployFile.content: Uint8Array`) through the whole
 * commit: stored once in config_blobs under the SHA-256 of its bytes, marked binary in the
 * revision, pushed byte for byte to every server, shown as size and hash in views and diffs,
 * hashed by `acm verify`, rolled back, and carried as its bytes in a backup.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import type { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { simulatedServer } from '../sdk/testing/sim-server.ts';
import { createBackup, readArchive } from '../core/backup/archive.ts';

const PATH = '/var/lib/asterisk/sounds/acm/default/welcome.wav';
const work = mkdtempSync(join(tmpdir(), 'acm-binary-target-'));
const SOURCE = join(work, 'source.bin');
/** Every byte value, NUL, CR, LF and sequences that are no UTF-8 included. */
const FIRST = Buffer.from([...Array.from({ length: 256 }, (_, i) => i), 0xc3, 0x28, 0xff, 0xfe, 0x0d, 0x0a, 0x00]);
const SECOND = Buffer.concat([FIRST, Buffer.from([0xe2, 0x82])]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let k: TestKernel;
let cluster: Record<string, any>;
const sims: SimulatedAsterisk[] = [];
const servers: Record<string, any>[] = [];
const name = (i: number) => `server/${servers[i]!.id}${PATH}`;
const onServer = (i: number) => readFileSync(join(sims[i]!.fsRoot, PATH));
const commit = async () => {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.revisions[0];
};

beforeAll(async () => {
  writeFileSync(SOURCE, FIRST);
  k = await startTestKernel({
    plugins: [{ id: 'binary-target', dir: join(import.meta.dirname, 'helpers', 'binary-target'), settings: { source: SOURCE, path: PATH } }],
    connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  for (const i of [0, 1]) {
    const { sim, server } = await simulatedServer(k, cluster.id, { name: `lon-ast${i + 1}`, start: { systemName: `lon-ast${i + 1}` } });
    sims.push(sim);
    servers.push(server);
  }
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims) await s.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a binary file of a deploy target', () => {
  let first: number;
  let second: number;

  it('is committed into the revision once, marked binary, and pushed byte for byte to every server', async () => {
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    first = rev.id;
    expect(rev.files.filter((f: string) => f.startsWith('server/')).sort()).toEqual([name(0), name(1)].sort());
    for (const i of [0, 1]) expect(onServer(i).equals(FIRST)).toBe(true);
    const refs = (await k.admin.json('GET', `/api/revisions/${rev.id}/files`)).body;
    expect(refs.find((f: any) => f.name === name(0))).toEqual({
      name: name(0), sha256: sha(FIRST), reload: 'binary-target.prompt', size: FIRST.length, binary: true,
      deploy: { target: 'binary-target.prompt', serverId: servers[0]!.id, path: PATH },
    });
    // Both servers' files are one blob: the same bytes, stored once, as base64.
    const knex = (k.acm.orm.em as any).getKnex();
    const blobs = await knex('config_blobs').where({ sha256: sha(FIRST) }).select('content', 'size', 'encoding');
    expect(blobs).toEqual([{ content: FIRST.toString('base64'), size: FIRST.length, encoding: 'base64' }]);
    // The revision view shows what the file is, never its bytes.
    const view = await k.admin.fetch(`/api/revisions/${rev.id}/files/${name(1)}`);
    expect(await view.text()).toBe(`binary file, ${FIRST.length} bytes, sha256 ${sha(FIRST)}\n`);
    expect((await commit()).status).toBe('unchanged');
  });

  it('a change of its bytes is a diff of sizes and hashes; acm verify hashes it on each server', async () => {
    writeFileSync(SOURCE, SECOND);
    const rev = await commit();
    expect(rev).toMatchObject({ status: 'deployed', files: [name(0), name(1)].sort() });
    second = rev.id;
    for (const i of [0, 1]) expect(onServer(i).equals(SECOND)).toBe(true);
    const diff = await (await k.admin.fetch(`/api/revisions/${rev.id}/diff`)).text();
    expect(diff).toContain(`--- r${first}/${name(0)}\n+++ r${rev.id}/${name(0)}\n`);
    expect(diff).toContain(`-binary file, ${FIRST.length} bytes, sha256 ${sha(FIRST)}\n+binary file, ${SECOND.length} bytes, sha256 ${sha(SECOND)}\n`);
    expect(diff).not.toContain('\0');
    const drift = (await k.admin.json('GET', `/api/verify?clusterId=${cluster.id}`)).body.clusters[0];
    expect(drift.servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
    expect(drift.servers[1].files.find((f: any) => f.name === name(1))).toEqual({ name: name(1), expected: sha(SECOND), actual: sha(SECOND), ok: true });
    writeFileSync(join(sims[1]!.fsRoot, PATH), FIRST);
    const after = (await k.admin.json('GET', `/api/verify?clusterId=${cluster.id}`)).body.clusters[0];
    expect(after.servers.map((s: any) => s.status)).toEqual(['ok', 'drift']);
    expect(after.servers[1].files.find((f: any) => !f.ok)).toMatchObject({ name: name(1), expected: sha(SECOND), actual: sha(FIRST) });
  });

  it('a rollback puts the earlier bytes back on every server', async () => {
    const res = await k.admin.json('POST', `/api/revisions/${first}/rollback`);
    expect(res.status).toBe(200);
    const [rev] = res.body.revisions;
    expect(rev.status).toBe('deployed');
    for (const i of [0, 1]) expect(onServer(i).equals(FIRST)).toBe(true);
    expect(rev.servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
    expect(second).toBeGreaterThan(first);
  });

  it('a failed push puts back the bytes each server held before', async () => {
    writeFileSync(SOURCE, SECOND);
    // The second server refuses the write: the first gets its earlier bytes back.
    sims[1]!.sftp!.failWrites = 1;
    const rev = await commit();
    expect(rev.status).toBe('failed');
    expect(rev.error).toMatch(/lon-ast2: push failed/);
    for (const i of [0, 1]) expect(onServer(i).equals(FIRST)).toBe(true);
  });

  it('a backup carries the bytes under their hash', async () => {
    const { files } = readArchive((await createBackup(k.acm.orm)).data);
    expect(files.get(`blobs/${sha(FIRST)}`)?.equals(FIRST)).toBe(true);
    expect(files.get(`blobs/${sha(SECOND)}`)?.equals(SECOND)).toBe(true);
    const rows = JSON.parse(files.get('db/config_blobs.json')!.toString());
    expect(rows.find((r: any) => r.sha256 === sha(FIRST))).toEqual({ sha256: sha(FIRST), size: FIRST.length, encoding: 'base64' });
  });

  it('a file a pruning target no longer renders is deleted from every server, and a rollback puts it back', async () => {
    rmSync(SOURCE);
    // After the failed commit above every file is pushed again; the deleted ones are among them.
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    expect(rev.files).toEqual(expect.arrayContaining([name(0), name(1)]));
    for (const i of [0, 1]) expect(existsSync(join(sims[i]!.fsRoot, PATH))).toBe(false);
    expect((await k.admin.json('GET', `/api/verify?clusterId=${cluster.id}`)).body.clusters[0].servers.map((s: any) => s.status)).toEqual(['ok', 'ok']);
    expect((await commit()).status).toBe('unchanged');
    const back = await k.admin.json('POST', `/api/revisions/${first}/rollback`);
    expect(back.body.revisions[0].status).toBe('deployed');
    for (const i of [0, 1]) expect(onServer(i).equals(FIRST)).toBe(true);
  });

  it('a stopped plugin renders nothing, and its files stay on the servers as they are', async () => {
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'binary-target' })).status).toBe(200);
    expect((await commit()).status).toBe('unchanged');
    for (const i of [0, 1]) expect(onServer(i).equals(FIRST)).toBe(true);
  });
});
