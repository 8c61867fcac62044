import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { createAcm, ROOT_DIR, type Acm, type AcmOptions } from '../../core/app.ts';
import { createHttpApp, listen } from '../../core/http/server.ts';
import { attachEvents } from '../../core/http/events.ts';
import { generateLicenseKeys, issueLicense } from '../../core/licensing/license.ts';

export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests';

/**
 * A database for one test: SQLite in a temp directory, or a fresh MariaDB/MySQL database when
 * ACM_TEST_MYSQL (a server URL) is set — CI runs every suite both ways.
 */
export async function testDatabase(): Promise<{ dbUrl?: string; dataDir: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acm-test-'));
  const server = process.env.ACM_TEST_MYSQL;
  if (!server) return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const mysql = await import('mysql2/promise');
  const url = new URL(server);
  const name = `acm_t_${randomBytes(6).toString('hex')}`;
  const conn = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  url.pathname = `/${name}`;
  return {
    dbUrl: url.toString(), dataDir,
    async drop() {
      const c = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestClient {
  /** fetch relative to the server, keeping the session cookie like a browser. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  login(username: string, password: string, totp?: string): Promise<number>;
}

export interface TestKernel {
  acm: Acm;
  url: string;
  server: Server;
  /** A client logged in as `admin`. */
  admin: TestClient;
  client(): TestClient;
  stop(): Promise<void>;
}

export function httpClient(url: string): TestClient {
  let cookie = '';
  const c: TestClient = {
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (cookie) headers.set('cookie', cookie);
      const res = await fetch(url + path, { ...init, headers });
      const set = res.headers.get('set-cookie');
      if (set) cookie = set.split(';')[0]!;
      return res;
    },
    async json(method, path, body) {
      const res = await c.fetch(path, {
        method, headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    async login(username, password, totp) {
      return (await c.json('POST', '/api/auth/login', { username, password, ...(totp ? { totp } : {}) })).status;
    },
  };
  return c;
}

export interface TestKernelOptions extends AcmOptions {
  /** Install a signed full license (all features) instead of the 30-day evaluation, e.g. past its 100 extensions. */
  fullLicense?: { maxExtensions?: number | null };
}

/**
 * Boots acm with its real database, plugins and HTTP API on a free loopback port — the harness
 * for core tests and for plugin authors' own tests.
 */
export async function startTestKernel(opts: TestKernelOptions = {}): Promise<TestKernel> {
  const db = await testDatabase();
  const { fullLicense, ...acmOpts } = opts;
  const keys = fullLicense ? generateLicenseKeys() : undefined;
  const acm = await createAcm({
    dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false,
    logger: pino({ level: process.env.ACM_TEST_LOG ?? 'silent' }), ...acmOpts,
    licenseKeys: [...(acmOpts.licenseKeys ?? []), ...(keys ? [keys.publicKeyPem] : [])],
  }).catch(async (err) => { await db.drop(); throw err; });
  if (keys && fullLicense) {
    await acm.license.install(acm.orm.em.fork(), issueLicense(keys.privateKeyPem, {
      id: 'test', customer: 'tests', type: 'full', features: ['*'], maxExtensions: fullLicense.maxExtensions ?? null,
      issuedAt: new Date().toISOString(), expiresAt: null,
    }));
  }
  const server = await listen(createHttpApp(acm), 0, '127.0.0.1');
  attachEvents(server, acm);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = httpClient(url);
  const status = await admin.login('admin', TEST_ADMIN_PASSWORD);
  if (status !== 200) throw new Error(`admin login failed: ${status}`);
  return {
    acm, url, server, admin,
    client: () => httpClient(url),
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await acm.close();
      await db.drop();
    },
  };
}

/**
 * A kernel on a throw-away project root: stubs re-exporting the named real plugins and a
 * site.yaml of the test's own (settings such as notification targets); removeRoot() deletes it.
 */
export async function startSiteKernel(plugins: string[], siteYaml: string, opts: TestKernelOptions = {}): Promise<TestKernel & { removeRoot(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'acm-site-root-'));
  mkdirSync(join(dir, 'sites', 'test', 'modules'), { recursive: true });
  for (const p of plugins) {
    const real = join(ROOT_DIR, 'plugins', p);
    mkdirSync(join(dir, 'plugins', p), { recursive: true });
    writeFileSync(join(dir, 'plugins', p, 'manifest.ts'), `export { manifest } from ${JSON.stringify(join(real, 'manifest.ts'))};\n`);
    writeFileSync(join(dir, 'plugins', p, 'index.ts'), `export { default } from ${JSON.stringify(join(real, 'index.ts'))};\n`);
  }
  writeFileSync(join(dir, 'sites', 'test', 'site.yaml'), siteYaml);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    return Object.assign(await startTestKernel({ rootDir: dir, site: 'test', ...opts }), { removeRoot: remove });
  } catch (e) {
    remove();
    throw e;
  }
}
