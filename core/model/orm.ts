import { MikroORM, type EntitySchema, type MigrationObject, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { coreEntities } from './entities.ts';
import { sqliteMigrations } from './migrations/sqlite/index.ts';
import { mysqlMigrations } from './migrations/mysql/index.ts';
import type { Keyring } from '../crypto/secret-box.ts';
import { attachKeyring } from '../crypto/secret-type.ts';
import { AcmMySqlDriver } from './mariadb.ts';

export type DbKind = 'sqlite' | 'mysql';

export interface DbOptions {
  /** `mysql://user:pass@host:port/db` selects MySQL/MariaDB; otherwise SQLite under dataDir. */
  url?: string;
  dataDir?: string;
  /** SQLite file name inside dataDir (default acm.db); `:memory:` for throw-away databases. */
  sqliteFile?: string;
  /** Entities and migrations contributed by plugins, appended after the core's. */
  entities?: EntitySchema<any>[];
  migrations?: { sqlite: MigrationObject[]; mysql: MigrationObject[] };
  debug?: boolean;
  /** Seals and opens the secret columns; without it, reading or writing a secret fails. */
  secrets?: Keyring;
}

export function dbKind(url?: string): DbKind {
  return url && /^(mysql|mariadb):\/\//.test(url) ? 'mysql' : 'sqlite';
}

export function ormOptions(opts: DbOptions): Options {
  const kind = dbKind(opts.url);
  const entities = [...coreEntities, ...(opts.entities ?? [])];
  const migrationsList = kind === 'mysql'
    ? [...mysqlMigrations, ...(opts.migrations?.mysql ?? [])]
    : [...sqliteMigrations, ...(opts.migrations?.sqlite ?? [])];
  const common: Options = {
    entities,
    extensions: [Migrator],
    migrations: {
      tableName: 'acm_migrations',
      migrationsList,
      path: resolve(import.meta.dirname, 'migrations', kind),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: opts.debug ?? false,
    // The services decide what to load; nothing is discovered from the file system at runtime.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
  };
  if (kind === 'mysql') {
    // knex logs to stdout by default; its only routine message here is MySQL's note that DDL in a
    // migration commits implicitly. Logs go to stderr so the CLI's --json output stays clean.
    const toStderr = (m: unknown) => process.stderr.write(`${String(m)}\n`);
    return {
      ...common, driver: AcmMySqlDriver, clientUrl: opts.url!.replace(/^mariadb:/, 'mysql:'),
      driverOptions: { log: { warn: toStderr, error: toStderr, deprecate: toStderr, debug: () => undefined } },
    };
  }
  const file = opts.sqliteFile ?? 'acm.db';
  let dbName = file;
  if (file !== ':memory:') {
    const dir = resolve(opts.dataDir ?? './data');
    mkdirSync(dir, { recursive: true });
    dbName = join(dir, file);
  }
  return { ...common, driver: LibSqlDriver, dbName };
}

/** Opens the database and applies pending migrations (never schema-sync). */
export async function openDatabase(opts: DbOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(opts));
  if (opts.secrets) attachKeyring(orm.config, opts.secrets);
  await orm.getMigrator().up();
  return orm;
}
