import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { createAcm, type Acm } from '../core/app.ts';
import { createHttpApp, listen } from '../core/http/server.ts';
import { resources } from '../core/model/resources.ts';
import { ConfigBlobSchema, RevisionSchema } from '../core/model/entities.ts';
import { sha256 } from '../core/commit/render/index.ts';
import { createBackup } from '../core/backup/archive.ts';
import { restoreBackup } from '../core/backup/restore.ts';
import { BACKUP_SUBJECT, startBackupSchedule } from '../core/backup/schedule.ts';
import { readTar, writeTar } from '../core/backup/tar.ts';
import { BACKUP_NAME, backupToSftp, parseSftpTarget } from '../core/backup/targets.ts';
import { registerBatchCommands } from '../core/cli/batch-commands.ts';
import { httpClient, testDatabase, TEST_ADMIN_PASSWORD, type TestClient } from '../sdk/testing/kernel.ts';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import type { Principal } from '../sdk/plugin.ts';
import { seedSite } from './helpers/seed.ts';

type Kind = 'sqlite' | 'mysql';
const MYSQL = !!process.env.ACM_TEST_MYSQL;
/** The instances share a secret key, as an operator who copies secret.key along with the backup. */
const SECRET_KEY = randomBytes(32).toString('base64');
const SEALED = /^enc:v1:[0-9a-f]{12}:[A-Za-z0-9+/]+={0,2}$/;

interface Instance { acm: Acm; api: TestClient; server: Server; kind: Kind; stop(): Promise<void> }

/** A fresh acm on SQLite or (with ACM_TEST_MYSQL) MariaDB, with its HTTP API. */
async function boot(kind: Kind = MYSQL ? 'mysql' : 'sqlite', secretKeys = SECRET_KEY): Promise<Instance> {
  const db = kind === 'mysql'
    ? await testDatabase()
    : await (async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'acm-backup-'));
      return { dataDir, dbUrl: undefined, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    })();
  const acm = await createAcm({ dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false, logger: pino({ level: 'silent' }), secretKeys });
  const server = await listen(createHttpApp(acm), 0, '127.0.0.1');
  const api = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    acm, api, server, kind,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await acm.close();
      await db.drop();
    },
  };
}

/** Some of everything: objects of every resource, users, staged changes, revisions with files. */
async function seed(x: Instance): Promise<void> {
  expect(await x.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
  const s = await seedSite(x.api, 'a');
  const t = await x.api.create('/api/tenants', { name: 'other', dialPrefix: '42' });
  await seedSite(x.api, 'o', t.id);
  for (let i = 0; i < 5; i++) {
    await x.api.create('/api/extensions', { clusterId: s.cluster.id, groupId: s.group.id, name: `Zoë Ümlaut ${i}`, extension: String(6100 + i), secret: 'sip-secret-123', mailbox: String(6100 + i), vmSecret: '4321', callLimit: i });
  }
  await x.api.create('/api/users', { username: 'desk', password: 'helpdesk-pw-1', role: 'helpdesk', tenantId: 1, scopes: [{ type: 'cluster', id: s.cluster.id }] });
  const em = x.acm.orm.em.fork();
  const files = [
    { name: 'acm/pjsip.acm.conf', content: '; rendered by acm\n[6100]\ntype=endpoint\ncallerid="Zoë" <6100>\n', reload: 'res_pjsip.so' },
    { name: 'acm/extensions.acm.conf', content: '[internal]\nexten => 6100,1,Dial(PJSIP/6100)\n', reload: 'pbx_config.so' },
  ];
  for (const f of files) em.create(ConfigBlobSchema, { sha256: sha256(f.content), content: f.content, size: Buffer.byteLength(f.content) });
  const refs = files.map((f) => ({ name: f.name, sha256: sha256(f.content), reload: f.reload, size: Buffer.byteLength(f.content) }));
  const r1 = em.create(RevisionSchema, { tenantId: 1, clusterId: s.cluster.id, status: 'deployed', author: 'admin', userId: 1, createdAt: new Date('2026-01-02T03:04:05Z'), files: refs, changed: refs.map((f) => f.name), changeIds: [1, 2] });
  await em.flush();
  em.create(RevisionSchema, { tenantId: 1, clusterId: s.cluster.id, status: 'failed', author: 'admin', createdAt: new Date('2026-01-03T03:04:05Z'), files: refs.slice(0, 1), changed: [], changeIds: [], error: 'ast2: reload failed', previousId: r1.id });
  await em.flush();
}

const normalizeDates = (v: unknown): unknown => JSON.parse(JSON.stringify(v), (_k, x) => (typeof x === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(x) ? x.slice(0, 19) : x));

/** Everything a person sees through the API, plus every revision file. */
async function apiView(x: Instance): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const r of resources) out[r.name] = (await x.api.json('GET', `/api/${r.name}?pageSize=1000`)).body.items;
  // Logging in to look moves lastLoginAt: the one thing that differs.
  out.users = ((await x.api.json('GET', '/api/users')).body.items as Record<string, unknown>[]).map(({ lastLoginAt: _l, updatedAt: _u, ...u }) => u);
  out.changes = (await x.api.json('GET', '/api/changes?pageSize=1000')).body.items;
  const revisions = (await x.api.json('GET', '/api/revisions')).body.items as { id: number; files: { name: string }[] }[];
  out.revisions = revisions;
  out.revisionFiles = await Promise.all(revisions.flatMap((r) => r.files.map(async (f) => [r.id, f.name, await (await x.api.fetch(`/api/revisions/${r.id}/files/${f.name}`)).text()])));
  return out;
}

