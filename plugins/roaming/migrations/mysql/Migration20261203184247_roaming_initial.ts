import { Migration } from '@mikro-orm/migrations';

export class Migration20261203184247_roaming_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`roaming_keys\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int not null, \`state\` varchar(10) not null, \`public_key\` text not null, \`private_key\` text not null, \`fingerprint\` varchar(32) not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roaming_keys\` add index \`roaming_keys_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`roaming_keys\` add index \`roaming_keys_cluster_id_index\`(\`cluster_id\`);`);

    this.addSql(`create table \`roaming_links\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int not null, \`peer_cluster_id\` int not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roaming_links\` add index \`roaming_links_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`roaming_links\` add index \`roaming_links_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`roaming_links\` add index \`roaming_links_peer_cluster_id_index\`(\`peer_cluster_id\`);`);
    this.addSql(`alter table \`roaming_links\` add unique \`roaming_links_cluster_id_peer_cluster_id_unique\`(\`cluster_id\`, \`peer_cluster_id\`);`);

    this.addSql(`create table \`roaming_roamers\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`extension_id\` int not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roaming_roamers\` add index \`roaming_roamers_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`roaming_roamers\` add unique \`roaming_roamers_extension_id_unique\`(\`extension_id\`);`);

    this.addSql(`create table \`roaming_standard_numbers\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`number\` varchar(20) not null, \`name\` varchar(40) not null, \`cluster_ids\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roaming_standard_numbers\` add index \`roaming_standard_numbers_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`roaming_standard_numbers\` add unique \`roaming_standard_numbers_tenant_id_number_unique\`(\`tenant_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`roaming_keys\`;`);

    this.addSql(`drop table if exists \`roaming_links\`;`);

    this.addSql(`drop table if exists \`roaming_roamers\`;`);

    this.addSql(`drop table if exists \`roaming_standard_numbers\`;`);
  }

}
