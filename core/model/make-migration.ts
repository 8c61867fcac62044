/**
 * Developer tool: writes the next migration for both SQLite and MySQL from the entity
 * definitions (`node bin/run-ts.mjs core/model/make-migration.ts NAME`). Needs a scratch MySQL at
 * ACM_TEST_MYSQL. Register the new class in migrations/<kind>/index.ts afterwards.
 */
import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from './orm.ts';

const name = process.argv[2] ?? 'change';
for (const url of [undefined, process.env.ACM_TEST_MYSQL]) {
  if (url === undefined && process.argv.includes('--mysql-only')) continue;
  const orm = await MikroORM.init({ ...ormOptions({ url, sqliteFile: ':memory:' }) });
  if (url) await orm.schema.dropSchema({ dropMigrationsTable: true });
  await orm.getMigrator().up();
  const res = await orm.getMigrator().createMigration(undefined, false, false, name);
  console.log(url ? 'mysql' : 'sqlite', res.fileName || '(no changes)');
  await orm.close();
}
