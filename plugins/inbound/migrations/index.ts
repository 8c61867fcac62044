import type { MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202073002_inbound_initial as InitialSqlite } from './sqlite/Migration20261202073002_inbound_initial.ts';
import { Migration20261202073002_inbound_initial as InitialMysql } from './mysql/Migration20261202073002_inbound_initial.ts';
import { Migration20261202134350_inboundAnnouncementsMailboxes as AnnouncementsSqlite } from './sqlite/Migration20261202134350_inboundAnnouncementsMailboxes.ts';
import { Migration20261202134350_inboundAnnouncementsMailboxes as AnnouncementsMysql } from './mysql/Migration20261202134350_inboundAnnouncementsMailboxes.ts';

const ANNOUNCEMENTS = 'inbound_Migration20261202134350_inboundAnnouncementsMailboxes';

/** Generated from entities.ts with `core/model/make-migration.ts NAME --plugin inbound`; never edit one that has shipped. */
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: 'inbound_Migration20261202073002_inbound_initial', class: InitialSqlite }, { name: ANNOUNCEMENTS, class: AnnouncementsSqlite }],
  mysql: [{ name: 'inbound_Migration20261202073002_inbound_initial', class: InitialMysql }, { name: ANNOUNCEMENTS, class: AnnouncementsMysql }],
};