/** Every table's rows as the backup sees them, sealed secrets opened (each sealing differs). */
async function tables(acm: Acm): Promise<Record<string, unknown>> {
  const files = readTar(gunzipSync((await createBackup(acm.orm)).data));
  const open = (_k: string, v: unknown) => (typeof v === 'string' && SEALED.test(v) ? `opened:${acm.secrets.open(v)}` : v);
  return Object.fromEntries([...files].filter(([n]) => n !== 'manifest.json').map(([n, d]) => [n, n.endsWith('.json') ? JSON.parse(d.toString('utf8'), open) : d.toString('utf8')]));
}

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'acm-backups-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe('the archive', () => {
  it('is a plain tar: what writeTar writes, readTar reads back', async () => {
    const tar = writeTar([{ name: 'a.txt', data: Buffer.from('hello\n') }, { name: `${'d'.repeat(120)}/b.json`, data: Buffer.alloc(1000, 65) }]);
    expect(tar.length % 512).toBe(0);
    const back = readTar(tar);
    expect(back.get('a.txt')!.toString()).toBe('hello\n');
    expect(back.get(`${'d'.repeat(120)}/b.json`)!.length).toBe(1000);
  });

  // A tar that fails to read the archive fails this test; only a machine without tar skips it.
  it.skipIf(spawnSync('tar', ['--version']).error)('is read by tar itself: names (one over 100 characters) and contents', () => {
    const long = `${'d'.repeat(120)}/b.json`;
    const file = join(tmp, 't.tar.gz');
    writeFileSync(file, gzipSync(writeTar([{ name: 'a.txt', data: Buffer.from('hello\n') }, { name: long, data: Buffer.alloc(1000, 65) }])));
    expect(execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['a.txt', long]);
    expect(execFileSync('tar', ['xzOf', file, 'a.txt'], { encoding: 'utf8' })).toBe('hello\n');
    expect(execFileSync('tar', ['xzOf', file, long], { encoding: 'utf8' })).toBe('A'.repeat(1000));
  });
});

