import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MikroORM, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { testDatabase } from '../../sdk/testing/kernel.ts';
import { AcmMySqlDriver } from '../../core/model/mariadb.ts';
import { securityEntities } from './entities.ts';
import { sqliteMigrations } from './migrations/sqlite.ts';
import { mysqlMigrations } from './migrations/mysql.ts';

let drop: (() => Promise<void>) | undefined;
afterEach(async () => { await drop?.(); drop = undefined; });

/** The plugin's entities and migrations alone, on SQLite or (ACM_TEST_MYSQL) MariaDB. */
async function open(): Promise<MikroORM> {
  const db = await testDatabase();
  drop = db.drop;
  const common: Partial<Options> = { entities: securityEntities, extensions: [Migrator], forceUtcTimezone: true, allowGlobalContext: true, logger: () => undefined };
  const opts: Options = db.dbUrl
    ? { ...common, driver: AcmMySqlDriver, clientUrl: db.dbUrl, migrations: { tableName: 'acm_migrations', migrationsList: mysqlMigrations } }
    : { ...common, driver: LibSqlDriver, dbName: join(db.dataDir, 'sec.db'), migrations: { tableName: 'acm_migrations', migrationsList: sqliteMigrations } };
  return MikroORM.init(opts);
}

describe('security migrations', () => {
  it('build exactly the schema the entities describe, and run down and up again', async () => {
    const orm = await open();
    try {
      const up = await orm.getMigrator().up();
      expect(up.map((m) => m.name)).toEqual(['Migration20261123090000_security_alerts']);
      const diff = (await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim();
      expect(diff).toBe('');
      await orm.getMigrator().down({ to: 0 });
      expect(await orm.getMigrator().getExecutedMigrations()).toEqual([]);
      await orm.getMigrator().up();
      expect((await orm.getMigrator().getExecutedMigrations()).length).toBe(1);
    } finally {
      await orm.close(true);
    }
  });

  it('names every table security_*', () => {
    for (const e of securityEntities) expect(e.meta.tableName).toMatch(/^security_/);
  });
});
