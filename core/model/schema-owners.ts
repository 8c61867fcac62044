import { join, resolve } from 'node:path';
import type { EntitySchema, MigrationObject, Options } from '@mikro-orm/core';
import { coreEntities } from './entities.ts';
import { sqliteMigrations } from './migrations/sqlite/index.ts';
import { mysqlMigrations } from './migrations/mysql/index.ts';
import { dbKind, ormOptions, type DbOptions } from './orm.ts';
import { discoverPlugins, loadDefinition, readManifest, type DiscoveredPlugin } from '../kernel/discovery.ts';

/**
 * Who owns which tables: the core, or one plugin. Each owner's migrations are generated from and
 * checked against its own entities only (make-migration.ts, tests/migrations.test.ts).
 */
export interface SchemaOwner {
  /** `core` or the plugin id. */
  id: string;
  /** New migration files go to `<dir>/<sqlite|mysql>/`. */
  dir: string;
  /** Migration names are global in acm_migrations: a plugin's start with `<id>_`. */
  namePrefix: string;
  entities: EntitySchema<any>[];
  migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] };
}

const ROOT = resolve(import.meta.dirname, '../..');

export const coreOwner: SchemaOwner = {
  id: 'core', dir: join(import.meta.dirname, 'migrations'), namePrefix: '',
  entities: coreEntities, migrations: { sqlite: sqliteMigrations, mysql: mysqlMigrations },
};

/** The core, then every plugin (and site module of `site`) that declares entities. */
export async function schemaOwners(rootDir = ROOT, site = 'demo'): Promise<SchemaOwner[]> {
  const owners = [coreOwner];
  for (const found of await discoverPlugins(rootDir, site)) {
    const owner = await pluginOwner(found);
    if (owner) owners.push(owner);
  }
  return owners;
}

/** The plugin in folder `dir` wherever it lives (the SDK's tutorial), or undefined without entities. */
export async function schemaOwnerAt(dir: string): Promise<SchemaOwner | undefined> {
  return pluginOwner({ manifest: await readManifest(dir), dir, source: 'plugins' });
}

async function pluginOwner(found: DiscoveredPlugin): Promise<SchemaOwner | undefined> {
  const def = await loadDefinition(found);
  if (!def.entities?.length) return undefined;
  return {
    id: found.manifest.id, dir: join(found.dir, 'migrations'), namePrefix: `${found.manifest.id}_`,
    entities: def.entities, migrations: def.migrations ?? { sqlite: [], mysql: [] },
  };
}

/**
 * ORM options for one owner on a fresh database: the core's entities and migrations, then the
 * plugin's (as the app runs them). The schema diff sees only the owner's tables, so a plugin's
 * generated migration never contains the core's tables, nor the core's a plugin's.
 */
export function ownerOrmOptions(owner: SchemaOwner, db: DbOptions): Options {
  const plugin = owner.id === coreOwner.id ? {} : { entities: owner.entities, migrations: owner.migrations };
  const opts = ormOptions({ ...db, ...plugin });
  const skipTables = owner.id === coreOwner.id ? [] : coreEntities.map((e) => e.meta.tableName);
  return {
    ...opts,
    schemaGenerator: { ...opts.schemaGenerator, skipTables },
    migrations: { ...opts.migrations, path: join(owner.dir, dbKind(db.url)) },
  };
}

/** Registered name of a generated migration class (what acm_migrations records). */
export function migrationName(owner: SchemaOwner, className: string): string {
  return `${owner.namePrefix}${className}`;
}
