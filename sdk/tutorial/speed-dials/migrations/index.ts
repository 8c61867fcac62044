import type { MigrationObject } from '../../../index.ts';
import { Migration20261202070114_speedDials as SpeedDialsSqlite } from './sqlite/Migration20261202070114_speedDials.ts';
import { Migration20261202070114_speedDials as SpeedDialsMysql } from './mysql/Migration20261202070114_speedDials.ts';

const NAME = 'speed-dials_Migration20261202070114_speedDials';
export const migrations: { sqlite: MigrationObject[]; mysql: MigrationObject[] } = {
  sqlite: [{ name: NAME, class: SpeedDialsSqlite }],
  mysql: [{ name: NAME, class: SpeedDialsMysql }],
};
