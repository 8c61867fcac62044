import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import pino, { type Logger } from 'pino';
import { openDatabase } from './model/orm.ts';
import { PluginStateSchema, TenantSchema, UserSchema } from './model/entities.ts';
import { Licensing, parsePublicKeys } from './licensing/license.ts';
import { DbAuditService } from './audit.ts';
import { AuthService, defaultAuthOptions, type AuthOptions } from './auth/auth-service.ts';
import { CrudService } from './model/crud-service.ts';
import { discoverPlugins, loadDefinition, readSiteConfig, siteEntry, type DiscoveredPlugin } from './kernel/discovery.ts';
import type { PluginDefinition } from '../sdk/plugin.ts';
import { Kernel } from './kernel/kernel.ts';
import { orderByDependencies } from './kernel/order.ts';
import { MemoryBus } from './bus/memory-bus.ts';
import { MODEL_CHANGED_SUBJECT } from './bus/subjects.ts';
import { VENDOR_LICENSE_PUBLIC_KEY } from './licensing/vendor-key.ts';
import { AsteriskConnections, defaultConnectionOptions, type ConnectionOptions } from './asterisk/connections.ts';
import { AriConnections, defaultAriConnectionOptions, type AriConnectionOptions } from './asterisk/ari-service.ts';
import { LiveState } from './live/live-state.ts';
import { amiService, modelService, sshService } from './services/plugin-services.ts';
import { createNotifier, notifierSettingsFromEnv, type NotifierSettings } from './services/notifier.ts';
import { Outbox, type OutboxPolicy } from './services/outbox.ts';
import { PluginBound } from './kernel/plugin-bound.ts';
import { coreServices, type NotifierService } from '../sdk/core-services.ts';
import { commitValidators, extensionContexts, extensionDialHooks } from '../sdk/commit.ts';
import { ConfigFileRegistry } from './commit/files.ts';
import { CommitService } from './commit/commit-service.ts';
import { loadKeyring } from './crypto/keyring-file.ts';
import { prepareSecrets } from './crypto/reseal.ts';
import type { Keyring } from './crypto/secret-box.ts';

export const ACM_VERSION = '0.1.0';
export const ROOT_DIR = resolve(import.meta.dirname, '..');

export interface AcmOptions {
  rootDir?: string;
  site?: string;
  dbUrl?: string;
  dataDir?: string;
  sqliteFile?: string;
  /** PEM public keys trusted for license signatures, besides the vendor's. */
  licenseKeys?: string[];
  adminPassword?: string;
  logger?: Logger;
  now?: () => Date;
  auth?: Partial<AuthOptions>;
  /** Connect to the Asterisk servers (default true; tests without servers turn it off). */
  connectServers?: boolean;
  connection?: Partial<ConnectionOptions>;
  /** ARI events sockets and REST timeouts (coreServices.ari). */
  ari?: Partial<AriConnectionOptions>;
  /** Runs after the database is ready and before servers are connected (the demo seeds here). */
  beforeConnect?: (acm: Acm) => Promise<void>;
  /** Print the generated admin password (first start only). */
  onAdminCreated?: (username: string, password: string, generated: boolean) => void;
  /** The notifier's transports (default: from the environment, ACM_SMTP_URL and friends). */
  notifier?: NotifierSettings;
  /** The outbox's retry policy and job interval (tests shorten them). */
  outbox?: Partial<OutboxPolicy>;
  /** Secret keys as in ACM_SECRET_KEY (default: that variable, else <dataDir>/secret.key). */
  secretKeys?: string;
  /** Services by ref id bound over the core's own (tests hand plugins fakes here). */
  services?: Record<string, unknown>;
}

export interface Acm {
  orm: MikroORM;
  kernel: Kernel;
  license: Licensing;
  auth: AuthService;
  crud: CrudService;
  audit: DbAuditService;
  bus: MemoryBus;
  connections: AsteriskConnections;
  /** ARI of the servers with ARI credentials (coreServices.ari). */
  ari: AriConnections;
  live: LiveState;
  commits: CommitService;
  /** The notification outbox; `forOwner('core')` for the core's own notifications. */
  outbox: Outbox;
  /** Seals the secret columns (SSH/AMI/ARI passwords, SIP secrets, PINs); see core/crypto. */
  secrets: Keyring;
  logger: Logger;
  site: string;
  /** The project root the plugins were discovered in. */
  rootDir: string;
  close(): Promise<void>;
}

