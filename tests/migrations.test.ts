import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/core';
import { DatabaseSchema, type AbstractSqlConnection, type AbstractSqlPlatform } from '@mikro-orm/mysql';
import { dbKind, type DbKind } from '../core/model/orm.ts';
import { coreOwner, ownerOrmOptions, schemaOwnerAt, schemaOwners, type SchemaOwner } from '../core/model/schema-owners.ts';
import { testDatabase } from '../sdk/testing/kernel.ts';

let drop: (() => Promise<void>) | undefined;
afterEach(async () => { await drop?.(); drop = undefined; });

// The SDK tutorial's plugin lives outside plugins/; its migrations are held to the same rules.
const tutorial = await schemaOwnerAt(join(import.meta.dirname, '..', 'sdk', 'tutorial', 'speed-dials'));
const owners = [...await schemaOwners(), ...(tutorial ? [tutorial] : [])];

/** A fresh database, nothing migrated yet, that diffs only the owner's tables. */
async function open(owner: SchemaOwner): Promise<{ orm: MikroORM; names: string[]; kind: DbKind }> {
  const db = await testDatabase();
  drop = db.drop;
  const orm = await MikroORM.init(ownerOrmOptions(owner, { url: db.dbUrl, dataDir: db.dataDir }));
  const kind = dbKind(db.dbUrl);
  return { orm, names: owner.migrations[kind].map((m) => m.name), kind };
}

const diffOf = async (orm: MikroORM) => (await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim();

/** The live schema of the owner's tables, in an order-free form (SQLite rebuilds tables on some changes). */
async function schemaOf(orm: MikroORM): Promise<unknown> {
  const conn = orm.em.getConnection() as AbstractSqlConnection;
  const schema = await DatabaseSchema.create(conn, orm.em.getPlatform() as AbstractSqlPlatform, orm.config, undefined, undefined, undefined, orm.config.get('schemaGenerator').skipTables);
  return schema.getTables().map((t) => ({
    name: t.name,
    columns: t.getColumns().map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, default: c.default, length: c.length })).sort((a, b) => a.name.localeCompare(b.name)),
    indexes: t.getIndexes().map((i) => ({ name: i.keyName, columns: i.columnNames, unique: i.unique })).sort((a, b) => a.name.localeCompare(b.name)),
  })).sort((a, b) => a.name.localeCompare(b.name));
}

describe('migrations', () => {
  it('cover the core and every plugin with tables, under names no two share', () => {
    expect(owners.map((o) => o.id)).toEqual(expect.arrayContaining(['core', 'conference', 'ha', 'security', 'speed-dials']));
    for (const kind of ['sqlite', 'mysql'] as const) {
      const names = owners.flatMap((o) => o.migrations[kind].map((m) => m.name));
      expect(new Set(names).size, kind).toBe(names.length);
    }
  });

  describe.each(owners.map((o) => [o.id, o] as const))('of %s', (_id, owner) => {
    it('build exactly the schema its entities describe', async () => {
      const { orm } = await open(owner);
      try {
        await orm.getMigrator().up();
        expect(await diffOf(orm)).toBe('');
      } finally {
        await orm.close(true);
      }
    });

    it('each go down to the schema from before it, and up again', async () => {
      const { orm, names, kind } = await open(owner);
      const migrator = orm.getMigrator();
      try {
        expect(names.length).toBeGreaterThan(0);
        const before: unknown[] = [];
        // A plugin's tables come after the core's, as in the app.
        if (owner !== coreOwner) await migrator.up({ migrations: coreOwner.migrations[kind].map((m) => m.name) });
        for (const name of names) {
          before.push(await schemaOf(orm));
          await migrator.up({ to: name });
        }
        for (const name of [...names].reverse()) {
          await migrator.down();
          expect(await schemaOf(orm), `after ${name} went down`).toEqual(before.pop());
        }
        await migrator.up();
        expect(await diffOf(orm)).toBe('');
      } finally {
        await orm.close(true);
      }
    });
  });
});
