import { Migration } from '@mikro-orm/migrations';

export class Migration20261203191823_hotdeskInitial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`hotdesk_phones\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`extension_id\` int not null, \`desk\` varchar(80) not null, \`emergency_caller_id\` varchar(200) not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`hotdesk_phones\` add index \`hotdesk_phones_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`hotdesk_phones\` add index \`hotdesk_phones_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`hotdesk_phones\` add index \`hotdesk_phones_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`hotdesk_phones\` add index \`hotdesk_phones_extension_id_index\`(\`extension_id\`);`);
    this.addSql(`alter table \`hotdesk_phones\` add unique \`hotdesk_phones_cluster_id_extension_id_unique\`(\`cluster_id\`, \`extension_id\`);`);

    this.addSql(`create table \`hotdesk_sessions\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int not null, \`phone_id\` int not null, \`user_extension_id\` int not null, \`source\` varchar(10) not null, \`since\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`hotdesk_sessions\` add index \`hotdesk_sessions_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`hotdesk_sessions\` add index \`hotdesk_sessions_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`hotdesk_sessions\` add unique \`hotdesk_sessions_phone_id_unique\`(\`phone_id\`);`);
    this.addSql(`alter table \`hotdesk_sessions\` add unique \`hotdesk_sessions_user_extension_id_unique\`(\`user_extension_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`hotdesk_phones\`;`);

    this.addSql(`drop table if exists \`hotdesk_sessions\`;`);
  }

}
