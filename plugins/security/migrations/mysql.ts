import { Migration, type MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202070232_blacklist_targets } from './mysql/Migration20261202070232_blacklist_targets.ts';

/**
 * security_alerts (MariaDB/MySQL). Generated from entities.ts with MikroORM's schema generator; the
 * name predates the `<plugin id>_` rule and has shipped. The next: `core/model/make-migration.ts
 * NAME --plugin security` (files in ./mysql), listed below.
 */
export class Migration20261123090000_security_alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql('create table `security_alerts` (`id` int unsigned not null auto_increment primary key, `first_seen` datetime not null, `last_seen` datetime not null, `source` varchar(16) not null, `tenant_id` int null, `cluster_id` int null, `server_id` int null, `rule_id` varchar(64) not null, `level` int not null, `location` varchar(512) not null, `src_ip` varchar(64) null, `description` text not null, `event_time` datetime null, `agent` varchar(255) null, `user_name` varchar(128) null, `groups` mediumtext null, `count` int not null default 1, `dedup_key` varchar(128) not null, `noc` tinyint(1) not null default false, `notified` tinyint(1) not null default false) default character set utf8mb4 engine = InnoDB;');
    this.addSql('alter table `security_alerts` add index `security_alerts_tenant_id_index`(`tenant_id`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_cluster_id_index`(`cluster_id`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_server_id_index`(`server_id`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_src_ip_index`(`src_ip`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_dedup_key_last_seen_index`(`dedup_key`, `last_seen`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_level_index`(`level`);');
    this.addSql('alter table `security_alerts` add index `security_alerts_last_seen_index`(`last_seen`);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `security_alerts`;');
  }
}

export const mysqlMigrations: MigrationObject[] = [
  { name: 'Migration20261123090000_security_alerts', class: Migration20261123090000_security_alerts },
  { name: 'security_Migration20261202070232_blacklist_targets', class: Migration20261202070232_blacklist_targets },
];
