import { Migration, type MigrationObject } from '../../../sdk/index.ts';
import { Migration20261202065218_drop_notifications as DropOutboxSqlite } from './sqlite/Migration20261202065218_drop_notifications.ts';
import { Migration20261202065218_drop_notifications as DropOutboxMysql } from './mysql/Migration20261202065218_drop_notifications.ts';
import { Migration20261202065940_placed as PlacedSqlite } from './sqlite/Migration20261202065940_placed.ts';
import { Migration20261202065940_placed as PlacedMysql } from './mysql/Migration20261202065940_placed.ts';

/**
 * The HA plugin's migrations, per driver. These two were generated from entities.ts with MikroORM's
 * schema generator and pasted; tests/migrations.test.ts checks they build exactly the entities'
 * schema on both drivers. Never edit one that has shipped: generate the next with
 * `core/model/make-migration.ts NAME --plugin ha` (files in ./sqlite and ./mysql) and list it here.
 */
class HaInitialSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `ha_events` (`id` integer not null primary key autoincrement, `group_id` integer null, `server_id` integer null, `node` text null, `instance` text null, `state` text not null, `message` text null, `at` datetime not null);");
    this.addSql("create index `ha_events_group_id_index` on `ha_events` (`group_id`);");
    this.addSql("create index `ha_events_at_index` on `ha_events` (`at`);");
    this.addSql("create table `ha_groups` (`id` integer not null primary key autoincrement, `tenant_id` integer not null, `cluster_id` integer not null, `name` text not null, `description` text null, `services` mediumtext not null, `witness` text null, `trunks` mediumtext not null, `sip_port` integer not null default 5060, `ami_port` integer not null default 5038, `advert_int` real not null default 1, `check_interval` integer not null default 1, `check_fall` integer not null default 2, `check_rise` integer not null default 2, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql("create index `ha_groups_tenant_id_index` on `ha_groups` (`tenant_id`);");
    this.addSql("create index `ha_groups_cluster_id_index` on `ha_groups` (`cluster_id`);");
    this.addSql("create unique index `ha_groups_cluster_id_name_unique` on `ha_groups` (`cluster_id`, `name`);");
    this.addSql("create table `ha_nodes` (`id` integer not null primary key autoincrement, `group_id` integer not null, `server_id` integer not null, `priority` integer not null, `interface` text not null, `source_address` text not null, `replication_address` text null, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql("create index `ha_nodes_group_id_index` on `ha_nodes` (`group_id`);");
    this.addSql("create index `ha_nodes_server_id_index` on `ha_nodes` (`server_id`);");
    this.addSql("create unique index `ha_nodes_group_id_server_id_unique` on `ha_nodes` (`group_id`, `server_id`);");
    this.addSql("create table `ha_notify_targets` (`id` integer not null primary key autoincrement, `group_id` integer not null, `type` text not null, `target` text not null, `enabled` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql("create index `ha_notify_targets_group_id_index` on `ha_notify_targets` (`group_id`);");
    this.addSql("create table `ha_sync_paths` (`id` integer not null primary key autoincrement, `group_id` integer not null, `path` text not null, `excludes` mediumtext not null, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql("create index `ha_sync_paths_group_id_index` on `ha_sync_paths` (`group_id`);");
    this.addSql("create table `ha_vips` (`id` integer not null primary key autoincrement, `group_id` integer not null, `kind` text not null, `address` text not null, `prefix` integer not null, `interface` text null, `virtual_router_id` integer not null, `created_at` datetime not null, `updated_at` datetime not null);");
    this.addSql("create index `ha_vips_group_id_index` on `ha_vips` (`group_id`);");
    this.addSql("create unique index `ha_vips_group_id_virtual_router_id_unique` on `ha_vips` (`group_id`, `virtual_router_id`);");
  }

  override async down(): Promise<void> {
    this.addSql("drop table if exists `ha_events`;");
    this.addSql("drop table if exists `ha_groups`;");
    this.addSql("drop table if exists `ha_nodes`;");
    this.addSql("drop table if exists `ha_notify_targets`;");
    this.addSql("drop table if exists `ha_sync_paths`;");
    this.addSql("drop table if exists `ha_vips`;");
  }
}

class HaInitialMysql extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `ha_events` (`id` int unsigned not null auto_increment primary key, `group_id` int null, `server_id` int null, `node` varchar(64) null, `instance` varchar(64) null, `state` varchar(16) not null, `message` varchar(500) null, `at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_events` add index `ha_events_group_id_index`(`group_id`);");
    this.addSql("alter table `ha_events` add index `ha_events_at_index`(`at`);");
    this.addSql("create table `ha_groups` (`id` int unsigned not null auto_increment primary key, `tenant_id` int not null, `cluster_id` int not null, `name` varchar(64) not null, `description` varchar(255) null, `services` mediumtext not null, `witness` varchar(64) null, `trunks` mediumtext not null, `sip_port` int not null default 5060, `ami_port` int not null default 5038, `advert_int` float not null default 1, `check_interval` int not null default 1, `check_fall` int not null default 2, `check_rise` int not null default 2, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_groups` add index `ha_groups_tenant_id_index`(`tenant_id`);");
    this.addSql("alter table `ha_groups` add index `ha_groups_cluster_id_index`(`cluster_id`);");
    this.addSql("alter table `ha_groups` add unique `ha_groups_cluster_id_name_unique`(`cluster_id`, `name`);");
    this.addSql("create table `ha_nodes` (`id` int unsigned not null auto_increment primary key, `group_id` int not null, `server_id` int not null, `priority` int not null, `interface` varchar(15) not null, `source_address` varchar(64) not null, `replication_address` varchar(64) null, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_nodes` add index `ha_nodes_group_id_index`(`group_id`);");
    this.addSql("alter table `ha_nodes` add index `ha_nodes_server_id_index`(`server_id`);");
    this.addSql("alter table `ha_nodes` add unique `ha_nodes_group_id_server_id_unique`(`group_id`, `server_id`);");
    this.addSql("create table `ha_notify_targets` (`id` int unsigned not null auto_increment primary key, `group_id` int not null, `type` varchar(10) not null, `target` varchar(255) not null, `enabled` tinyint(1) not null default true, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_notify_targets` add index `ha_notify_targets_group_id_index`(`group_id`);");
    this.addSql("create table `ha_sync_paths` (`id` int unsigned not null auto_increment primary key, `group_id` int not null, `path` varchar(255) not null, `excludes` mediumtext not null, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_sync_paths` add index `ha_sync_paths_group_id_index`(`group_id`);");
    this.addSql("create table `ha_vips` (`id` int unsigned not null auto_increment primary key, `group_id` int not null, `kind` varchar(10) not null, `address` varchar(64) not null, `prefix` int not null, `interface` varchar(15) null, `virtual_router_id` int not null, `created_at` datetime not null, `updated_at` datetime not null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_vips` add index `ha_vips_group_id_index`(`group_id`);");
    this.addSql("alter table `ha_vips` add unique `ha_vips_group_id_virtual_router_id_unique`(`group_id`, `virtual_router_id`);");
  }

  override async down(): Promise<void> {
    this.addSql("drop table if exists `ha_events`;");
    this.addSql("drop table if exists `ha_groups`;");
    this.addSql("drop table if exists `ha_nodes`;");
    this.addSql("drop table if exists `ha_notify_targets`;");
    this.addSql("drop table if exists `ha_sync_paths`;");
    this.addSql("drop table if exists `ha_vips`;");
  }
}

/** The notification outbox (ha_notifications). */
class HaOutboxSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `ha_notifications` (`id` integer not null primary key autoincrement, `group_id` integer not null, `target_id` integer not null, `type` text not null, `target` text not null, `dedupe_key` text not null, `subject` text not null, `body` text not null, `status` text not null, `attempts` integer not null default 0, `last_error` text null, `next_at` datetime not null, `created_at` datetime not null, `sent_at` datetime null);");
    this.addSql("create index `ha_notifications_group_id_index` on `ha_notifications` (`group_id`);");
    this.addSql("create index `ha_notifications_status_index` on `ha_notifications` (`status`);");
    this.addSql("create unique index `ha_notifications_target_id_dedupe_key_unique` on `ha_notifications` (`target_id`, `dedupe_key`);");
  }

  override async down(): Promise<void> {
    this.addSql("drop table if exists `ha_notifications`;");
  }
}

