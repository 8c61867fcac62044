import { Migration } from '@mikro-orm/migrations';

export class Migration20261202134350_inboundAnnouncementsMailboxes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_announcements\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(40) not null, \`description\` varchar(255) null, \`prompt\` varchar(80) not null, \`repeat\` int not null default 1, \`answer\` tinyint(1) not null default true, \`then_destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_announcements\` add index \`inbound_announcements_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`inbound_announcements\` add index \`inbound_announcements_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`inbound_announcements\` add index \`inbound_announcements_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`inbound_announcements\` add unique \`inbound_announcements_cluster_id_name_unique\`(\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_mailboxes\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`number\` varchar(20) not null, \`name\` varchar(79) not null, \`pin\` text null, \`emails\` mediumtext not null, \`queue_id\` int null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_mailboxes\` add index \`inbound_mailboxes_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`inbound_mailboxes\` add index \`inbound_mailboxes_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`inbound_mailboxes\` add index \`inbound_mailboxes_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`inbound_mailboxes\` add index \`inbound_mailboxes_queue_id_index\`(\`queue_id\`);`);
    this.addSql(`alter table \`inbound_mailboxes\` add unique \`inbound_mailboxes_cluster_id_number_unique\`(\`cluster_id\`, \`number\`);`);

    this.addSql(`alter table \`inbound_hours\` add \`queue_id\` int null;`);
    this.addSql(`alter table \`inbound_hours\` add unique \`inbound_hours_tenant_id_queue_id_unique\`(\`tenant_id\`, \`queue_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_announcements\`;`);

    this.addSql(`drop table if exists \`inbound_mailboxes\`;`);

    this.addSql(`alter table \`inbound_hours\` drop index \`inbound_hours_tenant_id_queue_id_unique\`;`);
    this.addSql(`alter table \`inbound_hours\` drop column \`queue_id\`;`);
  }

}
