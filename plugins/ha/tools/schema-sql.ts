/**
 * Developer tool: prints the CREATE SQL of the HA tables for SQLite and (with ACM_TEST_MYSQL)
 * MariaDB, to paste into migrations/index.ts:
 *   ACM_TEST_MYSQL=mysql://acm:acm@127.0.0.1:3306/acm_gen node bin/run-ts.mjs plugins/ha/tools/schema-sql.ts
 */
import { MikroORM } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { MySqlDriver } from '@mikro-orm/mysql';
import { haEntities } from '../entities.ts';

const sqlite = await MikroORM.init({ driver: LibSqlDriver, dbName: ':memory:', entities: haEntities, allowGlobalContext: true });
console.log('-- sqlite\n' + await sqlite.schema.getCreateSchemaSQL({ wrap: false }));
await sqlite.close();
if (process.env.ACM_TEST_MYSQL) {
  const mysql = await MikroORM.init({ driver: MySqlDriver, clientUrl: process.env.ACM_TEST_MYSQL, entities: haEntities, allowGlobalContext: true, connect: false });
  console.log('-- mysql\n' + await mysql.schema.getCreateSchemaSQL({ wrap: false }));
  await mysql.close();
}
