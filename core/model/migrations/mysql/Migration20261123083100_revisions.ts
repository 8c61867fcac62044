import { Migration } from '@mikro-orm/migrations';

export class Migration20261123083100_revisions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`config_blobs\` (\`sha256\` varchar(64) not null, \`content\` longtext not null, \`size\` int not null, primary key (\`sha256\`)) default character set utf8mb4 engine = InnoDB;`);

    this.addSql(`create table \`revisions\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`cluster_id\` int not null, \`status\` varchar(10) not null, \`author\` varchar(80) not null, \`user_id\` int null, \`created_at\` datetime not null, \`files\` mediumtext not null, \`changed\` mediumtext not null, \`change_ids\` mediumtext not null, \`error\` text null, \`rollback_of\` int null, \`previous_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`revisions\` add index \`revisions_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`revisions\` add index \`revisions_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`revisions\` add index \`revisions_user_id_index\`(\`user_id\`);`);
    this.addSql(`alter table \`revisions\` add index \`revisions_rollback_of_index\`(\`rollback_of\`);`);
    this.addSql(`alter table \`revisions\` add index \`revisions_previous_id_index\`(\`previous_id\`);`);
    this.addSql(`alter table \`revisions\` add index \`revisions_cluster_id_status_index\`(\`cluster_id\`, \`status\`);`);

  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`config_blobs\`;`);

    this.addSql(`drop table if exists \`revisions\`;`);

  }

}
