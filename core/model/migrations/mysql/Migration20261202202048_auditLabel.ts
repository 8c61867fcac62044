import { Migration } from '@mikro-orm/migrations';

export class Migration20261202202048_auditLabel extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`audit_events\` add \`label\` varchar(120) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`audit_events\` drop column \`label\`;`);
  }

}
