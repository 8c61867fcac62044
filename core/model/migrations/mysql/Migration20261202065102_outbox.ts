import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065102_outbox extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`notification_outbox\` (\`id\` int unsigned not null auto_increment primary key, \`owner\` varchar(64) not null, \`tenant_id\` int null, \`channel\` varchar(10) not null, \`target\` text not null, \`target_hash\` varchar(64) not null, \`ref\` varchar(64) null, \`dedupe_key\` varchar(191) not null, \`subject\` varchar(255) not null, \`message\` mediumtext not null, \`status\` varchar(10) not null, \`attempts\` int not null default 0, \`next_at\` datetime not null, \`last_error\` varchar(500) null, \`created_at\` datetime not null, \`sent_at\` datetime null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_status_next_at_index\`(\`status\`, \`next_at\`);`);
    this.addSql(`alter table \`notification_outbox\` add index \`notification_outbox_owner_ref_index\`(\`owner\`, \`ref\`);`);
    this.addSql(`alter table \`notification_outbox\` add unique \`notification_outbox_owner_target_hash_dedupe_key_unique\`(\`owner\`, \`target_hash\`, \`dedupe_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`notification_outbox\`;`);
  }

}
