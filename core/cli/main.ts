import { Command, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { createAcm, ACM_VERSION, ROOT_DIR, type Acm } from '../app.ts';
import { discoverPlugins } from '../kernel/discovery.ts';
import { registerBatchCommands } from './batch-commands.ts';
import { registerServerCommands } from './server-commands.ts';
import { registerVerifyCommand } from './verify-command.ts';
import { registerSecretsCommands } from './secrets-commands.ts';
import { registerServeCommand } from './serve-command.ts';
import { UserInput } from '../auth/user-input.ts';
import { statusByCluster } from '../live/cluster-status.ts';
import { resources } from '../model/resources.ts';
import { parseInput } from '../model/crud-service.ts';
import { generateLicenseKeys, issueLicense, LicensePayloadSchema } from '../licensing/license.ts';
import { AcmError, NotFoundError, ValidationError } from '../../sdk/errors.ts';
import { cliOperator } from './operator.ts';
import { printObject, printRows } from './output.ts';
import { collect, registerResourceCommands } from './resource-commands.ts';
import { BROWSER_PATTERNS } from '../bus/subjects.ts';
import { ChangeSetEntrySchema, ClusterSchema, RevisionSchema, UserSchema } from '../model/entities.ts';
import { visibleClusterIds } from '../model/visible-clusters.ts';
import { includeStubs, revisionDiff } from '../commit/revision-views.ts';

/** Settings from the environment, documented in the README. */
function envOptions() {
  return {
    site: process.env.ACM_SITE ?? 'demo',
    dbUrl: process.env.ACM_DB_URL,
    dataDir: process.env.ACM_DATA_DIR ?? './data',
  };
}

const operator = cliOperator;

async function withAcm<T>(fn: (acm: Acm) => Promise<T>, quiet = true, connectServers = false): Promise<T> {
  const acm = await createAcm({
    ...envOptions(), connectServers,
    // Logs go to stderr so that --json output on stdout stays clean.
    logger: (await import('pino')).default({ level: quiet ? 'warn' : (process.env.ACM_LOG_LEVEL ?? 'info') }, (await import('pino')).default.destination(2)),
    onAdminCreated: (u, p, generated) => { if (generated) console.error(`Created user "${u}" with password: ${p}\n(shown once; change it with: acm users passwd ${u})`); },
  });
  try {
    return await fn(acm);
  } finally {
    await acm.close();
  }
}

async function clusterIdByName(acm: Acm, name: string): Promise<number> {
  const c = await acm.orm.em.fork().findOne(ClusterSchema, { name });
  if (!c) throw new NotFoundError(`no cluster "${name}"`);
  return c.id;
}

function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}

