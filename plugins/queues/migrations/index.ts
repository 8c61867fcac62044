import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202075714_queues_initial as InitialSqlite } from './sqlite/Migration20261202075714_queues_initial.ts';
import { Migration20261202075714_queues_initial as InitialMysql } from './mysql/Migration20261202075714_queues_initial.ts';
import { Migration20261202143031_queuesPeriodicAnnounce as PeriodicSqlite } from './sqlite/Migration20261202143031_queuesPeriodicAnnounce.ts';
import { Migration20261202143031_queuesPeriodicAnnounce as PeriodicMysql } from './mysql/Migration20261202143031_queuesPeriodicAnnounce.ts';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin queues`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [
    { name: 'queues_Migration20261202075714_queues_initial', class: InitialSqlite },
    { name: 'queues_Migration20261202143031_queuesPeriodicAnnounce', class: PeriodicSqlite },
  ],
  mysql: [
    { name: 'queues_Migration20261202075714_queues_initial', class: InitialMysql },
    { name: 'queues_Migration20261202143031_queuesPeriodicAnnounce', class: PeriodicMysql },
  ],
};
