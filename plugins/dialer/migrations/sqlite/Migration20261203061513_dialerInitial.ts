import { Migration } from '@mikro-orm/migrations';

export class Migration20261203061513_dialerInitial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`dialer_attempts\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`campaign_id\` integer not null, \`lead_id\` integer not null, \`trunk_id\` integer not null, \`channel_id\` text not null, \`at\` datetime not null, \`outcome\` text not null, \`cause\` integer null, \`answered_at\` datetime null, \`ended_at\` datetime null, \`abandoned\` integer not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`dialer_attempts_tenant_id_index\` on \`dialer_attempts\` (\`tenant_id\`);`);
    this.addSql(`create index \`dialer_attempts_campaign_id_index\` on \`dialer_attempts\` (\`campaign_id\`);`);
    this.addSql(`create index \`dialer_attempts_lead_id_index\` on \`dialer_attempts\` (\`lead_id\`);`);
    this.addSql(`create unique index \`dialer_attempts_channel_id_unique\` on \`dialer_attempts\` (\`channel_id\`);`);

    this.addSql(`create table \`dialer_campaigns\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`mode\` text not null, \`queue_id\` integer null, \`trunk_id\` integer not null, \`caller_id\` text not null, \`default_country\` text not null, \`max_concurrent\` integer not null default 10, \`rules\` mediumtext not null, \`abandon_target\` real not null default 3, \`abandon_cap\` real not null default 3, \`greeting\` text null, \`message\` text null, \`voicemail_drop\` text null, \`abandon_message\` text not null, \`transfer_digit\` text null, \`state\` text not null default 'idle', \`state_reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`dialer_campaigns_tenant_id_index\` on \`dialer_campaigns\` (\`tenant_id\`);`);
    this.addSql(`create index \`dialer_campaigns_site_id_index\` on \`dialer_campaigns\` (\`site_id\`);`);
    this.addSql(`create index \`dialer_campaigns_cluster_id_index\` on \`dialer_campaigns\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`dialer_campaigns_cluster_id_name_unique\` on \`dialer_campaigns\` (\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`dialer_dnc\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`number\` text not null, \`global\` integer not null default false, \`note\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`dialer_dnc_tenant_id_index\` on \`dialer_dnc\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`dialer_dnc_tenant_id_number_unique\` on \`dialer_dnc\` (\`tenant_id\`, \`number\`);`);

    this.addSql(`create table \`dialer_leads\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`campaign_id\` integer not null, \`line\` integer not null, \`number\` text not null, \`name\` text null, \`timezone\` text not null, \`timezone_source\` text not null, \`fields\` mediumtext not null, \`status\` text not null default 'pending', \`result\` text null, \`attempts\` integer not null default 0, \`next_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`dialer_leads_tenant_id_index\` on \`dialer_leads\` (\`tenant_id\`);`);
    this.addSql(`create index \`dialer_leads_site_id_index\` on \`dialer_leads\` (\`site_id\`);`);
    this.addSql(`create index \`dialer_leads_cluster_id_index\` on \`dialer_leads\` (\`cluster_id\`);`);
    this.addSql(`create index \`dialer_leads_campaign_id_index\` on \`dialer_leads\` (\`campaign_id\`);`);
    this.addSql(`create index \`dialer_leads_campaign_id_status_index\` on \`dialer_leads\` (\`campaign_id\`, \`status\`);`);
    this.addSql(`create unique index \`dialer_leads_campaign_id_number_unique\` on \`dialer_leads\` (\`campaign_id\`, \`number\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`dialer_attempts\`;`);

    this.addSql(`drop table if exists \`dialer_campaigns\`;`);

    this.addSql(`drop table if exists \`dialer_dnc\`;`);

    this.addSql(`drop table if exists \`dialer_leads\`;`);
  }

}
