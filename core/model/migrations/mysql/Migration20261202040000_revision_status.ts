import { Migration } from '@mikro-orm/migrations';

/** `restart-required` is longer than the 10 characters the status had. */
export class Migration20261202040000_revision_status extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`revisions\` modify \`status\` varchar(20) not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update \`revisions\` set \`status\` = 'deployed' where \`status\` = 'restart-required';`);
    this.addSql(`alter table \`revisions\` modify \`status\` varchar(10) not null;`);
  }

}
