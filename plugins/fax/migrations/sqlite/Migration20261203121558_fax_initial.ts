import { Migration } from '@mikro-orm/migrations';

export class Migration20261203121558_fax_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`fax_jobs\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer null, \`direction\` text not null, \`status\` text not null, \`remote_number\` text null, \`local_number\` text null, \`sender\` text null, \`pages\` integer null, \`remote_station_id\` text null, \`attempts\` integer not null default 0, \`fax_status\` text null, \`fax_error\` text null, \`reason\` text null, \`file\` text null, \`next_attempt_at\` datetime null, \`started_at\` datetime null, \`finished_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`fax_jobs_tenant_id_index\` on \`fax_jobs\` (\`tenant_id\`);`);
    this.addSql(`create index \`fax_jobs_status_next_attempt_at_index\` on \`fax_jobs\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`fax_numbers\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`number\` text not null, \`label\` text null, \`emails\` text not null, \`owner_user_id\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`fax_numbers_tenant_id_index\` on \`fax_numbers\` (\`tenant_id\`);`);
    this.addSql(`create index \`fax_numbers_site_id_index\` on \`fax_numbers\` (\`site_id\`);`);
    this.addSql(`create index \`fax_numbers_cluster_id_index\` on \`fax_numbers\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`fax_numbers_cluster_id_number_unique\` on \`fax_numbers\` (\`cluster_id\`, \`number\`);`);

    this.addSql(`create table \`fax_senders\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`email\` text not null, \`label\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`fax_senders_tenant_id_index\` on \`fax_senders\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`fax_senders_tenant_id_email_unique\` on \`fax_senders\` (\`tenant_id\`, \`email\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`fax_jobs\`;`);

    this.addSql(`drop table if exists \`fax_numbers\`;`);

    this.addSql(`drop table if exists \`fax_senders\`;`);
  }

}
