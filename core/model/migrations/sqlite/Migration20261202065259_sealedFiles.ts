import { Migration } from '@mikro-orm/migrations';

export class Migration20261202065259_sealedFiles extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`sealed_files\` (\`sha256\` text not null, \`content\` longtext not null, primary key (\`sha256\`));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`sealed_files\`;`);
  }

}
