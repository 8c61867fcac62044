/**
 * Every secret column of every entity (core and plugins): what seals each value, and sealing
 * again under the current key. Works on the raw columns (the ORM would hand back plaintext), in
 * pages by primary key, each update conditional on the value read so a concurrent edit wins.
 */
import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/knex';
import { isSealed, sealedKeyId, SecretKeyError, V1, type Keyring } from './secret-box.ts';
import { SecretType } from './secret-type.ts';

export interface SecretColumn { entity: string; table: string; column: string; pk: string }

export function secretColumns(orm: MikroORM): SecretColumn[] {
  const out: SecretColumn[] = [];
  for (const meta of Object.values(orm.getMetadata().getAll())) {
    if (!meta.tableName || meta.virtual || meta.embeddable || meta.primaryKeys.length !== 1) continue;
    const pk = meta.properties[meta.primaryKeys[0]!]!.fieldNames[0]!;
    for (const p of meta.props) {
      if (p.customType instanceof SecretType && p.fieldNames?.length === 1) out.push({ entity: meta.className, table: meta.tableName, column: p.fieldNames[0]!, pk });
    }
  }
  return out.sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

const knexOf = (orm: MikroORM) => (orm.em as unknown as SqlEntityManager).getKnex();

export interface SecretCensus {
  /** Values per key id that seals them; ids not in the keyring are the ones that cannot be read. */
  byKey: Record<string, number>;
  /** Values not sealed yet (from before encryption). */
  plaintext: number;
  columns: { table: string; column: string; values: number; byKey: Record<string, number>; plaintext: number }[];
}

/** Counts the stored secrets by the key that seals them (no value leaves the database). */
export async function secretCensus(orm: MikroORM): Promise<SecretCensus> {
  const knex = knexOf(orm);
  const census: SecretCensus = { byKey: {}, plaintext: 0, columns: [] };
  for (const c of secretColumns(orm)) {
    // The key id sits at a fixed place in a sealed value; everything else groups as ''.
    const rows = await knex(c.table)
      .select(knex.raw(`case when ?? like ? then substr(??, ?, 12) else '' end as k`, [c.column, `${V1}%`, c.column, V1.length + 1]))
      .count({ n: '*' }).whereNotNull(c.column).groupBy('k') as { k: string; n: number | string }[];
    const col = { table: c.table, column: c.column, values: 0, byKey: {} as Record<string, number>, plaintext: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      col.values += n;
      if (r.k) {
        col.byKey[r.k] = (col.byKey[r.k] ?? 0) + n;
        census.byKey[r.k] = (census.byKey[r.k] ?? 0) + n;
      } else {
        col.plaintext += n;
        census.plaintext += n;
      }
    }
    census.columns.push(col);
  }
  return census;
}

export interface ResealResult { resealed: number; columns: Record<string, number> }

/**
 * Seals again every value not sealed by the keyring's current key (`legacyOnly`: only values
 * still in plaintext). A value under a key the ring lacks fails with the key's id, and what was
 * done before stays done: each value is rewritten on its own.
 */
export async function resealSecrets(orm: MikroORM, keyring: Keyring, opts: { legacyOnly?: boolean } = {}): Promise<ResealResult> {
  const knex = knexOf(orm);
  const result: ResealResult = { resealed: 0, columns: {} };
  const page = 500;
  for (const c of secretColumns(orm)) {
    let last: number | string | null = null;
    for (;;) {
      const current = `${V1}${keyring.current.id}:%`;
      const q = knex(c.table).select({ id: c.pk, v: c.column }).whereNotNull(c.column)
        .andWhere(c.column, 'not like', opts.legacyOnly ? `${V1}%` : current).orderBy(c.pk).limit(page);
      if (last !== null) q.andWhere(c.pk, '>', last);
      const rows = await q as { id: number | string; v: string }[];
      for (const r of rows) {
        // The SQL filter is a prefilter (LIKE may ignore case); the value's shape decides.
        if (opts.legacyOnly ? isSealed(r.v) : sealedKeyId(r.v) === keyring.current.id) continue;
        const sealed = keyring.seal(keyring.open(r.v));
        const n = await knex(c.table).update({ [c.column]: sealed }).where({ [c.pk]: r.id, [c.column]: r.v });
        if (n) {
          result.resealed += n;
          const key = `${c.table}.${c.column}`;
          result.columns[key] = (result.columns[key] ?? 0) + n;
        }
      }
      if (rows.length < page) break;
      last = rows.at(-1)!.id;
    }
  }
  return result;
}

/**
 * At start: refuses a keyring that cannot open what is stored (the message names the keys it
 * lacks), then seals the values still in plaintext (from before encryption).
 */
export async function prepareSecrets(orm: MikroORM, keyring: Keyring): Promise<ResealResult> {
  const census = await secretCensus(orm);
  let missing = Object.keys(census.byKey).filter((id) => !keyring.has(id));
  if (missing.length && keyring.refresh()) missing = missing.filter((id) => !keyring.has(id));
  if (missing.length) {
    const what = missing.map((id) => `${census.byKey[id]} with key ${id}`).join(', ');
    throw new SecretKeyError(`stored secrets are sealed (${what}) by a key that is not in the keyring (${keyring.source} has ${keyring.list().map((k) => k.id).join(', ')}): `
      + 'start acm with the secret.key of the instance that wrote them, or give that key in ACM_SECRET_KEY');
  }
  return census.plaintext ? resealSecrets(orm, keyring, { legacyOnly: true }) : { resealed: 0, columns: {} };
}
