import { Migration } from '@mikro-orm/migrations';

export class Migration20261123083100_revisions extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`config_blobs\` (\`sha256\` text not null, \`content\` longtext not null, \`size\` integer not null, primary key (\`sha256\`));`);

    this.addSql(`create table \`revisions\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`cluster_id\` integer not null, \`status\` text not null, \`author\` text not null, \`user_id\` integer null, \`created_at\` datetime not null, \`files\` mediumtext not null, \`changed\` mediumtext not null, \`change_ids\` mediumtext not null, \`error\` text null, \`rollback_of\` integer null, \`previous_id\` integer null);`);
    this.addSql(`create index \`revisions_tenant_id_index\` on \`revisions\` (\`tenant_id\`);`);
    this.addSql(`create index \`revisions_cluster_id_index\` on \`revisions\` (\`cluster_id\`);`);
    this.addSql(`create index \`revisions_user_id_index\` on \`revisions\` (\`user_id\`);`);
    this.addSql(`create index \`revisions_rollback_of_index\` on \`revisions\` (\`rollback_of\`);`);
    this.addSql(`create index \`revisions_previous_id_index\` on \`revisions\` (\`previous_id\`);`);
    this.addSql(`create index \`revisions_cluster_id_status_index\` on \`revisions\` (\`cluster_id\`, \`status\`);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `revisions`;');
    this.addSql('drop table if exists `config_blobs`;');
  }

}
