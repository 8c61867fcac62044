/**
 * Developer tool: writes the next migration of the core or of one plugin, for SQLite and MariaDB,
 * from the entity definitions:
 *   ACM_TEST_MYSQL=mysql://acm:acm@127.0.0.1:3306/acm_migr node bin/run-ts.mjs core/model/make-migration.ts NAME [--plugin ID [--site NAME | --dir DIR]] [--sqlite-only|--mysql-only]
 * `--dir` names the folder of a plugin kept outside plugins/ and sites/ (the SDK's tutorial).
 * Each driver gets a fresh database (SQLite in memory; a throw-away database created on the
 * ACM_TEST_MYSQL server and dropped afterwards — the named database itself is never touched):
 * the owner's existing migrations run up on it, and MikroORM diffs the result against the owner's
 * entities. That database is the snapshot: one plugin's migration never sees another's tables.
 * The files land in <owner>/migrations/<sqlite|mysql>/; register them in that owner's list as
 * printed (tests/migrations.test.ts fails until both drivers' lists build the entities' schema).
 * The output needs no hand trimming: MariaDB's column defaults are read as MariaDB means them
 * (mariadb.ts), so unchanged columns are no longer proposed as `modify` clauses.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { schemaOwnerAt, schemaOwners, ownerOrmOptions, migrationName } from './schema-owners.ts';
import { testDatabase } from '../../sdk/testing/kernel.ts';

const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const valueOf = (f: string) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
const ownerId = valueOf('--plugin') ?? 'core';
const site = valueOf('--site') ?? 'demo';
const dir = valueOf('--dir');
const [name] = args.filter((a, i) => !a.startsWith('--') && !['--plugin', '--site', '--dir'].includes(args[i - 1] ?? ''));
if (!name || !/^\w+$/.test(name) || !ownerId) {
  console.error('usage: make-migration.ts NAME [--plugin ID [--site NAME | --dir DIR]] [--sqlite-only|--mysql-only]  (NAME: letters, digits, _)');
  process.exit(2);
}
const found = dir ? await schemaOwnerAt(resolve(dir)) : (await schemaOwners(undefined, site)).find((o) => o.id === ownerId);
const owner = found?.id === ownerId ? found : undefined;
if (!owner) {
  console.error(`no plugin "${ownerId}" with entities (${dir ?? `plugins/, sites/${site}/modules/`})`);
  process.exit(2);
}
const server = process.env.ACM_TEST_MYSQL;
if (!server && !flag('--sqlite-only')) {
  console.error('ACM_TEST_MYSQL (a scratch MariaDB server URL) is needed for the MySQL migration; or pass --sqlite-only');
  process.exit(2);
}

// One timestamp, so the two drivers' files carry the same name (as the core's always have).
const stamp = new Date().toISOString().replace(/[-T:]|\.\d{3}Z$/g, '');
const cls = `Migration${stamp}_${name}`;

for (const kind of ['sqlite', 'mysql'] as const) {
  if (flag(kind === 'sqlite' ? '--mysql-only' : '--sqlite-only')) continue;
  const db = kind === 'mysql' ? await testDatabase() : undefined;
  try {
    const orm = await MikroORM.init(ownerOrmOptions(owner, { url: db?.dbUrl, sqliteFile: ':memory:' }));
    // MikroORM writes no down() for SQLite; libsql drops columns, and the test runs every down.
    if (kind === 'sqlite') Object.assign(orm.em.getPlatform(), { supportsDownMigrations: () => true });
    try {
      await orm.getMigrator().up();
      const res = await orm.getMigrator().createMigration(undefined, false, false, name);
      if (!res.fileName) {
        console.log(`${kind}: no changes`);
        continue;
      }
      const dir = join(owner.dir, kind);
      const generated = res.fileName.replace(/\.ts$/, '');
      writeFileSync(join(dir, res.fileName), readFileSync(join(dir, res.fileName), 'utf8').replace(generated, cls));
      renameSync(join(dir, res.fileName), join(dir, `${cls}.ts`));
      console.log(`${kind}: wrote ${dir}/${cls}.ts; register it in the ${kind} list:`);
      console.log(`  { name: '${migrationName(owner, cls)}', class: ${cls} },`);
    } finally {
      await orm.close(true);
    }
  } finally {
    await db?.drop();
  }
}