export function buildProgram(): Command {
  const program = new Command('acm').version(ACM_VERSION).description('Asterisk Cluster Manager').showHelpAfterError();

  registerServeCommand(program, envOptions);

  program.command('status').description('every cluster with its servers: connected, version, uptime')
    .option('--wait <seconds>', 'how long to wait for connections', '5').option('--json')
    .action((o: { wait: string; json?: boolean }) => withAcm(async (acm) => {
      await acm.connections.waitConnected(Number(o.wait) * 1000);
      const clusters = await statusByCluster(acm, operator());
      if (o.json) return printRows(clusters as unknown as Record<string, unknown>[], [], true);
      printRows(clusters.flatMap((c) => (c.servers.length ? c.servers : [undefined]).map((s) => ({
        cluster: c.name, server: s?.name ?? '(no servers)', host: s?.host, state: s ? (s.connected ? 'connected' : 'DOWN') : '',
        version: s?.version, uptime: s?.uptimeSeconds == null ? '' : formatDuration(s.uptimeSeconds), error: s?.lastError,
      }))), ['cluster', 'server', 'host', 'state', 'version', 'uptime', 'error'], false);
    }, true, true));

  program.command('sim').description('run a simulated Asterisk 20 (AMI, ARI, SFTP, SIP OPTIONS) for tests and demos')
    .option('--ami-port <port>', 'AMI port (0 = any free)', '5038').option('--ari-port <port>', 'ARI port', '8088')
    .option('--ssh-port <port>', 'SFTP port, -1 = off', '2222').option('--sip-port <port>', 'SIP UDP port, -1 = off', '-1')
    .option('--host <addr>', 'address to listen on', '127.0.0.1').option('--name <systemname>', 'Asterisk systemname', 'acm-sim')
    .option('--seed <n>', 'run the seeded call generator')
    .action(async (o: { amiPort: string; ariPort: string; sshPort: string; sipPort: string; host: string; name: string; seed?: string }) => {
      const { runSim } = await import('../../sdk/testing/sim/cli.ts');
      await runSim({
        amiPort: Number(o.amiPort), ariPort: Number(o.ariPort), sshPort: Number(o.sshPort), sipPort: Number(o.sipPort),
        host: o.host, systemName: o.name, generatorSeed: o.seed === undefined ? undefined : Number(o.seed), handleSignals: true,
      });
    });

  program.command('changes').description('changes waiting to be committed').option('--cluster <name>').option('--json')
    .action((o: { cluster?: string; json?: boolean }) => withAcm(async (acm) => {
      const clusterId = o.cluster ? await clusterIdByName(acm, o.cluster) : undefined;
      const ids = await visibleClusterIds(acm, operator(), clusterId);
      const rows = await acm.orm.em.fork().find(ChangeSetEntrySchema, { revisionId: null, $or: [{ clusterId: { $in: ids } }, ...(clusterId ? [] : [{ clusterId: null }])] } as never, { orderBy: { id: 'asc' } });
      printRows(rows.map((c) => ({ id: c.id, when: c.createdAt.toISOString(), who: c.username, what: `${c.action} ${c.entity} ${c.entityId}`, clusterId: c.clusterId })), ['id', 'when', 'who', 'what', 'clusterId'], !!o.json);
    }));

  program.command('commit').description('render, validate, push and reload the configuration of every cluster (or one)')
    .option('--cluster <name>').option('--dry-run', 'show what would change, push nothing')
    .option('--force', 'push every file and reload every module even if unchanged (repairs what acm verify shows)')
    .option('--wait <seconds>', 'wait for AMI connections', '10').option('--json')
    .action((o: { cluster?: string; dryRun?: boolean; force?: boolean; wait: string; json?: boolean }) => withAcm(async (acm) => {
      acm.license.assertWritable();
      const clusterId = o.cluster ? await clusterIdByName(acm, o.cluster) : undefined;
      if (!o.dryRun) await acm.connections.waitConnected(Number(o.wait) * 1000);
      const off = acm.bus.subscribe<{ clusterId: number; step: string; server?: string; module?: string }>(BROWSER_PATTERNS.commit, (m) => {
        if (!o.json) process.stderr.write(`  cluster ${m.data.clusterId}: ${m.data.step}${m.data.server ? ` ${m.data.server}` : ''}${m.data.module ? ` ${m.data.module}` : ''}\n`);
      });
      try {
        const ids = await visibleClusterIds(acm, operator(), clusterId);
        const revisions = await acm.commits.commit({ user: operator() }, ids, { dryRun: !!o.dryRun, allChanges: clusterId === undefined, force: !!o.force });
        await acm.audit.record({ action: o.dryRun ? 'commit.dry-run' : 'commit', target: 'cluster', targetId: o.cluster ?? 'all', username: operator().username, after: { revisions, ...(o.force ? { force: true } : {}) } });
        printRows(revisions.map((r) => ({ ...r, files: r.files.join(' ') })), ['cluster', 'status', 'id', 'files', 'error'], !!o.json);
        // In full, after the table (whose cells are cut at 40 characters); JSON has them in each revision.
        if (!o.json) for (const w of revisions.flatMap((r) => r.warnings ?? [])) console.log(`warning: ${w.field}: ${w.message}`);
        if (revisions.some((r) => r.status === 'failed')) process.exitCode = 1;
        // Loaded, but a transport change waits for an Asterisk restart: scripts must not read that as done.
        else if (revisions.some((r) => r.status === 'restart-required')) process.exitCode = 3;
      } finally {
        off();
      }
    }, true, true));

  program.command('includes').description('the #include lines each main config file of a cluster needs (core and plugin files)')
    .requiredOption('--cluster <name>')
    .action((o: { cluster: string }) => withAcm(async (acm) => {
      await clusterIdByName(acm, o.cluster);
      for (const stub of includeStubs(acm)) console.log(`# ${stub.file}\n${stub.content}`);
    }));

  program.command('revisions').description('committed revisions (the configuration backups)').option('--cluster <name>').option('--json')
    .action((o: { cluster?: string; json?: boolean }) => withAcm(async (acm) => {
      const ids = await visibleClusterIds(acm, operator(), o.cluster ? await clusterIdByName(acm, o.cluster) : undefined);
      const rows = await acm.orm.em.fork().find(RevisionSchema, { clusterId: { $in: ids } }, { orderBy: { id: 'desc' }, limit: 200 });
      printRows(rows.map((r) => ({ id: r.id, clusterId: r.clusterId, when: r.createdAt.toISOString(), author: r.author, status: r.status, changed: r.changed.join(' '), error: r.error, rollbackOf: r.rollbackOf })), ['id', 'clusterId', 'when', 'author', 'status', 'changed', 'rollbackOf', 'error'], !!o.json);
    }));

  program.command('diff <revision> [against]').description('unified diff of a revision against another (default: the one before it)')
    .action((rev: string, against?: string) => withAcm(async (acm) => {
      const em = acm.orm.em.fork();
      const r = await em.findOne(RevisionSchema, { id: Number(rev) });
      if (!r) throw new NotFoundError(`no revision ${rev}`);
      const otherId = against ? Number(against) : r.previousId;
      const other = otherId ? await em.findOne(RevisionSchema, { id: otherId }) : null;
      process.stdout.write(await revisionDiff(acm, r, other));
    }));

  program.command('rollback <revision>').description('commit an earlier revision again on every server of its cluster')
    .option('--wait <seconds>', 'wait for AMI connections', '10')
    .action((rev: string, o: { wait: string }) => withAcm(async (acm) => {
      acm.license.assertWritable();
      await acm.connections.waitConnected(Number(o.wait) * 1000);
      const outcome = await acm.commits.rollback({ user: operator() }, Number(rev));
      await acm.audit.record({ action: 'commit.rollback', target: 'revision', targetId: rev, username: operator().username, after: outcome });
      const { servers = [], ...result } = outcome;
      printObject(result as unknown as Record<string, unknown>, false);
      // What each server holds afterwards, file by file, as `acm verify` checks it.
      printRows(servers.flatMap((v) => v.files.map((f) => ({ server: v.server, status: v.status, file: f.name, sha256: f.actual ?? 'missing', ok: f.ok }))), ['server', 'status', 'file', 'sha256', 'ok'], false);
      if (outcome.status === 'failed') process.exitCode = 1;
    }, true, true));

  const db = program.command('db').description('database');
  db.command('migrate').description('apply pending migrations').action(() => withAcm(async (acm) => {
    const done = await acm.orm.getMigrator().getExecutedMigrations();
    console.log(`database is at ${done.length} migrations (${done.at(-1)?.name ?? 'none'})`);
  }));

  const users = program.command('users').description('user accounts');
  users.command('list').option('--json').action((o: { json?: boolean }) => withAcm(async (acm) => {
    const rows = await acm.orm.em.fork().find(UserSchema, {}, { orderBy: { username: 'asc' } });
    printRows(rows.map((u) => ({ id: u.id, username: u.username, role: u.role, tenantId: u.tenantId, scopes: u.scopes, enabled: u.enabled, totp: !!u.totpSecret })), ['id', 'username', 'role', 'tenantId', 'scopes', 'enabled', 'totp'], !!o.json);
  }));
  users.command('add <username>').requiredOption('--role <role>', 'admin, helpdesk, viewer or a custom role')
    .option('--password <password>', 'password (else ACM_NEW_PASSWORD)').option('--tenant <id>').option('--scope <type:id>', 'limit to site:1, cluster:2 or group:3 (repeatable)', collect)
    .action((username: string, o: { role: string; password?: string; tenant?: string; scope?: string[] }) => withAcm(async (acm) => {
      const input = parseInput(UserInput, {
        username, role: o.role, password: o.password ?? process.env.ACM_NEW_PASSWORD ?? '',
        tenantId: o.tenant ? Number(o.tenant) : undefined,
        scopes: (o.scope ?? []).map((s) => { const [type, id] = s.split(':'); return { type, id: Number(id) }; }),
      });
      const u = await acm.auth.createUser(acm.orm.em.fork(), input);
      await acm.audit.record({ action: 'user.create', target: 'user', targetId: u.id, username: operator().username, after: { username, role: o.role } });
      console.log(`created user ${u.username} (${u.role})`);
    }));
  users.command('passwd <username>').option('--password <password>', 'new password (else ACM_NEW_PASSWORD)')
    .action((username: string, o: { password?: string }) => withAcm(async (acm) => {
      const { password } = parseInput(UserInput.pick({ password: true }), { password: o.password ?? process.env.ACM_NEW_PASSWORD ?? '' });
      await acm.auth.setPassword(acm.orm.em.fork(), username, password);
      await acm.audit.record({ action: 'user.passwd', target: 'user', targetId: username, username: operator().username });
      console.log(`password changed for ${username}; their sessions are closed`);
    }));

  const plugins = program.command('plugins').description('plugins of this site');
  plugins.command('list').option('--json').action((o: { json?: boolean }) => withAcm(async (acm) => {
    printRows(acm.kernel.list() as unknown as Record<string, unknown>[], ['id', 'title', 'version', 'source', 'enabled', 'licensed', 'started'], !!o.json);
  }));
  for (const action of ['enable', 'disable'] as const) {
    plugins.command(`${action} <id>`).action((id: string) => withAcm(async (acm) => {
      acm.license.assertWritable();
      await (action === 'enable' ? acm.kernel.enable(id) : acm.kernel.disable(id));
      await acm.audit.record({ action: `plugin.${action}`, target: 'plugin', targetId: id, username: operator().username });
      console.log(`plugin ${id} ${action}d`);
    }));
  }

  const license = program.command('license').description('licensing');
  license.command('show').option('--json').action((o: { json?: boolean }) => withAcm(async (acm) => printObject(acm.license.info() as unknown as Record<string, unknown>, !!o.json)));
  license.command('install <file>').action((file: string) => withAcm(async (acm) => {
    const info = await acm.license.install(acm.orm.em.fork(), readFileSync(file, 'utf8'));
    await acm.audit.record({ action: 'license.install', target: 'license', username: operator().username, after: info });
    printObject(info as unknown as Record<string, unknown>, false);
  }));
  license.command('keygen').description('make an Ed25519 key pair for signing licenses')
    .requiredOption('--out <prefix>', 'writes <prefix>.key (private) and <prefix>.pub')
    .action((o: { out: string }) => {
      const k = generateLicenseKeys();
      writeFileSync(`${o.out}.key`, k.privateKeyPem, { mode: 0o600 });
      writeFileSync(`${o.out}.pub`, k.publicKeyPem);
      console.log(`wrote ${o.out}.key and ${o.out}.pub; trust the public key with ACM_LICENSE_PUBLIC_KEYS or <data>/license-keys/`);
    });
  license.command('issue').description('sign a license with a private key')
    .requiredOption('--key <file>', 'Ed25519 private key (PEM)').requiredOption('--customer <name>')
    .addOption(new Option('--type <type>').choices(['full', 'evaluation']).default('full'))
    .option('--features <list>', 'comma-separated plugin ids, or *', '*').option('--max-extensions <n>')
    .option('--days <n>', 'valid for n days (omit for no expiry)').option('--out <file>', 'write here instead of stdout')
    .action((o: { key: string; customer: string; type: 'full' | 'evaluation'; features: string; maxExtensions?: string; days?: string; out?: string }) => {
      const now = new Date();
      const payload = parseInput(LicensePayloadSchema, {
        id: `lic-${now.getTime()}`, customer: o.customer, type: o.type, features: o.features.split(',').map((f) => f.trim()).filter(Boolean),
        maxExtensions: o.maxExtensions ? Number(o.maxExtensions) : null, issuedAt: now.toISOString(),
        expiresAt: o.days ? new Date(now.getTime() + Number(o.days) * 86_400_000).toISOString() : null,
      });
      const text = issueLicense(readFileSync(o.key, 'utf8'), payload);
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });

  for (const res of resources) {
    registerResourceCommands(program, res, (fn) => withAcm((acm) => {
      const actor = { user: operator() };
      return fn({
        list: (q) => acm.crud.list(actor.user, res, q),
        get: (id) => acm.crud.get(actor.user, res, id),
        create: (body) => acm.crud.create(actor, res, body, resources),
        update: (id, body) => acm.crud.update(actor, res, id, body, resources),
        copy: (id, body) => acm.crud.copy(actor, res, id, body, resources),
        remove: (id) => acm.crud.remove(actor, res, id),
      });
    }));
  }
  registerBatchCommands(program, withAcm, operator);
  registerServerCommands(program, withAcm, operator);
  registerVerifyCommand(program, withAcm, operator, clusterIdByName);
  registerSecretsCommands(program, withAcm, operator);
  return program;
}

