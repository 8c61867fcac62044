import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065218_drop_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop table if exists \`ha_notifications\`;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table \`ha_notifications\` (\`id\` integer not null primary key autoincrement, \`group_id\` INTEGER not null, \`target_id\` INTEGER not null, \`type\` TEXT not null, \`target\` TEXT not null, \`dedupe_key\` TEXT not null, \`subject\` TEXT not null, \`body\` TEXT not null, \`status\` TEXT not null, \`attempts\` INTEGER not null default 0, \`last_error\` TEXT null, \`next_at\` datetime not null, \`created_at\` datetime not null, \`sent_at\` datetime null);`);
    this.addSql(`create unique index \`ha_notifications_target_id_dedupe_key_unique\` on \`ha_notifications\` (\`target_id\`, \`dedupe_key\`);`);
    this.addSql(`create index \`ha_notifications_status_index\` on \`ha_notifications\` (\`status\`);`);
    this.addSql(`create index \`ha_notifications_group_id_index\` on \`ha_notifications\` (\`group_id\`);`);
  }

}
