import { Migration } from '@mikro-orm/migrations';

export class Migration20261202075714_queues_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`queues_cti_hooks\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`url\` varchar(500) not null, \`events\` mediumtext not null, \`enabled\` tinyint(1) not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`queues_cti_hooks\` add index \`queues_cti_hooks_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`queues_cti_hooks\` add unique \`queues_cti_hooks_tenant_id_url_unique\`(\`tenant_id\`, \`url\`);`);

    this.addSql(`create table \`queues_members\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`queue_id\` int not null, \`kind\` varchar(10) not null, \`target_id\` int not null, \`penalty\` int not null default 0, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`queues_members\` add index \`queues_members_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`queues_members\` add index \`queues_members_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`queues_members\` add index \`queues_members_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`queues_members\` add index \`queues_members_queue_id_index\`(\`queue_id\`);`);
    this.addSql(`alter table \`queues_members\` add unique \`queues_members_queue_id_kind_target_id_unique\`(\`queue_id\`, \`kind\`, \`target_id\`);`);

    this.addSql(`create table \`queues_queues\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(40) not null, \`number\` varchar(20) not null, \`description\` varchar(255) null, \`strategy\` varchar(16) not null default 'ringall', \`timeout\` int not null default 15, \`retry\` int not null default 5, \`wrapup_time\` int not null default 0, \`max_callers\` int not null default 0, \`weight\` int not null default 0, \`music_class\` varchar(80) null, \`announce_frequency\` int not null default 0, \`announce_position\` varchar(8) not null default 'no', \`announce_hold_time\` varchar(8) not null default 'no', \`periodic_announce_frequency\` int not null default 0, \`service_level\` int not null default 20, \`join_empty\` varchar(8) not null default 'yes', \`leave_when_empty\` varchar(8) not null default 'no', \`ring_in_use\` tinyint(1) not null default false, \`auto_pause\` varchar(4) not null default 'no', \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`queues_queues\` add index \`queues_queues_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`queues_queues\` add index \`queues_queues_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`queues_queues\` add index \`queues_queues_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`queues_queues\` add unique \`queues_queues_cluster_id_name_unique\`(\`cluster_id\`, \`name\`);`);
    this.addSql(`alter table \`queues_queues\` add unique \`queues_queues_cluster_id_number_unique\`(\`cluster_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`queues_cti_hooks\`;`);

    this.addSql(`drop table if exists \`queues_members\`;`);

    this.addSql(`drop table if exists \`queues_queues\`;`);
  }

}
