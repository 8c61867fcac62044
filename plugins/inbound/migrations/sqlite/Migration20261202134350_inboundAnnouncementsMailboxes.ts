import { Migration } from '@mikro-orm/migrations';

export class Migration20261202134350_inboundAnnouncementsMailboxes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`inbound_announcements\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`name\` text not null, \`description\` text null, \`prompt\` text not null, \`repeat\` integer not null default 1, \`answer\` integer not null default true, \`then_destination\` mediumtext not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`inbound_announcements_tenant_id_index\` on \`inbound_announcements\` (\`tenant_id\`);`);
    this.addSql(`create index \`inbound_announcements_site_id_index\` on \`inbound_announcements\` (\`site_id\`);`);
    this.addSql(`create index \`inbound_announcements_cluster_id_index\` on \`inbound_announcements\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`inbound_announcements_cluster_id_name_unique\` on \`inbound_announcements\` (\`cluster_id\`, \`name\`);`);

    this.addSql(`create table \`inbound_mailboxes\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`number\` text not null, \`name\` text not null, \`pin\` text null, \`emails\` mediumtext not null, \`queue_id\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`inbound_mailboxes_tenant_id_index\` on \`inbound_mailboxes\` (\`tenant_id\`);`);
    this.addSql(`create index \`inbound_mailboxes_site_id_index\` on \`inbound_mailboxes\` (\`site_id\`);`);
    this.addSql(`create index \`inbound_mailboxes_cluster_id_index\` on \`inbound_mailboxes\` (\`cluster_id\`);`);
    this.addSql(`create index \`inbound_mailboxes_queue_id_index\` on \`inbound_mailboxes\` (\`queue_id\`);`);
    this.addSql(`create unique index \`inbound_mailboxes_cluster_id_number_unique\` on \`inbound_mailboxes\` (\`cluster_id\`, \`number\`);`);

    this.addSql(`alter table \`inbound_hours\` add column \`queue_id\` integer null;`);
    this.addSql(`create unique index \`inbound_hours_tenant_id_queue_id_unique\` on \`inbound_hours\` (\`tenant_id\`, \`queue_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`inbound_announcements\`;`);

    this.addSql(`drop table if exists \`inbound_mailboxes\`;`);

    this.addSql(`drop index \`inbound_hours_tenant_id_queue_id_unique\`;`);
    this.addSql(`alter table \`inbound_hours\` drop column \`queue_id\`;`);
  }

}
