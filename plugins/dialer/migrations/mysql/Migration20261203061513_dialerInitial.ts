import { Migration } from '@mikro-orm/migrations';

export class Migration20261203061513_dialerInitial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`dialer_attempts\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`campaign_id\` int not null, \`lead_id\` int not null, \`trunk_id\` int not null, \`channel_id\` varchar(64) not null, \`at\` datetime not null, \`outcome\` varchar(12) not null, \`cause\` int null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`abandoned\` tinyint(1) not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dialer_attempts\` add index \`dialer_attempts_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`dialer_attempts\` add index \`dialer_attempts_campaign_id_index\`(\`campaign_id\`);`);
    this.addSql(`alter table \`dialer_attempts\` add index \`dialer_attempts_lead_id_index\`(\`lead_id\`);`);
    this.addSql(`alter table \`dialer_attempts\` add unique \`dialer_attempts_channel_id_unique\`(\`channel_id\`);`);

    this.addSql(`create table \`dialer_campaigns\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(60) not null, \`mode\` varchar(12) not null, \`queue_id\` int null, \`trunk_id\` int not null, \`caller_id\` varchar(200) not null, \`default_country\` varchar(2) not null, \`max_concurrent\` int not null default 10, \`rules\` mediumtext not null, \`abandon_target\` float not null default 3, \`abandon_cap\` float not null default 3, \`greeting\` varchar(80) null, \`message\` varchar(80) null, \`voicemail_drop\` varchar(80) null, \`abandon_message\` varchar(80) not null, \`transfer_digit\` varchar(1) null, \`state\` varchar(12) not null default 'idle', \`state_reason\` varchar(255) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dialer_campaigns\` add index \`dialer_campaigns_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`dialer_campaigns\` add index \`dialer_campaigns_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`dialer_campaigns\` add index \`dialer_campaigns_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`dialer_campaigns\` add unique \`dialer_campaigns_cluster_id_name_unique\`(\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`dialer_dnc\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`number\` varchar(20) not null, \`global\` tinyint(1) not null default false, \`note\` varchar(255) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dialer_dnc\` add index \`dialer_dnc_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`dialer_dnc\` add unique \`dialer_dnc_tenant_id_number_unique\`(\`tenant_id\`, \`number\`);`);

    this.addSql(`create table \`dialer_leads\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`campaign_id\` int not null, \`line\` int not null, \`number\` varchar(20) not null, \`name\` varchar(100) null, \`timezone\` varchar(64) not null, \`timezone_source\` varchar(10) not null, \`fields\` mediumtext not null, \`status\` varchar(10) not null default 'pending', \`result\` varchar(255) null, \`attempts\` int not null default 0, \`next_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`dialer_leads\` add index \`dialer_leads_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`dialer_leads\` add index \`dialer_leads_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`dialer_leads\` add index \`dialer_leads_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`dialer_leads\` add index \`dialer_leads_campaign_id_index\`(\`campaign_id\`);`);
    this.addSql(`alter table \`dialer_leads\` add index \`dialer_leads_campaign_id_status_index\`(\`campaign_id\`, \`status\`);`);
    this.addSql(`alter table \`dialer_leads\` add unique \`dialer_leads_campaign_id_number_unique\`(\`campaign_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`dialer_attempts\`;`);

    this.addSql(`drop table if exists \`dialer_campaigns\`;`);

    this.addSql(`drop table if exists \`dialer_dnc\`;`);

    this.addSql(`drop table if exists \`dialer_leads\`;`);
  }

}
