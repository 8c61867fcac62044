import { Migration } from '@mikro-orm/migrations';

export class Migration20261202141331_recordings_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`recordings_audio\` (\`id\` int unsigned not null auto_increment primary key, \`recording_id\` int not null, \`tenant_id\` int not null, \`data\` longblob not null, \`created_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`recordings_audio\` add unique \`recordings_audio_recording_id_unique\`(\`recording_id\`);`);
    this.addSql(`alter table \`recordings_audio\` add index \`recordings_audio_tenant_id_index\`(\`tenant_id\`);`);

    this.addSql(`create table \`recordings_recordings\` (\`id\` int unsigned not null auto_increment primary key, \`tenant_id\` int not null, \`name\` varchar(40) not null, \`description\` varchar(255) null, \`language\` varchar(16) null, \`duration_ms\` int null, \`size\` int null, \`sha256\` varchar(64) null, \`uploaded_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`recordings_recordings\` add index \`recordings_recordings_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`recordings_recordings\` add unique \`recordings_recordings_tenant_id_name_unique\`(\`tenant_id\`, \`name\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`recordings_audio\`;`);

    this.addSql(`drop table if exists \`recordings_recordings\`;`);
  }

}
