import { Migration } from '@mikro-orm/migrations';

/** can_reinvite holds `nonat` and `update` (6 characters). SQLite does not enforce lengths: MySQL only. */
export class Migration20261202040407_canReinviteWidth extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`extensions\` modify \`can_reinvite\` varchar(6) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`extensions\` modify \`can_reinvite\` varchar(3) null;`);
  }

}
