import { Migration } from '@mikro-orm/migrations';

export class Migration20261123081937_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`acls\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`name\` text not null, \`description\` text null, \`rules\` mediumtext not null);`);
    this.addSql(`create index \`acls_tenant_id_index\` on \`acls\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`acls_tenant_id_name_unique\` on \`acls\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`audit_events\` (\`id\` integer not null primary key autoincrement, \`at\` datetime not null, \`tenant_id\` integer null, \`user_id\` integer null, \`username\` text null, \`action\` text not null, \`target\` text null, \`target_id\` text null, \`before\` mediumtext null, \`after\` mediumtext null, \`ip\` text null);`);
    this.addSql(`create index \`audit_events_tenant_id_index\` on \`audit_events\` (\`tenant_id\`);`);
    this.addSql(`create index \`audit_events_user_id_index\` on \`audit_events\` (\`user_id\`);`);
    this.addSql(`create index \`audit_events_at_index\` on \`audit_events\` (\`at\`);`);

    this.addSql(`create table \`change_set_entries\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer null, \`entity\` text not null, \`entity_id\` integer not null, \`action\` text not null, \`before\` mediumtext null, \`after\` mediumtext null, \`user_id\` integer null, \`username\` text null, \`created_at\` datetime not null, \`revision_id\` integer null);`);
    this.addSql(`create index \`change_set_entries_tenant_id_index\` on \`change_set_entries\` (\`tenant_id\`);`);
    this.addSql(`create index \`change_set_entries_cluster_id_index\` on \`change_set_entries\` (\`cluster_id\`);`);
    this.addSql(`create index \`change_set_entries_user_id_index\` on \`change_set_entries\` (\`user_id\`);`);
    this.addSql(`create index \`change_set_entries_revision_id_index\` on \`change_set_entries\` (\`revision_id\`);`);
    this.addSql(`create index \`change_set_entries_cluster_id_revision_id_index\` on \`change_set_entries\` (\`cluster_id\`, \`revision_id\`);`);

    this.addSql(`create table \`clusters\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`name\` text not null, \`description\` text null, \`vip\` text null, \`asterisk_config_dir\` text null);`);
    this.addSql(`create index \`clusters_tenant_id_index\` on \`clusters\` (\`tenant_id\`);`);
    this.addSql(`create index \`clusters_site_id_index\` on \`clusters\` (\`site_id\`);`);
    this.addSql(`create unique index \`clusters_tenant_id_name_unique\` on \`clusters\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`extensions\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`group_id\` integer null, \`name\` text not null, \`extension\` text not null, \`caller_id\` text null, \`default_user\` text null, \`auth_user\` text null, \`secret\` text null, \`mailbox\` text null, \`vm_secret\` text null, \`account_code\` text null, \`context\` text null, \`ama_flags\` text null, \`call_group\` text null, \`can_reinvite\` text null, \`default_ip\` text null, \`dtmf_mode\` text null, \`from_user\` text null, \`from_domain\` text null, \`full_contact\` text null, \`host\` text null, \`insecure\` text null, \`language\` text null, \`md5secret\` text null, \`nat\` text null, \`acl\` text null, \`deny\` text null, \`permit\` text null, \`mask\` text null, \`pickup_group\` text null, \`port\` text null, \`qualify\` text null, \`restrict_cid\` text null, \`rtp_timeout\` text null, \`rtp_hold_timeout\` text null, \`type\` text null, \`disallow\` text null, \`allow\` text null, \`music_on_hold\` text null, \`reg_seconds\` integer null, \`ip_addr\` text null, \`can_call_forward\` text null, \`call_limit\` integer null, \`last_ms\` integer null, \`user_agent\` text null, \`reg_server\` text null, \`phone_prov\` text null, \`phone_mac\` text null, \`profile\` text null, \`protocol\` text null, \`encryption\` text null, \`fallback\` text null, \`ext_status\` integer null, \`agent_status\` text null, \`queue\` text null, \`calls_din\` integer null, \`calls_qin\` integer null, \`calls_out\` integer null, \`vm_unread\` integer null, \`vm_old\` integer null, \`cfwd_set\` text null, \`cfwd_to\` text null, \`callback_extension\` text null, \`directory\` text null);`);
    this.addSql(`create index \`extensions_tenant_id_index\` on \`extensions\` (\`tenant_id\`);`);
    this.addSql(`create index \`extensions_site_id_index\` on \`extensions\` (\`site_id\`);`);
    this.addSql(`create index \`extensions_cluster_id_index\` on \`extensions\` (\`cluster_id\`);`);
    this.addSql(`create index \`extensions_group_id_index\` on \`extensions\` (\`group_id\`);`);
    this.addSql(`create index \`extensions_tenant_id_extension_index\` on \`extensions\` (\`tenant_id\`, \`extension\`);`);
    this.addSql(`create unique index \`extensions_cluster_id_extension_unique\` on \`extensions\` (\`cluster_id\`, \`extension\`);`);

    this.addSql(`create table \`extension_groups\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`name\` text not null, \`description\` text null, \`context\` text null, \`rights\` mediumtext null, \`template_extension_id\` integer null);`);
    this.addSql(`create index \`extension_groups_tenant_id_index\` on \`extension_groups\` (\`tenant_id\`);`);
    this.addSql(`create index \`extension_groups_template_extension_id_index\` on \`extension_groups\` (\`template_extension_id\`);`);
    this.addSql(`create unique index \`extension_groups_tenant_id_name_unique\` on \`extension_groups\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`licenses\` (\`id\` integer not null primary key autoincrement, \`kind\` text not null, \`content\` text not null, \`installed_at\` datetime not null, \`active\` integer not null default true);`);

    this.addSql(`create table \`plugin_states\` (\`id\` integer not null primary key autoincrement, \`site\` text not null, \`plugin_id\` text not null, \`enabled\` integer not null default true, \`updated_at\` datetime not null);`);
    this.addSql(`create unique index \`plugin_states_site_plugin_id_unique\` on \`plugin_states\` (\`site\`, \`plugin_id\`);`);

    this.addSql(`create table \`roles\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`description\` text null, \`permissions\` mediumtext not null);`);
    this.addSql(`create unique index \`roles_name_unique\` on \`roles\` (\`name\`);`);

    this.addSql(`create table \`servers\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`host\` text not null, \`role\` text null, \`ssh_port\` integer not null default 22, \`ssh_user\` text null, \`ssh_password\` text null, \`ssh_private_key\` text null, \`ssh_host_key\` text null, \`ami_port\` integer not null default 5038, \`ami_user\` text null, \`ami_secret\` text null, \`ari_port\` integer null, \`ari_user\` text null, \`ari_password\` text null, \`sip_port\` integer null, \`enabled\` integer not null default true);`);
    this.addSql(`create index \`servers_tenant_id_index\` on \`servers\` (\`tenant_id\`);`);
    this.addSql(`create index \`servers_site_id_index\` on \`servers\` (\`site_id\`);`);
    this.addSql(`create index \`servers_cluster_id_index\` on \`servers\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`servers_tenant_id_name_unique\` on \`servers\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`sessions\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`token_hash\` text not null, \`kind\` text not null, \`name\` text null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`last_used_at\` datetime null);`);
    this.addSql(`create index \`sessions_user_id_index\` on \`sessions\` (\`user_id\`);`);
    this.addSql(`create unique index \`sessions_token_hash_unique\` on \`sessions\` (\`token_hash\`);`);

    this.addSql(`create table \`sites\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`name\` text not null, \`description\` text null, \`timezone\` text null);`);
    this.addSql(`create index \`sites_tenant_id_index\` on \`sites\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`sites_tenant_id_name_unique\` on \`sites\` (\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`tenants\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` text not null, \`description\` text null, \`dial_prefix\` text null);`);
    this.addSql(`create unique index \`tenants_name_unique\` on \`tenants\` (\`name\`);`);

    this.addSql(`create table \`trunks\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`host\` text null, \`port\` integer null, \`transport\` text null, \`username\` text null, \`secret\` text null, \`from_domain\` text null, \`from_user\` text null, \`register\` integer not null default false, \`codecs\` text null, \`acl\` text null, \`context\` text null, \`max_channels\` integer null, \`dial_prefix\` text null, \`outbound_patterns\` mediumtext null, \`qualify\` integer not null default true, \`registration_status\` text null);`);
    this.addSql(`create index \`trunks_tenant_id_index\` on \`trunks\` (\`tenant_id\`);`);
    this.addSql(`create index \`trunks_site_id_index\` on \`trunks\` (\`site_id\`);`);
    this.addSql(`create index \`trunks_cluster_id_index\` on \`trunks\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`trunks_cluster_id_name_unique\` on \`trunks\` (\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`users\` (\`id\` integer not null primary key autoincrement, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` integer null, \`username\` text not null, \`password_hash\` text not null, \`role\` text not null, \`scopes\` mediumtext not null, \`totp_secret\` text null, \`last_login_at\` datetime null, \`enabled\` integer not null default true, \`full_name\` text null, \`email\` text null);`);
    this.addSql(`create index \`users_tenant_id_index\` on \`users\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`users_username_unique\` on \`users\` (\`username\`);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `users`;');
    this.addSql('drop table if exists `trunks`;');
    this.addSql('drop table if exists `tenants`;');
    this.addSql('drop table if exists `sites`;');
    this.addSql('drop table if exists `sessions`;');
    this.addSql('drop table if exists `servers`;');
    this.addSql('drop table if exists `roles`;');
    this.addSql('drop table if exists `plugin_states`;');
    this.addSql('drop table if exists `licenses`;');
    this.addSql('drop table if exists `extension_groups`;');
    this.addSql('drop table if exists `extensions`;');
    this.addSql('drop table if exists `clusters`;');
    this.addSql('drop table if exists `change_set_entries`;');
    this.addSql('drop table if exists `audit_events`;');
    this.addSql('drop table if exists `acls`;');
  }

}
