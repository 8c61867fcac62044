import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261203191823_hotdeskInitial as InitialSqlite } from './sqlite/Migration20261203191823_hotdeskInitial.ts';
import { Migration20261203191823_hotdeskInitial as InitialMysql } from './mysql/Migration20261203191823_hotdeskInitial.ts';

const INITIAL = 'hotdesk_Migration20261203191823_hotdeskInitial';
/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin hotdesk`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: INITIAL, class: InitialSqlite }],
  mysql: [{ name: INITIAL, class: InitialMysql }],
};
