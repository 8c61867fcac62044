import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202073002_inbound_initial as InitialSqlite } from './sqlite/Migration20261202073002_inbound_initial.ts';
import { Migration20261202073002_inbound_initial as InitialMysql } from './mysql/Migration20261202073002_inbound_initial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin inbound`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'inbound_Migration20261202073002_inbound_initial', class: InitialSqlite }],
  mysql: [{ name: 'inbound_Migration20261202073002_inbound_initial', class: InitialMysql }],
};
