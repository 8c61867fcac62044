import {
  MySqlDriver, MySqlSchemaHelper, type AbstractSqlConnection, type Column, type Configuration, type Dictionary,
  type Table, type Transaction, type Type,
} from '@mikro-orm/mysql';

/**
 * MikroORM's MySQL schema reader, told how MariaDB reports defaults. MariaDB (10.2.7+) returns
 * `information_schema.columns.column_default` as SQL text: `NULL` for a nullable column without
 * a default and `'none'` (already quoted) for a string literal, where MySQL returns SQL NULL and
 * `none`. The MySQL reader quotes string defaults again, so every nullable or defaulted string
 * column looked changed and the schema diff proposed no-op `modify` clauses. On MariaDB the value
 * is kept as reported (the comparator reads `NULL` as no default); MySQL is left as it was.
 * This is only used when reading a live schema (diffs, migration generation), never for queries.
 */
class MariaDbAwareSchemaHelper extends MySqlSchemaHelper {
  private mariaDb?: boolean;

  override async getAllColumns(connection: AbstractSqlConnection, tables: Table[], ctx?: Transaction): Promise<Dictionary<Column[]>> {
    if (this.mariaDb === undefined) {
      const row = await connection.execute<{ v: string }>('select version() as v', [], 'get', ctx);
      this.mariaDb = /mariadb/i.test(row?.v ?? '');
    }
    return super.getAllColumns(connection, tables, ctx);
  }

  protected override wrap(val: string | null | undefined, type: Type<unknown>): string | null | undefined {
    return this.mariaDb ? val : super.wrap(val, type);
  }
}

/** The MySQL driver with the MariaDB-aware schema reader; everything else is MikroORM's. */
export class AcmMySqlDriver extends MySqlDriver {
  constructor(config: Configuration) {
    super(config);
    (this.platform as unknown as { schemaHelper: MySqlSchemaHelper }).schemaHelper = new MariaDbAwareSchemaHelper(this.platform as never);
  }
}