class HaOutboxMysql extends Migration {
  override async up(): Promise<void> {
    this.addSql("create table `ha_notifications` (`id` int unsigned not null auto_increment primary key, `group_id` int not null, `target_id` int not null, `type` varchar(10) not null, `target` varchar(255) not null, `dedupe_key` varchar(191) not null, `subject` varchar(255) not null, `body` text not null, `status` varchar(10) not null, `attempts` int not null default 0, `last_error` varchar(500) null, `next_at` datetime not null, `created_at` datetime not null, `sent_at` datetime null) default character set utf8mb4 engine = InnoDB;");
    this.addSql("alter table `ha_notifications` add index `ha_notifications_group_id_index`(`group_id`);");
    this.addSql("alter table `ha_notifications` add index `ha_notifications_status_index`(`status`);");
    this.addSql("alter table `ha_notifications` add unique `ha_notifications_target_id_dedupe_key_unique`(`target_id`, `dedupe_key`);");
  }

  override async down(): Promise<void> {
    this.addSql("drop table if exists `ha_notifications`;");
  }
}

const NAME = 'ha_Migration20261201120000_initial';
const OUTBOX = 'ha_Migration20261215120000_outbox';
/** The outbox moved to the core's notification_outbox (coreServices.outbox). */
const DROP_OUTBOX = 'ha_Migration20261202065218_drop_notifications';
/** Children placed like their group (tenant, site, cluster): the resource kit scopes them. */
const PLACED = 'ha_Migration20261202065940_placed';
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: NAME, class: HaInitialSqlite }, { name: OUTBOX, class: HaOutboxSqlite }, { name: DROP_OUTBOX, class: DropOutboxSqlite }, { name: PLACED, class: PlacedSqlite }],
  mysql: [{ name: NAME, class: HaInitialMysql }, { name: OUTBOX, class: HaOutboxMysql }, { name: DROP_OUTBOX, class: DropOutboxMysql }, { name: PLACED, class: PlacedMysql }],
};