/**
 * `acm <plugin-id> …`: commands a plugin registered through `ctx.cli.commands`. They run
 * inside a started acm (connected to the servers), since their handlers use the plugin's services,
 * and as the same operator as the core's commands.
 */
async function runPluginCommand(argv: string[]): Promise<boolean> {
  const id = argv[2];
  if (!id || id.startsWith('-')) return false;
  const env = envOptions();
  const discovered = await discoverPlugins(ROOT_DIR, env.site);
  const plugin = discovered.find((p) => p.manifest.id === id);
  if (!plugin) return false;
  await withAcm(async (acm) => {
    const registrars = acm.kernel.cliRegistrars().filter((r) => r.id === id);
    if (!registrars.length) throw new NotFoundError(`plugin "${id}" is not running or has no commands (acm plugins list)`);
    await acm.connections.waitConnected(5000);
    const program = new Command('acm').showHelpAfterError();
    const group = program.command(id).description(plugin.manifest.title);
    for (const r of registrars) r.register(group, { operator: operator() });
    await program.parseAsync(argv);
  }, true, true);
  return true;
}

/** Exit codes: 0 ok, 1 failure, 2 bad input. */
export async function main(argv: string[]): Promise<void> {
  try {
    if (await runPluginCommand(argv)) return;
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ValidationError) {
      console.error(`error: ${err.title}`);
      for (const p of err.problems) console.error(`  ${p.field}: ${p.message}`);
      process.exitCode = 2;
    } else if (err instanceof AcmError) {
      console.error(`error: ${err.message}`);
      process.exitCode = 1;
    } else if (err instanceof z.ZodError || err instanceof SyntaxError) {
      console.error(`error: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  }
}

await main(process.argv);