describe('backup and restore', () => {
  let src: Instance;
  let archive: Buffer;
  let view: Record<string, unknown>;
  let rows: Record<string, unknown>;

  beforeAll(async () => {
    src = await boot();
    await seed(src);
    view = await apiView(src);
    rows = await tables(src.acm);
    archive = (await createBackup(src.acm.orm)).data;
  }, 120_000);
  afterAll(async () => { await src?.stop(); });

  it('holds every table (core and plugin) and every config file once', () => {
    const files = readTar(gunzipSync(archive));
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest).toMatchObject({ format: 'acm-backup', version: 1, database: src.kind, blobs: 2 });
    const names = manifest.tables.map((t: any) => t.table);
    for (const t of ['tenants', 'extensions', 'revisions', 'config_blobs', 'users', 'audit_events', 'conference_rooms', 'security_alerts']) expect(names).toContain(t);
    expect(manifest.tables.find((t: any) => t.table === 'extensions').rows).toBe(5);
    const blobs = [...files.keys()].filter((n) => n.startsWith('blobs/'));
    expect(blobs).toHaveLength(2);
    expect(JSON.parse(files.get('db/config_blobs.json')!.toString())[0]).not.toHaveProperty('content');
  });

  it('keeps every secret sealed: no plaintext secret anywhere in the archive, and not the key', () => {
    const tar = gunzipSync(archive);
    for (const plain of ['sip-secret-123', 'topsecret1', 'topsecret2', 'sshpass', 'trunksecret', SECRET_KEY]) expect(tar.includes(Buffer.from(plain))).toBe(false);
    const files = readTar(tar);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest.secretKeys).toEqual([src.acm.secrets.current.id]);
    const extensions = JSON.parse(files.get('db/extensions.json')!.toString()) as Record<string, string>[];
    expect(extensions.map((e) => [SEALED.test(e.secret!), SEALED.test(e.vmSecret!)])).toEqual(extensions.map(() => [true, true]));
    const servers = JSON.parse(files.get('db/servers.json')!.toString()) as Record<string, string | null>[];
    expect(servers.filter((x) => x.amiSecret !== null).every((x) => SEALED.test(x.amiSecret!))).toBe(true);
    expect(servers.filter((x) => x.amiSecret !== null)).toHaveLength(4);
    expect(extensions.map((e) => src.acm.secrets.open(e.vmSecret!))).toEqual(['4321', '4321', '4321', '4321', '4321']);
  });

  it('refuses a restore on an instance without the backup\'s key, naming it, before writing anything', async () => {
    const dst = await boot(src.kind, randomBytes(32).toString('base64'));
    try {
      await expect(restoreBackup(dst.acm.orm, archive)).rejects.toThrow(new RegExp(`sealed with key ${src.acm.secrets.current.id}, which this acm does not have \\(ACM_SECRET_KEY has ${dst.acm.secrets.current.id}\\)`));
      expect(await dst.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      expect((await dst.api.json('GET', '/api/tenants')).body.items.map((t: any) => t.name)).toEqual(['default']);
    } finally {
      await dst.stop();
    }
  }, 60_000);

  it('refuses to restore into an instance with data, saying why', async () => {
    await expect(restoreBackup(src.acm.orm, archive)).rejects.toThrow(/restore needs an empty acm instance, and this one has data \(.*row\(s\) in clusters/);
  });

  it('rejects a damaged archive before writing anything', async () => {
    const dst = await boot();
    try {
      await expect(restoreBackup(dst.acm.orm, Buffer.from('not a backup'))).rejects.toThrow(/not a gzip archive/);
      const files = readTar(gunzipSync(archive));
      const [blob] = [...files.keys()].filter((n) => n.startsWith('blobs/'));
      files.set(blob!, Buffer.from('tampered'));
      const bad = gzipSync(writeTar([...files].map(([name, data]) => ({ name, data }))));
      await expect(restoreBackup(dst.acm.orm, bad)).rejects.toThrow(/content does not match its SHA-256/);
      expect((await dst.api.login('admin', TEST_ADMIN_PASSWORD))).toBe(200);
      expect((await dst.api.json('GET', '/api/tenants')).body.items.map((t: any) => t.name)).toEqual(['default']);
    } finally {
      await dst.stop();
    }
  }, 60_000);

  it('restores into a fresh database: identical rows, API lists and revision files', async () => {
    const dst = await boot(src.kind);
    try {
      const summary = await restoreBackup(dst.acm.orm, archive);
      expect(summary.skipped).toEqual([]);
      expect(summary.blobs).toBe(2);
      expect(await tables(dst.acm)).toEqual(rows);
      expect(await dst.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      expect(await apiView(dst)).toEqual(view);
      // New rows continue after the restored ids.
      const site = await dst.api.create('/api/sites', { name: 'after-restore' });
      expect(site.id).toBeGreaterThan(Math.max(...(view.sites as { id: number }[]).map((s) => s.id)));
      expect(await httpClient(`http://127.0.0.1:${(dst.server.address() as AddressInfo).port}`).login('desk', 'helpdesk-pw-1')).toBe(200);
    } finally {
      await dst.stop();
    }
  }, 120_000);

  it.runIf(MYSQL)('moves between SQLite and MariaDB both ways', async () => {
    const lite = await boot('sqlite');
    const maria = await boot('mysql');
    const back = await boot('sqlite');
    try {
      await seed(lite);
      const liteView = await apiView(lite);
      await restoreBackup(maria.acm.orm, (await createBackup(lite.acm.orm)).data);
      expect(await maria.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      // MariaDB DATETIME keeps whole seconds.
      expect(normalizeDates(await apiView(maria))).toEqual(normalizeDates(liteView));
      const mariaRows = await tables(maria.acm);
      await restoreBackup(back.acm.orm, (await createBackup(maria.acm.orm)).data);
      expect(await tables(back.acm)).toEqual(mariaRows);
      expect(await back.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      expect(normalizeDates(await apiView(back))).toEqual(normalizeDates(liteView));
    } finally {
      await lite.stop();
      await maria.stop();
      await back.stop();
    }
  }, 180_000);

  it('runs from the command line: acm backup --out DIR, acm restore FILE', async () => {
    const dst = await boot(src.kind);
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => { out.push(x.join(' ')); });
    try {
      const operator = (): Principal => ({ userId: 0, username: 'cli:test', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true });
      const cli = (acm: Acm) => {
        const program = new Command('acm').exitOverride();
        registerBatchCommands(program, <T>(fn: (a: Acm) => Promise<T>) => fn(acm), operator);
        return program;
      };
      const dir = join(tmp, 'cli');
      await cli(src.acm).parseAsync(['node', 'acm', 'backup', '--out', dir]);
      const [file] = readdirSync(dir);
      expect(file).toMatch(BACKUP_NAME);
      expect(out.at(-1)).toMatch(/^wrote .*acm-backup-.*\.tar\.gz \(\d+ bytes: \d+ rows in \d+ tables, 2 config files\)$/);
      await cli(dst.acm).parseAsync(['node', 'acm', 'restore', join(dir, file!)]);
      expect(out.at(-1)).toMatch(/^restored \d+ rows in \d+ tables and 2 config files from the backup of/);
      expect(await dst.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      expect((await dst.api.json('GET', '/api/extensions')).body.items).toEqual(view.extensions);
      await expect(cli(dst.acm).parseAsync(['node', 'acm', 'restore', join(dir, file!)])).rejects.toThrow(/needs an empty acm instance/);
    } finally {
      log.mockRestore();
      await dst.stop();
    }
  }, 120_000);

  it('keeps N scheduled backups in a local directory; the timer runs on its own', async () => {
    const dir = join(tmp, 'scheduled');
    const sched = startBackupSchedule(src.acm, { everyMs: 1000, keep: 2, dir });
    try {
      const fired = new Promise<{ ok: boolean; file: string }>((resolveFired) => {
        const off = src.acm.bus.subscribe<{ ok: boolean; file: string }>(BACKUP_SUBJECT, (m) => { off(); resolveFired(m.data); });
      });
      const first = await fired;
      expect(first.ok).toBe(true);
      await sched.runNow();
      await sched.runNow();
      const last = await sched.runNow();
      const left = readdirSync(dir).sort();
      expect(left).toHaveLength(2);
      expect(left.every((f) => BACKUP_NAME.test(f))).toBe(true);
      expect(join(dir, left[1]!)).toBe(last.file);
      expect(last.removed).toHaveLength(1);
      expect(existsSync(first.file)).toBe(false);
      expect(sched.last).toMatchObject({ ok: true, file: last.file });
    } finally {
      sched.stop();
    }
  }, 30_000);

  it('writes over SFTP (atomic), keeping N there, and the copy restores', async () => {
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ sshPort: 0, amiPort: 0, ariPort: 0 });
    try {
      const target = parseSftpTarget(`asterisk@127.0.0.1:${ports.ssh}:/var/backups/acm`, { password: 'asterisk-Secret1', hostKeySha256: sim.hostKeySha256 });
      expect(target).toMatchObject({ username: 'asterisk', host: '127.0.0.1', port: ports.ssh, path: '/var/backups/acm' });
      const written = [];
      for (let i = 0; i < 3; i++) written.push(await backupToSftp(src.acm, target, { keep: 2 }));
      const dir = join(sim.fsRoot, 'var', 'backups', 'acm');
      const archives = readdirSync(dir).filter((f) => BACKUP_NAME.test(f)).sort();
      expect(archives).toHaveLength(2);
      expect(readdirSync(dir).filter((f) => f.includes('acm-tmp'))).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, '.acm-backups.json'), 'utf8'))).toEqual(archives);
      expect(written[2]!.file).toBe(`sftp://asterisk@127.0.0.1:${ports.ssh}/var/backups/acm/${archives[1]}`);
      // A scheduled run over SFTP, and a wrong host key fails without writing.
      const sched = startBackupSchedule(src.acm, { everyMs: 3_600_000, keep: 2, sftp: target });
      await sched.runNow();
      sched.stop();
      expect(readdirSync(dir).filter((f) => BACKUP_NAME.test(f))).toHaveLength(2);
      await expect(backupToSftp(src.acm, { ...target, hostKeySha256: 'A'.repeat(43) }, { keep: 2 })).rejects.toThrow();
      const dst = await boot(src.kind);
      try {
        await restoreBackup(dst.acm.orm, readFileSync(join(dir, archives[1]!)));
        expect(await dst.api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
        expect((await dst.api.json('GET', '/api/revisions')).body.items).toEqual(view.revisions);
      } finally {
        await dst.stop();
      }
    } finally {
      await sim.stop();
    }
  }, 120_000);

  it('parses SFTP targets', () => {
    expect(parseSftpTarget('bk@backup.example.net:/srv/acm')).toMatchObject({ username: 'bk', host: 'backup.example.net', port: 22, path: '/srv/acm' });
    expect(parseSftpTarget('bk@[::1]:2222:/x.tar.gz')).toMatchObject({ host: '::1', port: 2222, path: '/x.tar.gz' });
    expect(() => parseSftpTarget('backup.example.net:/srv')).toThrow();
  });
});
