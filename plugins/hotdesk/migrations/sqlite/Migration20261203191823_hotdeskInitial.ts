import { Migration } from '@mikro-orm/migrations';

export class Migration20261203191823_hotdeskInitial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`hotdesk_phones\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`extension_id\` integer not null, \`desk\` text not null, \`emergency_caller_id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`hotdesk_phones_tenant_id_index\` on \`hotdesk_phones\` (\`tenant_id\`);`);
    this.addSql(`create index \`hotdesk_phones_site_id_index\` on \`hotdesk_phones\` (\`site_id\`);`);
    this.addSql(`create index \`hotdesk_phones_cluster_id_index\` on \`hotdesk_phones\` (\`cluster_id\`);`);
    this.addSql(`create index \`hotdesk_phones_extension_id_index\` on \`hotdesk_phones\` (\`extension_id\`);`);
    this.addSql(`create unique index \`hotdesk_phones_cluster_id_extension_id_unique\` on \`hotdesk_phones\` (\`cluster_id\`, \`extension_id\`);`);

    this.addSql(`create table \`hotdesk_sessions\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer not null, \`phone_id\` integer not null, \`user_extension_id\` integer not null, \`source\` text not null, \`since\` datetime not null);`);
    this.addSql(`create index \`hotdesk_sessions_tenant_id_index\` on \`hotdesk_sessions\` (\`tenant_id\`);`);
    this.addSql(`create index \`hotdesk_sessions_cluster_id_index\` on \`hotdesk_sessions\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`hotdesk_sessions_phone_id_unique\` on \`hotdesk_sessions\` (\`phone_id\`);`);
    this.addSql(`create unique index \`hotdesk_sessions_user_extension_id_unique\` on \`hotdesk_sessions\` (\`user_extension_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`hotdesk_phones\`;`);

    this.addSql(`drop table if exists \`hotdesk_sessions\`;`);
  }

}
