import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261203061513_dialerInitial as InitialSqlite } from './sqlite/Migration20261203061513_dialerInitial.ts';
import { Migration20261203061513_dialerInitial as InitialMysql } from './mysql/Migration20261203061513_dialerInitial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin dialer`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'dialer_Migration20261203061513_dialerInitial', class: InitialSqlite }],
  mysql: [{ name: 'dialer_Migration20261203061513_dialerInitial', class: InitialMysql }],
};
