import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065102_outbox extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`notification_outbox\` (\`id\` integer not null primary key autoincrement, \`owner\` text not null, \`tenant_id\` integer null, \`channel\` text not null, \`target\` text not null, \`target_hash\` text not null, \`ref\` text null, \`dedupe_key\` text not null, \`subject\` text not null, \`message\` mediumtext not null, \`status\` text not null, \`attempts\` integer not null default 0, \`next_at\` datetime not null, \`last_error\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);
    this.addSql(`create index \`notification_outbox_tenant_id_index\` on \`notification_outbox\` (\`tenant_id\`);`);
    this.addSql(`create index \`notification_outbox_status_next_at_index\` on \`notification_outbox\` (\`status\`, \`next_at\`);`);
    this.addSql(`create index \`notification_outbox_owner_ref_index\` on \`notification_outbox\` (\`owner\`, \`ref\`);`);
    this.addSql(`create unique index \`notification_outbox_owner_target_hash_dedupe_key_unique\` on \`notification_outbox\` (\`owner\`, \`target_hash\`, \`dedupe_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`notification_outbox\`;`);
  }

}
