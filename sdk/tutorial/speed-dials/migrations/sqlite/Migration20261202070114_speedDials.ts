import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070114_speedDials extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`speed_dials\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`site_id\` integer not null, \`cluster_id\` integer not null, \`code\` text not null, \`number\` text not null, \`label\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`speed_dials_tenant_id_index\` on \`speed_dials\` (\`tenant_id\`);`);
    this.addSql(`create index \`speed_dials_site_id_index\` on \`speed_dials\` (\`site_id\`);`);
    this.addSql(`create index \`speed_dials_cluster_id_index\` on \`speed_dials\` (\`cluster_id\`);`);
    this.addSql(`create unique index \`speed_dials_cluster_id_code_unique\` on \`speed_dials\` (\`cluster_id\`, \`code\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`speed_dials\`;`);
  }

}
