import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202141331_recordings_initial as InitialSqlite } from './sqlite/Migration20261202141331_recordings_initial.ts';
import { Migration20261202141331_recordings_initial as InitialMysql } from './mysql/Migration20261202141331_recordings_initial.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin recordings`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'recordings_Migration20261202141331_recordings_initial', class: InitialSqlite }],
  mysql: [{ name: 'recordings_Migration20261202141331_recordings_initial', class: InitialMysql }],
};
