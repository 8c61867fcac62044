import { Migration } from '../../../../sdk/index.ts';

export class Migration20261202065940_placed extends Migration {

  /**
   * Rows under a group carry its tenant, site and cluster (the resource kit places and scopes them
   * as their group), groups their cluster's site. SQLite cannot add a NOT NULL column without a
   * default to a table with rows, so each table is rebuilt with its rows filled in from the group
   * (the group's from its cluster); a row whose group or cluster is gone gets 0.
   */
  override async up(): Promise<void> {
    this.addSql(`create table \`ha_groups__placed\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`description\` text null, \`services\` mediumtext not null, \`witness\` text null, \`trunks\` mediumtext not null, \`sip_port\` integer not null default 5060, \`ami_port\` integer not null default 5038, \`advert_int\` real not null default 1, \`check_interval\` integer not null default 1, \`check_fall\` integer not null default 2, \`check_rise\` integer not null default 2, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`insert into \`ha_groups__placed\` (\`id\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`name\`, \`description\`, \`services\`, \`witness\`, \`trunks\`, \`sip_port\`, \`ami_port\`, \`advert_int\`, \`check_interval\`, \`check_fall\`, \`check_rise\`, \`created_at\`, \`updated_at\`) select x.\`id\`, x.\`tenant_id\`, coalesce((select c.\`site_id\` from \`clusters\` c where c.\`id\` = x.\`cluster_id\`), 0), x.\`cluster_id\`, x.\`name\`, x.\`description\`, x.\`services\`, x.\`witness\`, x.\`trunks\`, x.\`sip_port\`, x.\`ami_port\`, x.\`advert_int\`, x.\`check_interval\`, x.\`check_fall\`, x.\`check_rise\`, x.\`created_at\`, x.\`updated_at\` from \`ha_groups\` x;`);
    this.addSql(`drop table \`ha_groups\`;`);
    this.addSql(`alter table \`ha_groups__placed\` rename to \`ha_groups\`;`);
    this.addSql(`create index \`ha_groups_tenant_id_index\` on \`ha_groups\` (\`tenant_id\`);`);
    this.addSql(`create index \`ha_groups_site_id_index\` on \`ha_groups\` (\`site_id\`);`);
    this.addSql(`create index \`ha_groups_cluster_id_index\` on \`ha_groups\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`ha_groups_cluster_id_name_unique\` on \`ha_groups\` (\`cluster_id\`, \`name\`);`);
    this.addSql(`create table \`ha_nodes__placed\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`group_id\` integer not null, \`server_id\` integer not null, \`priority\` integer not null, \`interface\` text not null, \`source_address\` text not null, \`replication_address\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`insert into \`ha_nodes__placed\` (\`id\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`group_id\`, \`server_id\`, \`priority\`, \`interface\`, \`source_address\`, \`replication_address\`, \`created_at\`, \`updated_at\`) select x.\`id\`, coalesce(g.\`tenant_id\`, 0), coalesce(g.\`site_id\`, 0), coalesce(g.\`cluster_id\`, 0), x.\`group_id\`, x.\`server_id\`, x.\`priority\`, x.\`interface\`, x.\`source_address\`, x.\`replication_address\`, x.\`created_at\`, x.\`updated_at\` from \`ha_nodes\` x left join \`ha_groups\` g on g.\`id\` = x.\`group_id\`;`);
    this.addSql(`drop table \`ha_nodes\`;`);
    this.addSql(`alter table \`ha_nodes__placed\` rename to \`ha_nodes\`;`);
    this.addSql(`create index \`ha_nodes_tenant_id_index\` on \`ha_nodes\` (\`tenant_id\`);`);
    this.addSql(`create index \`ha_nodes_site_id_index\` on \`ha_nodes\` (\`site_id\`);`);
    this.addSql(`create index \`ha_nodes_cluster_id_index\` on \`ha_nodes\` (\`cluster_id\`);`);
    this.addSql(`create index \`ha_nodes_group_id_index\` on \`ha_nodes\` (\`group_id\`);`);
    this.addSql(`create index \`ha_nodes_server_id_index\` on \`ha_nodes\` (\`server_id\`);`);
    this.addSql(`create unique index \`ha_nodes_group_id_server_id_unique\` on \`ha_nodes\` (\`group_id\`, \`server_id\`);`);
    this.addSql(`create table \`ha_notify_targets__placed\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`group_id\` integer not null, \`type\` text not null, \`target\` text not null, \`enabled\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`insert into \`ha_notify_targets__placed\` (\`id\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`group_id\`, \`type\`, \`target\`, \`enabled\`, \`created_at\`, \`updated_at\`) select x.\`id\`, coalesce(g.\`tenant_id\`, 0), coalesce(g.\`site_id\`, 0), coalesce(g.\`cluster_id\`, 0), x.\`group_id\`, x.\`type\`, x.\`target\`, x.\`enabled\`, x.\`created_at\`, x.\`updated_at\` from \`ha_notify_targets\` x left join \`ha_groups\` g on g.\`id\` = x.\`group_id\`;`);
    this.addSql(`drop table \`ha_notify_targets\`;`);
    this.addSql(`alter table \`ha_notify_targets__placed\` rename to \`ha_notify_targets\`;`);
    this.addSql(`create index \`ha_notify_targets_tenant_id_index\` on \`ha_notify_targets\` (\`tenant_id\`);`);
    this.addSql(`create index \`ha_notify_targets_site_id_index\` on \`ha_notify_targets\` (\`site_id\`);`);
    this.addSql(`create index \`ha_notify_targets_cluster_id_index\` on \`ha_notify_targets\` (\`cluster_id\`);`);
    this.addSql(`create index \`ha_notify_targets_group_id_index\` on \`ha_notify_targets\` (\`group_id\`);`);
    this.addSql(`create table \`ha_sync_paths__placed\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`group_id\` integer not null, \`path\` text not null, \`excludes\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`insert into \`ha_sync_paths__placed\` (\`id\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`group_id\`, \`path\`, \`excludes\`, \`created_at\`, \`updated_at\`) select x.\`id\`, coalesce(g.\`tenant_id\`, 0), coalesce(g.\`site_id\`, 0), coalesce(g.\`cluster_id\`, 0), x.\`group_id\`, x.\`path\`, x.\`excludes\`, x.\`created_at\`, x.\`updated_at\` from \`ha_sync_paths\` x left join \`ha_groups\` g on g.\`id\` = x.\`group_id\`;`);
    this.addSql(`drop table \`ha_sync_paths\`;`);
    this.addSql(`alter table \`ha_sync_paths__placed\` rename to \`ha_sync_paths\`;`);
    this.addSql(`create index \`ha_sync_paths_tenant_id_index\` on \`ha_sync_paths\` (\`tenant_id\`);`);
    this.addSql(`create index \`ha_sync_paths_site_id_index\` on \`ha_sync_paths\` (\`site_id\`);`);
    this.addSql(`create index \`ha_sync_paths_cluster_id_index\` on \`ha_sync_paths\` (\`cluster_id\`);`);
    this.addSql(`create index \`ha_sync_paths_group_id_index\` on \`ha_sync_paths\` (\`group_id\`);`);
    this.addSql(`create table \`ha_vips__placed\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`group_id\` integer not null, \`kind\` text not null, \`address\` text not null, \`prefix\` integer not null, \`interface\` text null, \`virtual_router_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`insert into \`ha_vips__placed\` (\`id\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`group_id\`, \`kind\`, \`address\`, \`prefix\`, \`interface\`, \`virtual_router_id\`, \`created_at\`, \`updated_at\`) select x.\`id\`, coalesce(g.\`tenant_id\`, 0), coalesce(g.\`site_id\`, 0), coalesce(g.\`cluster_id\`, 0), x.\`group_id\`, x.\`kind\`, x.\`address\`, x.\`prefix\`, x.\`interface\`, x.\`virtual_router_id\`, x.\`created_at\`, x.\`updated_at\` from \`ha_vips\` x left join \`ha_groups\` g on g.\`id\` = x.\`group_id\`;`);
    this.addSql(`drop table \`ha_vips\`;`);
    this.addSql(`alter table \`ha_vips__placed\` rename to \`ha_vips\`;`);
    this.addSql(`create index \`ha_vips_tenant_id_index\` on \`ha_vips\` (\`tenant_id\`);`);
    this.addSql(`create index \`ha_vips_site_id_index\` on \`ha_vips\` (\`site_id\`);`);
    this.addSql(`create index \`ha_vips_cluster_id_index\` on \`ha_vips\` (\`cluster_id\`);`);
    this.addSql(`create index \`ha_vips_group_id_index\` on \`ha_vips\` (\`group_id\`);`);
    this.addSql(`create unique index \`ha_vips_group_id_virtual_router_id_unique\` on \`ha_vips\` (\`group_id\`, \`virtual_router_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`ha_groups_site_id_index\`;`);
    this.addSql(`alter table \`ha_groups\` drop column \`site_id\`;`);

    this.addSql(`drop index \`ha_nodes_tenant_id_index\`;`);
    this.addSql(`drop index \`ha_nodes_site_id_index\`;`);
    this.addSql(`drop index \`ha_nodes_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_nodes\` drop column \`tenant_id\`;`);
    this.addSql(`alter table \`ha_nodes\` drop column \`site_id\`;`);
    this.addSql(`alter table \`ha_nodes\` drop column \`cluster_id\`;`);

    this.addSql(`drop index \`ha_notify_targets_tenant_id_index\`;`);
    this.addSql(`drop index \`ha_notify_targets_site_id_index\`;`);
    this.addSql(`drop index \`ha_notify_targets_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop column \`tenant_id\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop column \`site_id\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop column \`cluster_id\`;`);

    this.addSql(`drop index \`ha_sync_paths_tenant_id_index\`;`);
    this.addSql(`drop index \`ha_sync_paths_site_id_index\`;`);
    this.addSql(`drop index \`ha_sync_paths_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop column \`tenant_id\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop column \`site_id\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop column \`cluster_id\`;`);

    this.addSql(`drop index \`ha_vips_tenant_id_index\`;`);
    this.addSql(`drop index \`ha_vips_site_id_index\`;`);
    this.addSql(`drop index \`ha_vips_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_vips\` drop column \`tenant_id\`;`);
    this.addSql(`alter table \`ha_vips\` drop column \`site_id\`;`);
    this.addSql(`alter table \`ha_vips\` drop column \`cluster_id\`;`);
  }

}
