import { Migration } from '@mikro-orm/migrations';

export class Migration20261203184247_roaming_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`roaming_keys\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer not null, \`state\` text not null, \`public_key\` text not null, \`private_key\` text not null, \`fingerprint\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`roaming_keys_tenant_id_index\` on \`roaming_keys\` (\`tenant_id\`);`);
    this.addSql(`create index \`roaming_keys_cluster_id_index\` on \`roaming_keys\` (\`cluster_id\`);`);

    this.addSql(`create table \`roaming_links\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer not null, \`peer_cluster_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`roaming_links_tenant_id_index\` on \`roaming_links\` (\`tenant_id\`);`);
    this.addSql(`create index \`roaming_links_cluster_id_index\` on \`roaming_links\` (\`cluster_id\`);`);
    this.addSql(`create index \`roaming_links_peer_cluster_id_index\` on \`roaming_links\` (\`peer_cluster_id\`);`);
    this.addSql(`create unique index \`roaming_links_cluster_id_peer_cluster_id_unique\` on \`roaming_links\` (\`cluster_id\`, \`peer_cluster_id\`);`);

    this.addSql(`create table \`roaming_roamers\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`extension_id\` integer not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`roaming_roamers_tenant_id_index\` on \`roaming_roamers\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`roaming_roamers_extension_id_unique\` on \`roaming_roamers\` (\`extension_id\`);`);

    this.addSql(`create table \`roaming_standard_numbers\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`number\` text not null, \`name\` text not null, \`cluster_ids\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`roaming_standard_numbers_tenant_id_index\` on \`roaming_standard_numbers\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`roaming_standard_numbers_tenant_id_number_unique\` on \`roaming_standard_numbers\` (\`tenant_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`roaming_keys\`;`);

    this.addSql(`drop table if exists \`roaming_links\`;`);

    this.addSql(`drop table if exists \`roaming_roamers\`;`);

    this.addSql(`drop table if exists \`roaming_standard_numbers\`;`);
  }

}
