import { Migration } from '@mikro-orm/migrations';

export class Migration20261202073002_inbound_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_hours\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`name\` varchar(40) not null, \`description\` varchar(255) null, \`active\` tinyint(1) not null default true, \`open\` mediumtext not null, \`holidays\` mediumtext not null, \`destinations\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_hours\` add index \`inbound_hours_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`inbound_hours\` add unique \`inbound_hours_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_ivrs\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(40) not null, \`description\` varchar(255) null, \`prompt\` varchar(80) not null, \`timeout\` int not null default 5, \`retries\` int not null default 2, \`direct_dial\` tinyint(1) not null default false, \`options\` mediumtext not null, \`invalid\` mediumtext not null, \`timeout_destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_ivrs\` add index \`inbound_ivrs_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`inbound_ivrs\` add index \`inbound_ivrs_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`inbound_ivrs\` add index \`inbound_ivrs_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`inbound_ivrs\` add unique \`inbound_ivrs_cluster_id_name_unique\`(\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_routes\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`trunk_id\` int null, \`did\` varchar(21) null, \`description\` varchar(255) null, \`caller_id_name_prefix\` varchar(20) null, \`destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`inbound_routes\` add index \`inbound_routes_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`inbound_routes\` add index \`inbound_routes_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`inbound_routes\` add index \`inbound_routes_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`inbound_routes\` add index \`inbound_routes_trunk_id_index\`(\`trunk_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_hours\`;`);

    this.addSql(`drop table if exists \`inbound_ivrs\`;`);

    this.addSql(`drop table if exists \`inbound_routes\`;`);
  }

}
