import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070114_speedDials extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`speed_dials\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`site_id\` int not null, \`cluster_id\` int not null, \`code\` varchar(4) not null, \`number\` varchar(32) not null, \`label\` varchar(80) null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`speed_dials\` add index \`speed_dials_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`speed_dials\` add index \`speed_dials_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`speed_dials\` add index \`speed_dials_cluster_id_index\`(\`cluster_id\`);`);
    this.addSql(`alter table \`speed_dials\` add unique \`speed_dials_cluster_id_code_unique\`(\`cluster_id\`, \`code\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`speed_dials\`;`);
  }

}
