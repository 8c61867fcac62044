import { Migration, type MigrationObject } from '../../../sdk/index.ts';

/**
 * The plugin's migrations, per driver. Names are global in `acm_migrations`, so each starts with
 * the plugin id. These were generated from entities.ts with MikroORM's schema generator and pasted;
 * tests/migrations.test.ts checks they build exactly the entities' schema on both drivers. Never
 * edit one that has shipped: generate the next with `core/model/make-migration.ts NAME --plugin
 * conference` (files in ./sqlite and ./mysql) and list it here.
 */
class ConferenceRoomsSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `conference_rooms` (`id` integer not null primary key autoincrement, `tenant_id` integer not null, `site_id` integer not null, `cluster_id` integer not null, `number` text not null, `starts_at` datetime not null, `ends_at` datetime null, `recurrence` text not null default 'none', `duration_minutes` integer null, `external_number` text null, `owner` text null, `account` text null, `description` text null, `max_users` integer null, `user_pin` text null, `admin_pin` text null, `record` integer not null default false, `video_mode` text not null default 'none', `open` integer not null default false, `open_changed_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql('create index `conference_rooms_tenant_id_index` on `conference_rooms` (`tenant_id`);');
    this.addSql('create index `conference_rooms_site_id_index` on `conference_rooms` (`site_id`);');
    this.addSql('create index `conference_rooms_cluster_id_index` on `conference_rooms` (`cluster_id`);');
    this.addSql('create unique index `conference_rooms_cluster_id_number_unique` on `conference_rooms` (`cluster_id`, `number`);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `conference_rooms`;');
  }
}

class ConferenceRoomsMysql extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `conference_rooms` (`id` int unsigned not null auto_increment primary key, `tenant_id` int not null, `site_id` int not null, `cluster_id` int not null, `number` varchar(20) not null, `starts_at` datetime not null, `ends_at` datetime null, `recurrence` varchar(10) not null default 'none', `duration_minutes` int null, `external_number` varchar(32) null, `owner` varchar(80) null, `account` varchar(80) null, `description` varchar(255) null, `max_users` int null, `user_pin` varchar(16) null, `admin_pin` varchar(16) null, `record` tinyint(1) not null default false, `video_mode` varchar(16) not null default 'none', `open` tinyint(1) not null default false, `open_changed_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql('alter table `conference_rooms` add index `conference_rooms_tenant_id_index`(`tenant_id`);');
    this.addSql('alter table `conference_rooms` add index `conference_rooms_site_id_index`(`site_id`);');
    this.addSql('alter table `conference_rooms` add index `conference_rooms_cluster_id_index`(`cluster_id`);');
    this.addSql('alter table `conference_rooms` add unique `conference_rooms_cluster_id_number_unique`(`cluster_id`, `number`);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `conference_rooms`;');
  }
}

/** PINs are sealed (longer than the digits). SQLite's columns are text already: nothing to do there. */
class ConferenceSealedPinsMysql extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `conference_rooms` modify `user_pin` text, modify `admin_pin` text;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table `conference_rooms` modify `user_pin` varchar(16), modify `admin_pin` varchar(16);');
  }
}

const NAME = 'conference_Migration20261123120000_rooms';
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: NAME, class: ConferenceRoomsSqlite }],
  mysql: [{ name: NAME, class: ConferenceRoomsMysql }, { name: 'conference_Migration20261202040000_sealed_pins', class: ConferenceSealedPinsMysql }],
};
