import { Migration, type MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202070232_blacklist_targets } from './sqlite/Migration20261202070232_blacklist_targets.ts';

/**
 * security_alerts (SQLite). Generated from entities.ts with MikroORM's schema generator; the name
 * predates the `<plugin id>_` rule and has shipped. The next: `core/model/make-migration.ts NAME
 * --plugin security` (files in ./sqlite), listed below.
 */
export class Migration20261123090000_security_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table `security_alerts` (`id` integer not null primary key autoincrement, `first_seen` datetime not null, `last_seen` datetime not null, `source` text not null, `tenant_id` integer null, `cluster_id` integer null, `server_id` integer null, `rule_id` text not null, `level` integer not null, `location` text not null, `src_ip` text null, `description` text not null, `event_time` datetime null, `agent` text null, `user_name` text null, `groups` mediumtext null, `count` integer not null default 1, `dedup_key` text not null, `noc` integer not null default false, `notified` integer not null default false);');
    this.addSql('create index `security_alerts_tenant_id_index` on `security_alerts` (`tenant_id`);');
    this.addSql('create index `security_alerts_cluster_id_index` on `security_alerts` (`cluster_id`);');
    this.addSql('create index `security_alerts_server_id_index` on `security_alerts` (`server_id`);');
    this.addSql('create index `security_alerts_src_ip_index` on `security_alerts` (`src_ip`);');
    this.addSql('create index `security_alerts_dedup_key_last_seen_index` on `security_alerts` (`dedup_key`, `last_seen`);');
    this.addSql('create index `security_alerts_level_index` on `security_alerts` (`level`);');
    this.addSql('create index `security_alerts_last_seen_index` on `security_alerts` (`last_seen`);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `security_alerts`;');
  }
}

export const sqliteMigrations: MigrationObject[] = [
  { name: 'Migration20261123090000_security_alerts', class: Migration20261123090000_security_alerts },
  { name: 'security_Migration20261202070232_blacklist_targets', class: Migration20261202070232_blacklist_targets },
];
