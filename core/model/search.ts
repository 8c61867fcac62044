import { raw, type MikroORM } from '@mikro-orm/core';

/**
 * A filter matching rows where any of `columns` contains `text`, case-insensitively and
 * literally (`%` and `_` are not wildcards). `instr(lower(col), ?)` means the same on SQLite and
 * MySQL/MariaDB, where LIKE escaping does not.
 */
export function containsText(orm: MikroORM, entity: string, columns: string[], text: string): Record<string, unknown> {
  const props = orm.getMetadata().get(entity).properties as Record<string, { fieldNames: string[] }>;
  const needle = text.toLowerCase();
  return {
    $or: columns.map((c) => ({ [raw((alias: string) => `instr(lower(${alias}.${props[c]!.fieldNames[0]}), ?)`, [needle])]: { $gt: 0 } })),
  };
}
