import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { createAcm, type Acm, type AcmOptions } from '../core/app.ts';
import { createHttpApp, listen } from '../core/http/server.ts';
import { MikroORM } from '@mikro-orm/core';
import { ClusterSchema, ExtensionSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema } from '../core/model/entities.ts';
import { ormOptions } from '../core/model/orm.ts';
import { loadSnapshot } from '../core/commit/load-snapshot.ts';
import { renderCluster } from '../core/commit/render/index.ts';
import { secretCensus } from '../core/crypto/reseal.ts';
import { KEY_FILE } from '../core/crypto/keyring-file.ts';
import { Keyring, newSecretKey, sealedKeyId } from '../core/crypto/secret-box.ts';
import { keyStatus, registerSecretsCommands } from '../core/cli/secrets-commands.ts';
import { httpClient, testDatabase, TEST_ADMIN_PASSWORD, type TestClient } from '../sdk/testing/kernel.ts';
import type { Principal } from '../sdk/plugin.ts';


const run = promisify(execFile);
const SEALED = /^enc:v1:[0-9a-f]{12}:[A-Za-z0-9+/]+={0,2}$/;
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA-test-only\n-----END OPENSSH PRIVATE KEY-----\n';
const PLAIN = {
  servers: { ssh_password: 'ssh-Secret-1', ssh_private_key: PRIVATE_KEY, ami_secret: 'ami-Secret-1', ari_password: 'ari-Secret-1' },
  extensions: { secret: 'Alice-sip-pw-1', vm_secret: '908172' },
  trunks: { secret: 'Trunk-secret-1' },
};

let db: Awaited<ReturnType<typeof testDatabase>>;
let acm: Acm;
let server: Server;
let api: TestClient;
let ids: { cluster: number; server: number; alice: number; bob: number; trunk: number; room: number; ops: number };
let totpSeed: string;

