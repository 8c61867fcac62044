import { Migration } from '@mikro-orm/migrations';

export class Migration20261202034116_sipBindAddress extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`clusters\` add column \`sip_bind_address\` text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`clusters\` drop column \`sip_bind_address\`;`);
  }

}
