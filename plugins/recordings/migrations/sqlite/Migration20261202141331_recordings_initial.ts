import { Migration } from '@mikro-orm/migrations';

export class Migration20261202141331_recordings_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`recordings_audio\` (\`id\` integer not null primary key autoincrement, \`recording_id\` integer not null, \`tenant_id\` integer not null, \`data\` longblob not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`recordings_audio_recording_id_unique\` on \`recordings_audio\` (\`recording_id\`);`);
    this.addSql(`create index \`recordings_audio_tenant_id_index\` on \`recordings_audio\` (\`tenant_id\`);`);

    this.addSql(`create table \`recordings_recordings\` (\`id\` integer not null primary key autoincrement, \`tenant_id\` integer not null, \`name\` text not null, \`description\` text null, \`language\` text null, \`duration_ms\` integer null, \`size\` integer null, \`sha256\` text null, \`uploaded_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`);
    this.addSql(`create index \`recordings_recordings_tenant_id_index\` on \`recordings_recordings\` (\`tenant_id\`);`);
    this.addSql(`create unique index \`recordings_recordings_tenant_id_name_unique\` on \`recordings_recordings\` (\`tenant_id\`, \`name\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`recordings_audio\`;`);

    this.addSql(`drop table if exists \`recordings_recordings\`;`);
  }

}
