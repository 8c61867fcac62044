import { Migration } from '@mikro-orm/migrations';

export class Migration20261202143031_queuesPeriodicAnnounce extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`queues_queues\` add \`periodic_announce\` varchar(80) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`queues_queues\` drop column \`periodic_announce\`;`);
  }

}
