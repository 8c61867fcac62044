import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065259_sealedFiles extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`sealed_files\` (\`sha256\` varchar(64) not null, \`content\` longtext not null, primary key (\`sha256\`)) default character set utf8mb4 engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`sealed_files\`;`);
  }

}
