import { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { stringify as stringifyYaml } from 'yaml';
import { createAcm, ROOT_DIR, type Acm, type AcmOptions } from '../../core/app.ts';
import { createHttpApp, listen } from '../../core/http/server.ts';
import { attachEvents } from '../../core/http/events.ts';
import { generateLicenseKeys, issueLicense } from '../../core/licensing/license.ts';
import { cliOperator } from '../../core/cli/operator.ts';
import type { ServiceRef } from '../refs.ts';
import type { CliContext } from '../plugin.ts';

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
  /** POSTs `body` to `path` and answers the created object; anything but 201 throws, naming the answer. */
  create<T = Record<string, any>>(path: string, body: unknown): Promise<T>;
}

export interface TestKernel {
  acm: Acm;
  url: string;
  server: Server;
  /** A client logged in as `admin`. */
  admin: TestClient;
  client(): TestClient;
  /** Stops acm and starts it again on the same database and data directory (new port, new admin session). */
  restart(): Promise<void>;
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
    async create(path, body) {
      const res = await c.json('POST', path, body);
      if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
  return c;
}

/** A plugin or site module for a test kernel: its id (a folder of this repository), or the id with settings. */
export type TestPlugin = string | {
  id: string;
  /** Its `settings:` in the generated site.yaml. */
  settings?: unknown;
  /** Installed but disabled when false (default true). */
  enabled?: boolean;
  /** Its folder, when it is not plugins/<id> (or, for a module, sites/<any site>/modules/<id>). */
  dir?: string;
};

/** One service bound over the core's (AMI, SSH, model, notifier) or added, for plugins to inject. */
export interface ServiceBinding<T> { ref: ServiceRef<T>; impl: T }

/** What `acm <plugin-id> …` hands a plugin's commands (the core's console operator), to run them in a test. */
export function cliContext(): CliContext {
  return { operator: cliOperator() };
}

/**
 * Runs `acm <pluginId> …args` in the test's kernel, as the console operator, and answers what
 * the command printed (console.log lines joined with newlines); a failing command rejects.
 */
export async function runPluginCli(k: TestKernel, pluginId: string, ...args: string[]): Promise<string> {
  const out: string[] = [];
  const orig = console.log;
  console.log = (line: string) => out.push(line);
  try {
    const group = new Command(pluginId).exitOverride();
    for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === pluginId)) r.register(group, cliContext());
    await group.parseAsync(args, { from: 'user' });
  } finally {
    console.log = orig;
  }
  return out.join('\n');
}

/** Pairs a service ref with a test's implementation, type-checked against the ref. */
export function provide<T>(ref: ServiceRef<T>, impl: T): ServiceBinding<T> {
  return { ref, impl };
}

export interface TestKernelOptions extends Omit<AcmOptions, 'services'> {
  /** Install a signed full license (all features) instead of the 30-day evaluation, e.g. past its 100 extensions. */
  fullLicense?: { maxExtensions?: number | null };
  /**
   * Only these plugins (and `modules`), enabled, in a project root the kit builds and removes:
   * `plugins: []` is the bare core. Left out, the kernel loads this repository with the demo site.
   */
  plugins?: TestPlugin[];
  /** Site modules, as for `plugins`, looked up under sites/<any site>/modules/. */
  modules?: TestPlugin[];
  services?: ServiceBinding<any>[];
}

/**
 * Boots acm with its real database, plugins and HTTP API on a free loopback port — the harness
 * for core tests and for plugin authors' own tests.
 */
