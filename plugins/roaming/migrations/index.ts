import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261203184247_roaming_initial as InitialSqlite } from './sqlite/Migration20261203184247_roaming_initial.ts';
import { Migration20261203184247_roaming_initial as InitialMysql } from './mysql/Migration20261203184247_roaming_initial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin roaming`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'roaming_Migration20261203184247_roaming_initial', class: InitialSqlite }],
  mysql: [{ name: 'roaming_Migration20261203184247_roaming_initial', class: InitialMysql }],
};
