import { Migration } from '@mikro-orm/migrations';

export class Migration20261202034242_secrets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`servers__temp_alter\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`host\` text not null, \`role\` text null, \`ssh_port\` integer not null default 22, \`ssh_user\` text null, \`ssh_password\` text null, \`ssh_private_key\` mediumtext null, \`ssh_host_key\` text null, \`ami_port\` integer not null default 5038, \`ami_user\` text null, \`ami_secret\` text null, \`ari_port\` integer null, \`ari_user\` text null, \`ari_password\` text null, \`sip_port\` integer null, \`enabled\` integer not null default true);`);
    this.addSql(`insert into \`servers__temp_alter\` select \`id\`, \`created_at\`, \`updated_at\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`name\`, \`host\`, \`role\`, \`ssh_port\`, \`ssh_user\`, \`ssh_password\`, \`ssh_private_key\`, \`ssh_host_key\`, \`ami_port\`, \`ami_user\`, \`ami_secret\`, \`ari_port\`, \`ari_user\`, \`ari_password\`, \`sip_port\`, \`enabled\` from \`servers\`;`);
    this.addSql(`drop table \`servers\`;`);
    this.addSql(`alter table \`servers__temp_alter\` rename to \`servers\`;`);
    this.addSql(`create index \`servers_tenant_id_index\` on \`servers\` (\`tenant_id\`);`);
    this.addSql(`create index \`servers_site_id_index\` on \`servers\` (\`site_id\`);`);
    this.addSql(`create index \`servers_cluster_id_index\` on \`servers\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`servers_tenant_id_name_unique\` on \`servers\` (\`tenant_id\`, \`name\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

  override async down(): Promise<void> {
    this.addSql(`pragma foreign_keys = off;`);
    this.addSql(`create table \`servers__temp_alter\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`host\` text not null, \`role\` text null, \`ssh_port\` integer not null default 22, \`ssh_user\` text null, \`ssh_password\` text null, \`ssh_private_key\` text null, \`ssh_host_key\` text null, \`ami_port\` integer not null default 5038, \`ami_user\` text null, \`ami_secret\` text null, \`ari_port\` integer null, \`ari_user\` text null, \`ari_password\` text null, \`sip_port\` integer null, \`enabled\` integer not null default true);`);
    this.addSql(`insert into \`servers__temp_alter\` select \`id\`, \`created_at\`, \`updated_at\`, \`tenant_id\`, \`site_id\`, \`cluster_id\`, \`name\`, \`host\`, \`role\`, \`ssh_port\`, \`ssh_user\`, \`ssh_password\`, \`ssh_private_key\`, \`ssh_host_key\`, \`ami_port\`, \`ami_user\`, \`ami_secret\`, \`ari_port\`, \`ari_user\`, \`ari_password\`, \`sip_port\`, \`enabled\` from \`servers\`;`);
    this.addSql(`drop table \`servers\`;`);
    this.addSql(`alter table \`servers__temp_alter\` rename to \`servers\`;`);
    this.addSql(`create index \`servers_tenant_id_index\` on \`servers\` (\`tenant_id\`);`);
    this.addSql(`create index \`servers_site_id_index\` on \`servers\` (\`site_id\`);`);
    this.addSql(`create index \`servers_cluster_id_index\` on \`servers\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`servers_tenant_id_name_unique\` on \`servers\` (\`tenant_id\`, \`name\`);`);
    this.addSql(`pragma foreign_keys = on;`);
  }

}
