import { Migration } from '@mikro-orm/migrations';

export class Migration20261123081937_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`acls\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`name\` varchar(80) not null, \`description\` varchar(255) null, \`rules\` mediumtext not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`acls\` add index \`acls_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`acls\` add unique \`acls_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`audit_events\` (\`id\` int unsigned not null auto_increment primary key, \`at\` datetime not null, \`tenant_id\` int null, \`user_id\` int null, \`username\` varchar(80) null, \`action\` varchar(80) not null, \`target\` varchar(40) null, \`target_id\` varchar(40) null, \`before\` mediumtext null, \`after\` mediumtext null, \`ip\` varchar(64) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`audit_events\` add index \`audit_events_at_index\`(\`at\`);`);

    this.addSql(`create table \`change_set_entries\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int null, \`entity\` varchar(40) not null, \`entity_id\` int not null, \`action\` varchar(10) not null, \`before\` mediumtext null, \`after\` mediumtext null, \`user_id\` int null, \`username\` varchar(80) null, \`created_at\` datetime not null, \`revision_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`change_set_entries\` add index \`change_set_entries_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`change_set_entries\` add index \`change_set_entries_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`change_set_entries\` add index \`change_set_entries_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`change_set_entries\` add index \`change_set_entries_revision_id_index\`(\`revision_id\`);`);
    this.addSql(`alter table \`change_set_entries\` add index \`change_set_entries_cluster_id_revision_id_index\`(\`cluster_id\`, \`revision_id\`);`);

    this.addSql(`create table \`clusters\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`site_id\` int not null, \`name\` varchar(80) not null, \`description\` varchar(255) null, \`vip\` varchar(64) null, \`asterisk_config_dir\` varchar(255) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`clusters\` add index \`clusters_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`clusters\` add index \`clusters_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`clusters\` add unique \`clusters_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`extensions\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`group_id\` int null, \`name\` varchar(80) not null, \`extension\` varchar(20) not null, \`caller_id\` varchar(80) null, \`default_user\` varchar(80) null, \`auth_user\` varchar(22) null, \`secret\` varchar(80) null, \`mailbox\` varchar(50) null, \`vm_secret\` varchar(22) null, \`account_code\` varchar(20) null, \`context\` varchar(80) null, \`ama_flags\` varchar(13) null, \`call_group\` varchar(40) null, \`can_reinvite\` varchar(3) null, \`default_ip\` varchar(45) null, \`dtmf_mode\` varchar(10) null, \`from_user\` varchar(80) null, \`from_domain\` varchar(80) null, \`full_contact\` varchar(255) null, \`host\` varchar(255) null, \`insecure\` varchar(20) null, \`language\` varchar(5) null, \`md5secret\` varchar(80) null, \`nat\` varchar(20) null, \`acl\` varchar(80) null, \`deny\` varchar(95) null, \`permit\` varchar(95) null, \`mask\` varchar(95) null, \`pickup_group\` varchar(40) null, \`port\` varchar(5) null, \`qualify\` varchar(5) null, \`restrict_cid\` varchar(3) null, \`rtp_timeout\` varchar(5) null, \`rtp_hold_timeout\` varchar(5) null, \`type\` varchar(6) null, \`disallow\` varchar(100) null, \`allow\` varchar(100) null, \`music_on_hold\` varchar(100) null, \`reg_seconds\` int null, \`ip_addr\` varchar(45) null, \`can_call_forward\` varchar(3) null, \`call_limit\` int null, \`last_ms\` int null, \`user_agent\` varchar(255) null, \`reg_server\` varchar(100) null, \`phone_prov\` varchar(255) null, \`phone_mac\` varchar(17) null, \`profile\` varchar(15) null, \`protocol\` varchar(10) null, \`encryption\` varchar(3) null, \`fallback\` varchar(80) null, \`ext_status\` int null, \`agent_status\` varchar(40) null, \`queue\` varchar(80) null, \`calls_din\` int null, \`calls_qin\` int null, \`calls_out\` int null, \`vm_unread\` int null, \`vm_old\` int null, \`cfwd_set\` varchar(3) null, \`cfwd_to\` varchar(40) null, \`callback_extension\` varchar(15) null, \`directory\` varchar(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`extensions\` add index \`extensions_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`extensions\` add index \`extensions_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`extensions\` add index \`extensions_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`extensions\` add index \`extensions_group_id_index\`(\`group_id\`);`);
    this.addSql(`alter table \`extensions\` add index \`extensions_tenant_id_extension_index\`(\`tenant_id\`, \`extension\`);`);
    this.addSql(`alter table \`extensions\` add unique \`extensions_cluster_id_extension_unique\`(\`cluster_id\`, \`extension\`);`);

    this.addSql(`create table \`extension_groups\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`name\` varchar(80) not null, \`description\` varchar(255) null, \`context\` varchar(80) null, \`rights\` mediumtext null, \`template_extension_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`extension_groups\` add index \`extension_groups_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`extension_groups\` add index \`extension_groups_template_extension_id_index\`(\`template_extension_id\`);`);
    this.addSql(`alter table \`extension_groups\` add unique \`extension_groups_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`licenses\` (\`id\` int unsigned not null auto_increment primary key, \`kind\` varchar(12) not null, \`content\` text not null, \`installed_at\` datetime not null, \`active\` tinyint(1) not null default true) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`plugin_states\` (\`id\` int unsigned not null auto_increment primary key, \`site\` varchar(80) not null, \`plugin_id\` varchar(80) not null, \`enabled\` tinyint(1) not null default true, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`plugin_states\` add unique \`plugin_states_site_plugin_id_unique\`(\`site\`, \`plugin_id\`);`);

    this.addSql(`create table \`roles\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` varchar(40) not null, \`description\` varchar(255) null, \`permissions\` mediumtext not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`roles\` add unique \`roles_name_unique\`(\`name\`);`);

    this.addSql(`create table \`servers\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(80) not null, \`host\` varchar(255) not null, \`role\` varchar(16) null, \`ssh_port\` int not null default 22, \`ssh_user\` varchar(64) null, \`ssh_password\` varchar(255) null, \`ssh_private_key\` text null, \`ssh_host_key\` varchar(255) null, \`ami_port\` int not null default 5038, \`ami_user\` varchar(64) null, \`ami_secret\` varchar(255) null, \`ari_port\` int null, \`ari_user\` varchar(64) null, \`ari_password\` varchar(255) null, \`sip_port\` int null, \`enabled\` tinyint(1) not null default true) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`servers\` add index \`servers_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`servers\` add index \`servers_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`servers\` add index \`servers_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`servers\` add unique \`servers_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`sessions\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int not null, \`token_hash\` varchar(64) not null, \`kind\` varchar(10) not null, \`name\` varchar(80) null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`last_used_at\` datetime null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sessions\` add index \`sessions_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`sessions\` add unique \`sessions_token_hash_unique\`(\`token_hash\`);`);

    this.addSql(`create table \`sites\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`name\` varchar(80) not null, \`description\` varchar(255) null, \`timezone\` varchar(64) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`sites\` add index \`sites_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`sites\` add unique \`sites_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);

    this.addSql(`create table \`tenants\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`name\` varchar(80) not null, \`description\` varchar(255) null, \`dial_prefix\` varchar(16) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`tenants\` add unique \`tenants_name_unique\`(\`name\`);`);

    this.addSql(`create table \`trunks\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`name\` varchar(80) not null, \`host\` varchar(255) null, \`port\` int null, \`transport\` varchar(8) null, \`username\` varchar(80) null, \`secret\` varchar(255) null, \`from_domain\` varchar(255) null, \`from_user\` varchar(80) null, \`register\` tinyint(1) not null default false, \`codecs\` varchar(100) null, \`acl\` varchar(80) null, \`context\` varchar(80) null, \`max_channels\` int null, \`dial_prefix\` varchar(16) null, \`outbound_patterns\` mediumtext null, \`qualify\` tinyint(1) not null default true, \`registration_status\` varchar(40) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`trunks\` add index \`trunks_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`trunks\` add index \`trunks_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`trunks\` add index \`trunks_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`trunks\` add unique \`trunks_cluster_id_name_unique\`(\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`tenant_id\` int null, \`username\` varchar(80) not null, \`password_hash\` varchar(255) not null, \`role\` varchar(40) not null, \`scopes\` mediumtext not null, \`totp_secret\` varchar(64) null, \`last_login_at\` datetime null, \`enabled\` tinyint(1) not null default true, \`full_name\` varchar(120) null, \`email\` varchar(255) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add index \`users_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`users\` add unique \`users_username_unique\`(\`username\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`acls\`;`);

    this.addSql(`drop table if exists \`audit_events\`;`);

    this.addSql(`drop table if exists \`change_set_entries\`;`);

    this.addSql(`drop table if exists \`clusters\`;`);

    this.addSql(`drop table if exists \`extensions\`;`);

    this.addSql(`drop table if exists \`extension_groups\`;`);

    this.addSql(`drop table if exists \`licenses\`;`);

    this.addSql(`drop table if exists \`plugin_states\`;`);

    this.addSql(`drop table if exists \`roles\`;`);

    this.addSql(`drop table if exists \`servers\`;`);

    this.addSql(`drop table if exists \`sessions\`;`);

    this.addSql(`drop table if exists \`sites\`;`);

    this.addSql(`drop table if exists \`tenants\`;`);

    this.addSql(`drop table if exists \`trunks\`;`);

    this.addSql(`drop table if exists \`users\`;`);
  }

}
