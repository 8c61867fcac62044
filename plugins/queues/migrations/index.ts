import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202075714_queues_initial as InitialSqlite } from './sqlite/Migration20261202075714_queues_initial.ts';
import { Migration20261202075714_queues_initial as InitialMysql } from './mysql/Migration20261202075714_queues_initial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin queues`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'queues_Migration20261202075714_queues_initial', class: InitialSqlite }],
  mysql: [{ name: 'queues_Migration20261202075714_queues_initial', class: InitialMysql }],
};
