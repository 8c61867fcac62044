import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065218_drop_notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop table if exists \`ha_notifications\`;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table \`ha_notifications\` (\`id\` int unsigned not null auto_increment primary key, \`group_id\` int not null, \`target_id\` int not null, \`type\` varchar(10) not null, \`target\` varchar(255) not null, \`dedupe_key\` varchar(191) not null, \`subject\` varchar(255) not null, \`body\` text not null, \`status\` varchar(10) not null, \`attempts\` int not null default 0, \`last_error\` varchar(500) null default NULL, \`next_at\` datetime not null, \`created_at\` datetime not null, \`sent_at\` datetime null default NULL) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`ha_notifications\` add index \`ha_notifications_group_id_index\`(\`group_id\`);`);
    this.addSql(`alter table \`ha_notifications\` add index \`ha_notifications_status_index\`(\`status\`);`);
    this.addSql(`alter table \`ha_notifications\` add unique \`ha_notifications_target_id_dedupe_key_unique\`(\`target_id\`, \`dedupe_key\`);`);
  }

}
