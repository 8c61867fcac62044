import { Migration } from '@mikro-orm/migrations';

export class Migration20261202140425_configBlobEncoding extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`config_blobs\` add \`encoding\` varchar(10) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`config_blobs\` drop column \`encoding\`;`);
  }

}
