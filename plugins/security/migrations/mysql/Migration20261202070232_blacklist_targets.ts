import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070232_blacklist_targets extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`security_blacklist\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`address\` varchar(49) not null, \`reason\` varchar(255) null, \`expires_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`security_blacklist\` add index \`security_blacklist_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`security_blacklist\` add index \`security_blacklist_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`security_blacklist\` add index \`security_blacklist_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`security_blacklist\` add unique \`security_blacklist_cluster_id_address_unique\`(\`cluster_id\`, \`address\`);`);

    this.addSql(`create table \`security_targets\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`type\` varchar(10) not null, \`target\` varchar(255) not null, \`min_level\` int null, \`enabled\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`security_targets\` add index \`security_targets_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`security_targets\` add unique \`security_targets_tenant_id_type_target_unique\`(\`tenant_id\`, \`type\`, \`target\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`security_blacklist\`;`);

    this.addSql(`drop table if exists \`security_targets\`;`);
  }

}
