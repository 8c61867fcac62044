import { Migration } from '@mikro-orm/migrations';

export class Migration20261203121558_fax_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`fax_jobs\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int null, \`direction\` varchar(3) not null, \`status\` varchar(10) not null, \`remote_number\` varchar(40) null, \`local_number\` varchar(32) null, \`sender\` varchar(254) null, \`pages\` int null, \`remote_station_id\` varchar(80) null, \`attempts\` int not null default 0, \`fax_status\` varchar(20) null, \`fax_error\` varchar(80) null, \`reason\` varchar(255) null, \`file\` varchar(255) null, \`next_attempt_at\` datetime null, \`started_at\` datetime null, \`finished_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`fax_jobs\` add index \`fax_jobs_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`fax_jobs\` add index \`fax_jobs_status_next_attempt_at_index\`(\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`fax_numbers\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`number\` varchar(32) not null, \`label\` varchar(80) null, \`emails\` varchar(1000) not null, \`owner_user_id\` int null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`fax_numbers\` add index \`fax_numbers_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`fax_numbers\` add index \`fax_numbers_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`fax_numbers\` add index \`fax_numbers_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`fax_numbers\` add unique \`fax_numbers_cluster_id_number_unique\`(\`cluster_id\`, \`number\`);`);

    this.addSql(`create table \`fax_senders\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`email\` varchar(254) not null, \`label\` varchar(80) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`fax_senders\` add index \`fax_senders_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`fax_senders\` add unique \`fax_senders_tenant_id_email_unique\`(\`tenant_id\`, \`email\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`fax_jobs\`;`);

    this.addSql(`drop table if exists \`fax_numbers\`;`);

    this.addSql(`drop table if exists \`fax_senders\`;`);
  }

}
