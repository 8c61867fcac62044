import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261203121558_fax_initial as InitialSqlite } from './sqlite/Migration20261203121558_fax_initial.ts';
import { Migration20261203121558_fax_initial as InitialMysql } from './mysql/Migration20261203121558_fax_initial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin fax`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'fax_Migration20261203121558_fax_initial', class: InitialSqlite }],
  mysql: [{ name: 'fax_Migration20261203121558_fax_initial', class: InitialMysql }],
};
