import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070232_blacklist_targets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`security_blacklist\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`address\` text not null, \`reason\` text null, \`expires_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`security_blacklist_tenant_id_index\` on \`security_blacklist\` (\`tenant_id\`);`);
    this.addSql(`create index \`security_blacklist_site_id_index\` on \`security_blacklist\` (\`site_id\`);`);
    this.addSql(`create index \`security_blacklist_cluster_id_index\` on \`security_blacklist\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`security_blacklist_cluster_id_address_unique\` on \`security_blacklist\` (\`cluster_id\`, \`address\`);`);

    this.addSql(`create table \`security_targets\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`type\` text not null, \`target\` text not null, \`min_level\` integer null, \`enabled\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`security_targets_tenant_id_index\` on \`security_targets\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`security_targets_tenant_id_type_target_unique\` on \`security_targets\` (\`tenant_id\`, \`type\`, \`target\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`security_blacklist\`;`);

    this.addSql(`drop table if exists \`security_targets\`;`);
  }

}