export async function startTestKernel(opts: TestKernelOptions = {}): Promise<TestKernel> {
  const { fullLicense, plugins, modules, services, ...acmOpts } = opts;
  if ((plugins || modules) && (acmOpts.rootDir || acmOpts.site)) throw new Error('startTestKernel: give plugins/modules or rootDir/site, not both');
  const root = plugins || modules ? testRoot(plugins ?? [], modules ?? []) : undefined;
  const db = await testDatabase();
  const cleanup = async () => { await db.drop(); root?.remove(); };
  const keys = fullLicense ? generateLicenseKeys() : undefined;
  const boot = async () => {
    const acm = await createAcm({
      dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false,
      logger: pino({ level: process.env.ACM_TEST_LOG ?? 'silent' }), ...(root ? { rootDir: root.dir, site: root.site } : {}), ...acmOpts,
      licenseKeys: [...(acmOpts.licenseKeys ?? []), ...(keys ? [keys.publicKeyPem] : [])],
      services: Object.fromEntries((services ?? []).map((b) => [b.ref.id, b.impl])),
    });
    const server = await listen(createHttpApp(acm), 0, '127.0.0.1');
    attachEvents(server, acm);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const admin = httpClient(url);
    const status = await admin.login('admin', TEST_ADMIN_PASSWORD);
    if (status !== 200) throw new Error(`admin login failed: ${status}`);
    return { acm, server, url, admin };
  };
  const halt = async ({ server, acm }: { server: Server; acm: Acm }) => {
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await acm.close();
  };
  const first = await boot().catch(async (err) => { await cleanup(); throw err; });
  if (keys && fullLicense) {
    await first.acm.license.install(first.acm.orm.em.fork(), issueLicense(keys.privateKeyPem, {
      id: 'test', customer: 'tests', type: 'full', features: ['*'], maxExtensions: fullLicense.maxExtensions ?? null,
      issuedAt: new Date().toISOString(), expiresAt: null,
    }));
  }
  const k: TestKernel = {
    ...first,
    client: () => httpClient(k.url),
    async restart() {
      await halt(k);
      Object.assign(k, await boot());
    },
    async stop() {
      await halt(k);
      await cleanup();
    },
  };
  return k;
}

const entry = (p: TestPlugin) => (typeof p === 'string' ? { id: p } : p);

/** The real folder of a site module: sites/<site>/modules/<id> in exactly one site. */
function moduleDir(id: string): string {
  const sites = join(ROOT_DIR, 'sites');
  const found = readdirSync(sites).map((s) => join(sites, s, 'modules', id)).filter((d) => existsSync(join(d, 'manifest.ts')));
  if (found.length !== 1) throw new Error(`site module "${id}": found in ${found.length} sites; give its dir`);
  return found[0]!;
}

/**
 * A throw-away project root holding only the named plugins and modules (nothing else in the
 * tree is loaded) and a site.yaml enabling them.
 */
function testRoot(plugins: TestPlugin[], modules: TestPlugin[]): { dir: string; site: string; remove(): void } {
  const site = 'test';
  const dir = mkdtempSync(join(tmpdir(), 'acm-test-root-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    mkdirSync(join(dir, 'plugins'));
    mkdirSync(join(dir, 'sites', site, 'modules'), { recursive: true });
    const enabled: Record<string, { enabled: boolean; settings?: unknown }> = {};
    const add = (p: TestPlugin, real: (id: string) => string, into: string) => {
      const e = entry(p);
      const target = e.dir ?? real(e.id);
      if (!existsSync(join(target, 'manifest.ts'))) throw new Error(`test plugin "${e.id}": no manifest.ts in ${target}`);
      // Stubs re-exporting the real files by absolute path (a link to the folder would load them
      // under a second path, where their relative imports of the SDK do not resolve); ui/ is linked.
      const at = join(into, e.id);
      mkdirSync(at);
      for (const [file, name] of [['manifest.ts', '{ manifest }'], ['index.ts', '{ default }']] as const) {
        writeFileSync(join(at, file), `export ${name} from ${JSON.stringify(join(target, file))};\n`);
      }
      if (existsSync(join(target, 'ui'))) symlinkSync(join(target, 'ui'), join(at, 'ui'), 'dir');
      enabled[e.id] = { enabled: e.enabled ?? true, ...(e.settings === undefined ? {} : { settings: e.settings }) };
    };
    for (const p of plugins) add(p, (id) => join(ROOT_DIR, 'plugins', id), join(dir, 'plugins'));
    for (const m of modules) add(m, moduleDir, join(dir, 'sites', site, 'modules'));
    writeFileSync(join(dir, 'sites', site, 'site.yaml'), stringifyYaml({ name: site, plugins: enabled }));
    return { dir, site, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
