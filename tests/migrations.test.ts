import { afterEach, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions, openDatabase } from '../core/model/orm.ts';
import { testDatabase } from '../sdk/testing/kernel.ts';

let drop: (() => Promise<void>) | undefined;
afterEach(async () => { await drop?.(); drop = undefined; });

describe('migrations', () => {
  it('build exactly the schema the entities describe', async () => {
    const db = await testDatabase();
    drop = db.drop;
    const orm = await openDatabase({ url: db.dbUrl, dataDir: db.dataDir });
    const diff = (await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim();
    await orm.close(true);
    if (!db.dbUrl) {
      expect(diff).toBe('');
    } else {
      // MariaDB reports the default of a nullable column as the string 'NULL', so MikroORM's
      // comparator proposes no-op `modify` clauses; anything structural is still a failure.
      expect(diff.split('\n').filter((l) => l && !/^alter table `\w+` modify /.test(l))).toEqual([]);
      expect(diff).not.toMatch(/\b(add|drop|create|rename)\b/i);
    }
  });

  it('run down to nothing and up again', async () => {
    const db = await testDatabase();
    drop = db.drop;
    const orm = await MikroORM.init(ormOptions({ url: db.dbUrl, dataDir: db.dataDir }));
    const migrator = orm.getMigrator();
    const up = await migrator.up();
    expect(up.length).toBeGreaterThan(0);
    await migrator.down({ to: 0 });
    expect(await migrator.getExecutedMigrations()).toEqual([]);
    await migrator.up();
    expect((await migrator.getExecutedMigrations()).length).toBe(up.length);
    await orm.close(true);
  });
});