/** Trusted license keys: the vendor's, ACM_LICENSE_PUBLIC_KEYS, and *.pem in <data>/license-keys. */
function trustedKeys(opts: AcmOptions): string[] {
  const keys = [VENDOR_LICENSE_PUBLIC_KEY, ...(opts.licenseKeys ?? [])];
  if (process.env.ACM_LICENSE_PUBLIC_KEYS) keys.push(...process.env.ACM_LICENSE_PUBLIC_KEYS.split(/(?<=-----END PUBLIC KEY-----)/));
  const dir = join(resolve(opts.dataDir ?? './data'), 'license-keys');
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.pem')) keys.push(readFileSync(join(dir, f), 'utf8'));
  return keys;
}

/** The composition root: database, licensing, auth, plugins. Used by `acm serve`, the CLI and tests. */
export async function createAcm(opts: AcmOptions = {}): Promise<Acm> {
  const rootDir = opts.rootDir ?? ROOT_DIR;
  const site = opts.site ?? 'demo';
  const logger = opts.logger ?? pino({ level: process.env.ACM_LOG_LEVEL ?? 'info' });
  const siteConfig = readSiteConfig(rootDir, site);
  // A broken plugin the site does not enable is skipped with a warning; an enabled one stops start-up.
  const brokenUnlessEnabled = (dir: string, err: Error) => {
    if (siteEntry(siteConfig, basename(dir)).enabled) throw err;
    logger.warn({ plugin: basename(dir), err: err.message }, 'plugin skipped: it is broken and not enabled for this site');
  };
  const discovered = await discoverPlugins(rootDir, site, brokenUnlessEnabled);
  const plugins: { discovered: DiscoveredPlugin; definition: PluginDefinition }[] = [];
  for (const d of discovered) {
    try {
      plugins.push({ discovered: d, definition: await loadDefinition(d) });
    } catch (err) {
      brokenUnlessEnabled(d.dir, err as Error);
    }
  }
  // Plugin tables are created in dependency order whether or not the plugin is enabled, so that
  // enabling one later needs no restart; a disabled plugin never reads or writes them.
  let migrationOrder = plugins;
  try {
    migrationOrder = orderByDependencies(plugins.map((p) => ({ id: p.discovered.manifest.id, requires: p.discovered.manifest.requires.plugins, p }))).map((n) => n.p);
  } catch { /* a broken dependency is reported by the kernel when the plugin is enabled */ }
  const secrets = loadKeyring({ dataDir: opts.dataDir, envKeys: opts.secretKeys ?? process.env.ACM_SECRET_KEY });
  const orm = await openDatabase({
    url: opts.dbUrl, dataDir: opts.dataDir, sqliteFile: opts.sqliteFile, secrets,
    entities: migrationOrder.flatMap((p) => p.definition.entities ?? []),
    migrations: {
      sqlite: migrationOrder.flatMap((p) => p.definition.migrations?.sqlite ?? []),
      mysql: migrationOrder.flatMap((p) => p.definition.migrations?.mysql ?? []),
    },
  });
  try {
    // A keyring that cannot open what is stored stops the start; plaintext from before encryption is sealed.
    const sealed = await prepareSecrets(orm, secrets);
    if (sealed.resealed) logger.info({ columns: sealed.columns }, `sealed ${sealed.resealed} plaintext secrets with key ${secrets.current.id}`);
    const now = opts.now ?? (() => new Date());
    const notifier = createNotifier(opts.notifier ?? notifierSettingsFromEnv(process.env));
    const license = new Licensing(parsePublicKeys(trustedKeys(opts)), now);
    await license.load(orm.em.fork());
    const audit = new DbAuditService(orm);
    const auth = new AuthService(audit, { ...defaultAuthOptions, ...opts.auth });
    await firstStart(orm, auth, opts);
    const em = orm.em.fork();
    const states = await em.find(PluginStateSchema, { site });
    const bus = new MemoryBus();
    const connections = new AsteriskConnections(orm, bus, logger, { ...defaultConnectionOptions, ...opts.connection });
    const ari = new AriConnections(orm, logger, { ...defaultAriConnectionOptions, ...opts.ari });
    const live = new LiveState(orm, bus, logger);
    const files = new ConfigFileRegistry();
    const crud = new CrudService(orm, license, (m) => bus.publish(MODEL_CHANGED_SUBJECT, m),
      (res, err) => logger.warn({ err: (err as Error).message, resource: res.changeEntity }, 'after-write hook failed'));
    // Sends for the core and the started plugins only: a disabled plugin's transports are not known.
    // Through the notifier plugins get (a test's fake one too).
    const outbox: Outbox = new Outbox({
      orm, logger, policy: opts.outbox, notifier: (opts.services?.[coreServices.notifier.id] as NotifierService | undefined) ?? notifier,
      activeOwners: (): string[] => ['core', ...kernel.list().filter((p) => p.started).map((p) => p.id)],
    });
    const kernel: Kernel = new Kernel({
      site, siteConfig, orm, bus, logger, license, audit, files, crud, plugins, version: ACM_VERSION,
      services: {
        [coreServices.ami.id]: amiService(bus, connections),
        [coreServices.ari.id]: ari.service(),
        [coreServices.ssh.id]: sshService(orm),
        [coreServices.model.id]: modelService(orm),
        [coreServices.notifier.id]: notifier,
        [coreServices.outbox.id]: new PluginBound((id) => outbox.forOwner(id)),
        ...opts.services,
      },
      savedStates: new Map(states.map((s) => [s.pluginId, s.enabled])),
      async saveState(pluginId, enabled) {
        const em2 = orm.em.fork();
        const row = await em2.findOne(PluginStateSchema, { site, pluginId });
        if (row) row.enabled = enabled;
        else em2.create(PluginStateSchema, { site, pluginId, enabled, updatedAt: new Date() });
        await em2.flush();
      },
    });
    await kernel.start();
    await outbox.start();
    // Servers and extensions added or changed through acm are followed at once (after a short
    // pause, so a batch of writes costs one refresh).
    let refresh: NodeJS.Timeout | undefined;
    const modelChanged = (entity: string) => {
      if (!['server', 'cluster', 'extension'].includes(entity)) return;
      clearTimeout(refresh);
      refresh = setTimeout(() => {
        void live.reload().catch((err: Error) => logger.warn({ err: err.message }, 'live state reload failed'));
        if (opts.connectServers !== false) void connections.sync().catch((err: Error) => logger.warn({ err: err.message }, 'server connections sync failed'));
        if (opts.connectServers !== false) void ari.sync().catch((err: Error) => logger.warn({ err: err.message }, 'ARI connections sync failed'));
      }, 200);
      refresh.unref();
    };
    bus.subscribe<{ entity: string }>(MODEL_CHANGED_SUBJECT, (m) => modelChanged(m.data.entity));
    files.useDialHooks(() => kernel.registrations(extensionDialHooks));
    files.useContextHooks(() => kernel.registrations(extensionContexts));
    const commits = new CommitService(orm, files, () => kernel.registrations(commitValidators), connections, bus, logger);
    const acm: Acm = {
      orm, kernel, license, auth, crud, audit, bus, connections, ari, live, commits, outbox, secrets, logger, site, rootDir,
      async close() {
        clearTimeout(refresh);
        await connections.stop();
        await ari.stop();
        await live.stop();
        await outbox.stop();
        await kernel.stop();
        await orm.close(true);
        // MikroORM reconnects lazily: a late query would reopen the pool and keep the process alive.
        orm.em.getConnection().ensureConnection = () => Promise.reject(new Error('acm is closed: no database queries after close'));
      },
    };
    await opts.beforeConnect?.(acm);
    await live.start();
    if (opts.connectServers !== false) {
      await connections.start();
      await ari.sync();
    }
    return acm;
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}

/** A new instance gets the default tenant and an `admin` user. */
async function firstStart(orm: MikroORM, auth: AuthService, opts: AcmOptions): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(TenantSchema)) === 0) {
    em.create(TenantSchema, { name: 'default', description: 'The enterprise', createdAt: new Date(), updatedAt: new Date() });
    await em.flush();
  }
  if ((await em.count(UserSchema)) === 0) {
    const given = opts.adminPassword ?? process.env.ACM_ADMIN_PASSWORD;
    const password = given ?? randomBytes(12).toString('base64url');
    await auth.createUser(em, { username: 'admin', password, role: 'admin', fullName: 'Administrator' });
    opts.onAdminCreated?.('admin', password, given === undefined);
  }
}