async function boot(opts: Partial<AcmOptions> = {}): Promise<void> {
  acm = await createAcm({ dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false, logger: pino({ level: 'silent' }), ...opts });
  server = await listen(createHttpApp(acm), 0, '127.0.0.1');
  api = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  expect(await api.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
}

async function shutdown(): Promise<void> {
  await new Promise<void>((r) => server.close(() => r()));
  server.closeAllConnections();
  await acm.close();
}

/** The table as the database holds it, bypassing the ORM's types. */
const knex = () => (acm.orm.em as unknown as SqlEntityManager).getKnex();
const raw = async (table: string, id: number, cols: string[]) => (await knex()(table).select(cols).where({ id }))[0] as Record<string, string | null>;

/** Runs `acm secrets …` against the running instance; returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => { out.push(x.join(' ')); });
  try {
    const operator = (): Principal => ({ userId: 0, username: 'cli:test', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true });
    const program = new Command('acm').exitOverride();
    registerSecretsCommands(program, <T>(fn: (a: Acm) => Promise<T>) => fn(acm), operator);
    await program.parseAsync(['node', 'acm', 'secrets', ...args]);
  } finally {
    log.mockRestore();
  }
  return out.join('\n');
}

beforeAll(async () => {
  db = await testDatabase();
  await boot();
  const site = await api.create('/api/sites', { name: 'tpa' });
  const cluster = await api.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
  const s = await api.create('/api/servers', {
    clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.11', amiUser: 'acm', amiSecret: PLAIN.servers.ami_secret,
    sshPassword: PLAIN.servers.ssh_password, sshPrivateKey: PLAIN.servers.ssh_private_key, ariUser: 'acm', ariPassword: PLAIN.servers.ari_password,
  });
  const alice = await api.create('/api/extensions', { clusterId: cluster.id, name: 'Alice', extension: '6101', secret: PLAIN.extensions.secret, mailbox: '6101', vmSecret: PLAIN.extensions.vm_secret });
  const bob = await api.create('/api/extensions', { clusterId: cluster.id, name: 'Bob', extension: '6102', md5Secret: 'f'.repeat(32) });
  const trunk = await api.create('/api/trunks', { clusterId: cluster.id, name: 'carrier', host: 'sip.example.net', username: 'acct', secret: PLAIN.trunks.secret });
  const room = await api.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8602', startsAt: '2026-01-01T00:00:00Z', userPin: '48213957', adminPin: '90817263' });
  // A user with TOTP: its seed is a secret too.
  const ops = await api.create('/api/users', { username: 'ops', password: 'ops-password-1', role: 'admin' });
  const opsClient = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  expect(await opsClient.login('ops', 'ops-password-1')).toBe(200);
  totpSeed = (await opsClient.json('POST', '/api/auth/totp')).body.secret as string;
  ids = { cluster: cluster.id, server: s.id, alice: alice.id, bob: bob.id, trunk: trunk.id, room: room.id, ops: ops.id };
}, 120_000);

afterAll(async () => {
  await shutdown().catch(() => undefined);
  await db?.drop();
});

describe('secrets at rest', () => {
  it('stores every secret column sealed; the API only says that it is set', async () => {
    const rows = {
      servers: await raw('servers', ids.server, Object.keys(PLAIN.servers)),
      extensions: await raw('extensions', ids.alice, Object.keys(PLAIN.extensions)),
      trunks: await raw('trunks', ids.trunk, Object.keys(PLAIN.trunks)),
    };
    for (const [table, cols] of Object.entries(PLAIN)) {
      for (const [col, plain] of Object.entries(cols)) {
        const stored = (rows as Record<string, Record<string, string | null>>)[table]![col]!;
        expect(stored, `${table}.${col}`).toMatch(SEALED);
        expect(stored).not.toContain(plain.slice(0, 6));
        expect(acm.secrets.open(stored)).toBe(plain);
      }
    }
    expect((await raw('extensions', ids.bob, ['md5secret'])).md5secret).toMatch(SEALED);
    // Plugin secrets too: the conference PINs.
    const pins = await raw('conference_rooms', ids.room, ['user_pin', 'admin_pin']);
    expect([pins.user_pin, pins.admin_pin]).toEqual([expect.stringMatching(SEALED), expect.stringMatching(SEALED)]);
    expect([acm.secrets.open(pins.user_pin!), acm.secrets.open(pins.admin_pin!)]).toEqual(['48213957', '90817263']);
    const totp = (await raw('users', ids.ops, ['totp_secret'])).totp_secret!;
    expect(totp).toMatch(SEALED);
    expect(acm.secrets.open(totp)).toBe(totpSeed);
    const shown = (await api.json('GET', `/api/servers/${ids.server}`)).body;
    expect(shown).toMatchObject({ amiSecretSet: true, sshPasswordSet: true, sshPrivateKeySet: true, ariPasswordSet: true });
    expect(JSON.stringify(shown)).not.toContain('enc:v1');
    expect(shown).not.toHaveProperty('amiSecret');
  });

  it('hands plaintext to every reader: entities, the commit snapshot and the rendered files', async () => {
    const em = acm.orm.em.fork();
    const s = await em.findOneOrFail(ServerSchema, { id: ids.server });
    expect([s.sshPassword, s.sshPrivateKey, s.amiSecret, s.ariPassword]).toEqual(Object.values(PLAIN.servers));
    expect((await em.findOneOrFail(TrunkSchema, { id: ids.trunk })).secret).toBe(PLAIN.trunks.secret);
    const snap = await loadSnapshot(acm.orm.em.fork(), ids.cluster);
    expect(snap.servers[0]!.amiSecret).toBe(PLAIN.servers.ami_secret);
    const files = Object.fromEntries(renderCluster(snap).map((f) => [f.name, f.content]));
    expect(files['acm/pjsip.acm.conf']).toContain(`password = ${PLAIN.extensions.secret}`);
    expect(files['acm/pjsip.acm.conf']).toContain(`md5_cred = ${'f'.repeat(32)}`);
    expect(files['acm/pjsip.acm.conf']).toContain(`password = ${PLAIN.trunks.secret}`);
    expect(files['acm/voicemail.acm.conf']).toMatch(new RegExp(`^6101 => ${PLAIN.extensions.vm_secret},Alice$`, 'm'));
    // With the plugins' files: the conference dialplan compares the caller's digits with the PINs.
    const prepared = await acm.commits.prepare(ids.cluster, true);
    if (!('files' in prepared)) expect.fail(JSON.stringify(prepared.problems));
    const all = prepared.files!.map((f) => f.content).join('\n');
    expect(all).toContain('"${ACM_CONF_PIN}" = "90817263"');
    expect(all).toContain('"${ACM_CONF_PIN}" = "48213957"');
    expect(all).not.toContain('enc:v1');
  });

  it('a write leaves the secrets it does not name as stored, and seals the one it names', async () => {
    const before = await raw('servers', ids.server, Object.keys(PLAIN.servers));
    expect((await api.json('PUT', `/api/servers/${ids.server}`, { role: 'primary' })).status).toBe(200);
    expect(await raw('servers', ids.server, Object.keys(PLAIN.servers))).toEqual(before);
    expect((await api.json('PUT', `/api/servers/${ids.server}`, { amiSecret: 'ami-Secret-2' })).status).toBe(200);
    const after = await raw('servers', ids.server, Object.keys(PLAIN.servers));
    expect(after.ami_secret).toMatch(SEALED);
    expect(acm.secrets.open(after.ami_secret!)).toBe('ami-Secret-2');
    expect({ ...after, ami_secret: before.ami_secret }).toEqual(before);
    expect((await api.json('PUT', `/api/servers/${ids.server}`, { amiSecret: PLAIN.servers.ami_secret })).status).toBe(200);
  });

  it('reads legacy plaintext rows as they are, and seals them at the next start', async () => {
    await knex()('trunks').update({ secret: 'legacy-trunk-pw' }).where({ id: ids.trunk });
    expect((await acm.orm.em.fork().findOneOrFail(TrunkSchema, { id: ids.trunk })).secret).toBe('legacy-trunk-pw');
    expect((await secretCensus(acm.orm)).plaintext).toBe(1);
    await shutdown();
    await boot();
    const stored = (await raw('trunks', ids.trunk, ['secret'])).secret!;
    expect(stored).toMatch(SEALED);
    expect(acm.secrets.open(stored)).toBe('legacy-trunk-pw');
    expect((await secretCensus(acm.orm)).plaintext).toBe(0);
    await acm.orm.em.fork().nativeUpdate(TrunkSchema, { id: ids.trunk }, { secret: PLAIN.trunks.secret });
    expect(acm.secrets.open((await raw('trunks', ids.trunk, ['secret'])).secret!)).toBe(PLAIN.trunks.secret);
  });

  it('status counts the values per key; rotate seals every value under a new key, old ones opening until then', async () => {
    const first = acm.secrets.current.id;
    const total = 4 + 2 + 1 + 1 + 2 + 1;
    expect(JSON.parse(await cli('status', '--json'))).toMatchObject({ source: join(db.dataDir, KEY_FILE), keys: [{ id: first, state: 'current', values: total }], plaintext: 0 });
    // A second key in the ring (as after a rotation elsewhere): old values still open, new writes use it.
    const second = newSecretKey();
    acm.secrets.use(second);
    expect((await acm.orm.em.fork().findOneOrFail(ServerSchema, { id: ids.server })).amiSecret).toBe(PLAIN.servers.ami_secret);
    expect((await api.json('PUT', `/api/extensions/${ids.alice}`, { secret: 'Alice-sip-pw-2' })).status).toBe(200);
    expect(sealedKeyId((await raw('extensions', ids.alice, ['secret'])).secret!)).toBe(second.id);
    expect((await secretCensus(acm.orm)).byKey).toEqual({ [first]: total - 1, [second.id]: 1 });

    const text = await cli('rotate');
    const third = acm.secrets.current.id;
    expect(third).not.toBe(first);
    expect(text).toContain(`new key ${third} in ${join(db.dataDir, KEY_FILE)}`);
    expect(text).toMatch(new RegExp(`sealed ${total} value\\(s\\) again: .*servers\\.ami_secret 1`));
    expect((await secretCensus(acm.orm)).byKey).toEqual({ [third]: total });
    const file = JSON.parse(readFileSync(join(db.dataDir, KEY_FILE), 'utf8')) as { keys: { id: string }[] };
    expect(file.keys.map((k) => k.id)).toEqual([first, second.id, third]);
    for (const [col, plain] of Object.entries(PLAIN.servers)) expect(acm.secrets.open((await raw('servers', ids.server, [col]))[col]!)).toBe(plain);
    expect((await acm.orm.em.fork().findOneOrFail(ExtensionSchema, { id: ids.alice })).secret).toBe('Alice-sip-pw-2');

    const dropped = await cli('rotate', '--drop-old');
    const fourth = acm.secrets.current.id;
    expect(dropped).toMatch(new RegExp(`retired key\\(s\\) ${first}, ${second.id}, ${third}: moved to .*secret\\.key\\.retired-`));
    const retired = readdirSync(db.dataDir).filter((f) => f.startsWith(`${KEY_FILE}.retired-`));
    expect(retired).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(db.dataDir, KEY_FILE), 'utf8')).keys.map((k: { id: string }) => k.id)).toEqual([fourth]);
    // The restarted instance reads everything with the one key left.
    await shutdown();
    await boot();
    expect(acm.secrets.list().map((k) => k.id)).toEqual([fourth]);
    const s = await acm.orm.em.fork().findOneOrFail(ServerSchema, { id: ids.server });
    expect([s.sshPassword, s.sshPrivateKey, s.amiSecret, s.ariPassword]).toEqual(Object.values(PLAIN.servers));
    expect(JSON.parse(await cli('status', '--json')).keys).toEqual([{ id: fourth, createdAt: expect.any(String), state: 'current', values: total }]);
  }, 60_000);

  it('a wrong or missing key stops the start with a clear error naming the key, never garbage', async () => {
    const key = acm.secrets.current.id;
    const other = Keyring.generate();
    expect(keyStatus(other, await secretCensus(acm.orm))).toEqual([
      { id: other.current.id, createdAt: expect.any(String), state: 'current', values: 0 }, { id: key, createdAt: null, state: 'missing', values: 11 },
    ]);
    await shutdown();
    const refused = new RegExp(`stored secrets are sealed \\(11 with key ${key}\\) by a key that is not in the keyring \\((ACM_SECRET_KEY|.*secret\\.key) has (?!${key})[0-9a-f]{12}\\)`);
    await expect(boot({ secretKeys: randomBytes(32).toString('base64') })).rejects.toThrow(refused);
    // The key file gone: a new one is made, and the start refuses likewise.
    const file = join(db.dataDir, KEY_FILE);
    renameSync(file, `${file}.moved`);
    await expect(boot()).rejects.toThrow(refused);
    const bin = resolve(import.meta.dirname, '..', 'bin', 'acm.mjs');
    const env = { ...process.env, ACM_DATA_DIR: db.dataDir, ...(db.dbUrl ? { ACM_DB_URL: db.dbUrl } : {}), ACM_LOG_LEVEL: 'warn' };
    const failed = await run(process.execPath, [bin, 'secrets', 'status'], { env }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^error: stored secrets are sealed \(11 with key/m);
    renameSync(`${file}.moved`, file);
    // The right key again: nothing was lost, and the command line shows the counts.
    const { stdout } = await run(process.execPath, [bin, 'secrets', 'status'], { env });
    expect(stdout).toContain(`keyring: ${file}`);
    expect(stdout).toMatch(new RegExp(`^${key}\\s+\\S+\\s+current\\s+11$`, 'm'));
    expect(stdout).toContain('0 value(s) in plaintext');
    await boot();
    expect((await acm.orm.em.fork().findOneOrFail(ServerSchema, { id: ids.server })).amiSecret).toBe(PLAIN.servers.ami_secret);
  }, 90_000);
});

describe('a database from before encryption', () => {
  it('is widened by the migration, and its plaintext secrets are sealed at the first start', async () => {
    const old = await testDatabase();
    try {
      const orm = await MikroORM.init(ormOptions({ url: old.dbUrl, dataDir: old.dataDir }));
      await orm.getMigrator().up({ to: 'Migration20261123083100_revisions' });
      const em = orm.em.fork();
      const at = { createdAt: new Date(), updatedAt: new Date() };
      const t = em.create(TenantSchema, { name: 'default', ...at });
      await em.flush();
      const s = em.create(SiteSchema, { tenantId: t.id, name: 'tpa', ...at });
      await em.flush();
      const c = em.create(ClusterSchema, { tenantId: t.id, siteId: s.id, name: 'tpa1', ...at });
      await em.flush();
      const srv = em.create(ServerSchema, { tenantId: t.id, siteId: s.id, clusterId: c.id, name: 'ast1', host: '10.0.0.1', sshPort: 22, amiPort: 5038, enabled: true, ...at });
      const ext = em.create(ExtensionSchema, { tenantId: t.id, siteId: s.id, clusterId: c.id, name: 'Alice', extension: '6101', ...at });
      await em.flush();
      // Values as wide as the old columns allowed: sealed, they no longer fit in them.
      const longAmi = 'A'.repeat(255);
      const longSip = 'ß'.repeat(80);
      const k = (orm.em as unknown as SqlEntityManager).getKnex();
      await k('servers').update({ ami_secret: longAmi, ssh_password: 'old-ssh-pw' }).where({ id: srv.id });
      await k('extensions').update({ secret: longSip, vm_secret: '1234567890123456789012' }).where({ id: ext.id });
      await orm.close(true);

      const upgraded = await createAcm({ dbUrl: old.dbUrl, dataDir: old.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false, logger: pino({ level: 'silent' }) });
      try {
        const uk = (upgraded.orm.em as unknown as SqlEntityManager).getKnex();
        const server = (await uk('servers').select('ami_secret', 'ssh_password').where({ id: srv.id }))[0] as Record<string, string>;
        const extension = (await uk('extensions').select('secret', 'vm_secret').where({ id: ext.id }))[0] as Record<string, string>;
        for (const v of [...Object.values(server), ...Object.values(extension)]) expect(v).toMatch(SEALED);
        expect(server.ami_secret!.length).toBeGreaterThan(255);
        expect([upgraded.secrets.open(server.ami_secret!), upgraded.secrets.open(extension.secret!), upgraded.secrets.open(extension.vm_secret!)]).toEqual([longAmi, longSip, '1234567890123456789012']);
        const e = await upgraded.orm.em.fork().findOneOrFail(ExtensionSchema, { id: ext.id });
        expect(e.secret).toBe(longSip);
      } finally {
        await upgraded.close();
      }
    } finally {
      await old.drop();
    }
  }, 60_000);
});
