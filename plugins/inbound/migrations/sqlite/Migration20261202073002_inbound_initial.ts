import { Migration } from '@mikro-orm/migrations';

export class Migration20261202073002_inbound_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_hours\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`name\` text not null, \`description\` text null, \`active\` integer not null default true, \`open\` mediumtext not null, \`holidays\` mediumtext not null, \`destinations\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`inbound_hours_tenant_id_index\` on \`inbound_hours\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`inbound_hours_tenant_id_name_unique\` on \`inbound_hours\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_ivrs\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`description\` text null, \`prompt\` text not null, \`timeout\` integer not null default 5, \`retries\` integer not null default 2, \`direct_dial\` integer not null default false, \`options\` mediumtext not null, \`invalid\` mediumtext not null, \`timeout_destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`inbound_ivrs_tenant_id_index\` on \`inbound_ivrs\` (\`tenant_id\`);`);
    this.addSql(`create index \`inbound_ivrs_site_id_index\` on \`inbound_ivrs\` (\`site_id\`);`);
    this.addSql(`create index \`inbound_ivrs_cluster_id_index\` on \`inbound_ivrs\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`inbound_ivrs_cluster_id_name_unique\` on \`inbound_ivrs\` (\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_routes\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`trunk_id\` integer null, \`did\` text null, \`description\` text null, \`caller_id_name_prefix\` text null, \`destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`inbound_routes_tenant_id_index\` on \`inbound_routes\` (\`tenant_id\`);`);
    this.addSql(`create index \`inbound_routes_site_id_index\` on \`inbound_routes\` (\`site_id\`);`);
    this.addSql(`create index \`inbound_routes_cluster_id_index\` on \`inbound_routes\` (\`cluster_id\`);`);
    this.addSql(`create index \`inbound_routes_trunk_id_index\` on \`inbound_routes\` (\`trunk_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_hours\`;`);

    this.addSql(`drop table if exists \`inbound_ivrs\`;`);

    this.addSql(`drop table if exists \`inbound_routes\`;`);
  }

}
