import { Migration } from '@mikro-orm/migrations';

export class Migration20261202075714_queues_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`queues_cti_hooks\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`url\` text not null, \`events\` mediumtext not null, \`enabled\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`queues_cti_hooks_tenant_id_index\` on \`queues_cti_hooks\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`queues_cti_hooks_tenant_id_url_unique\` on \`queues_cti_hooks\` (\`tenant_id\`, \`url\`);`);

    this.addSql(`create table \`queues_members\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`queue_id\` integer not null, \`kind\` text not null, \`target_id\` integer not null, \`penalty\` integer not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`queues_members_tenant_id_index\` on \`queues_members\` (\`tenant_id\`);`);
    this.addSql(`create index \`queues_members_site_id_index\` on \`queues_members\` (\`site_id\`);`);
    this.addSql(`create index \`queues_members_cluster_id_index\` on \`queues_members\` (\`cluster_id\`);`);
    this.addSql(`create index \`queues_members_queue_id_index\` on \`queues_members\` (\`queue_id\`);`);
    this.addSql(`create unique index \`queues_members_queue_id_kind_target_id_unique\` on \`queues_members\` (\`queue_id\`, \`kind\`, \`target_id\`);`);

    this.addSql(`create table \`queues_queues\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`number\` text not null, \`description\` text null, \`strategy\` text not null default 'ringall', \`timeout\` integer not null default 15, \`retry\` integer not null default 5, \`wrapup_time\` integer not null default 0, \`max_callers\` integer not null default 0, \`weight\` integer not null default 0, \`music_class\` text null, \`announce_frequency\` integer not null default 0, \`announce_position\` text not null default 'no', \`announce_hold_time\` text not null default 'no', \`periodic_announce_frequency\` integer not null default 0, \`service_level\` integer not null default 20, \`join_empty\` text not null default 'yes', \`leave_when_empty\` text not null default 'no', \`ring_in_use\` integer not null default false, \`auto_pause\` text not null default 'no', \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`queues_queues_tenant_id_index\` on \`queues_queues\` (\`tenant_id\`);`);
    this.addSql(`create index \`queues_queues_site_id_index\` on \`queues_queues\` (\`site_id\`);`);
    this.addSql(`create index \`queues_queues_cluster_id_index\` on \`queues_queues\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`queues_queues_cluster_id_name_unique\` on \`queues_queues\` (\`cluster_id\`, \`name\`);`);
    this.addSql(`create unique index \`queues_queues_cluster_id_number_unique\` on \`queues_queues\` (\`cluster_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`queues_cti_hooks\`;`);

    this.addSql(`drop table if exists \`queues_members\`;`);

    this.addSql(`drop table if exists \`queues_queues\`;`);
  }

}
