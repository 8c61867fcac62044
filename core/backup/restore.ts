/** Restore of a backup archive (archive.ts) into an empty instance, on either database. */
import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { ConflictError, ValidationError } from '../../sdk/errors.ts';
import { SecretKeyError } from '../crypto/secret-box.ts';
import { requireKeyring } from '../crypto/secret-type.ts';
import { backupEntities, BLOB_TABLE, columnProps, fromJson, readArchive, type BackupManifest } from './archive.ts';

/**
 * What a first start creates, and so may be in an "empty" instance: the `default` tenant, the
 * `admin` user, the evaluation license, sessions, audit entries and plugin states.
 */
const FIRST_START: Record<string, Record<string, unknown> | 'any'> = {
  tenants: { name: { $ne: 'default' } }, users: { username: { $ne: 'admin' } },
  audit_events: 'any', sessions: 'any', licenses: 'any', plugin_states: 'any',
};

/** Why `orm`'s database is not empty enough to restore into (empty list: it is). */
export async function notEmptyReasons(orm: MikroORM): Promise<string[]> {
  const em = orm.em.fork();
  const reasons: string[] = [];
  for (const meta of backupEntities(orm)) {
    const allowed = FIRST_START[meta.tableName] ?? {};
    if (allowed === 'any') continue;
    const n = await em.count(meta.className, allowed);
    if (n > 0) reasons.push(`${n} row(s) in ${meta.tableName}`);
  }
  return reasons;
}

export interface RestoreSummary { tables: number; rows: number; blobs: number; skipped: string[]; manifest: BackupManifest }

/**
 * Brings a backup into the database of `orm`, which must be empty (nothing but what a first start
 * creates — those rows are replaced). One transaction: all or nothing.
 */
export async function restoreBackup(orm: MikroORM, archive: Buffer): Promise<RestoreSummary> {
  const { manifest, files } = readArchive(archive);
  const keyring = requireKeyring(orm);
  const missingKeys = () => (manifest.secretKeys ?? []).filter((id) => !keyring.has(id));
  let missing = missingKeys();
  if (missing.length && keyring.refresh()) missing = missingKeys();
  if (missing.length) {
    throw new SecretKeyError(`the backup's secrets are sealed with key ${missing.join(', ')}, which this acm does not have (${keyring.source} has ${keyring.list().map((k) => k.id).join(', ')}): `
      + 'restore with the secret.key of the instance that made the backup, or give that key in ACM_SECRET_KEY');
  }
  const reasons = await notEmptyReasons(orm);
  if (reasons.length) {
    throw new ConflictError(`restore needs an empty acm instance, and this one has data (${reasons.join(', ')}); point ACM_DB_URL / ACM_DATA_DIR at a new database and run the restore there`);
  }
  const metas = new Map(backupEntities(orm).map((m) => [m.tableName, m]));
  const skipped = manifest.tables.filter((t) => !metas.has(t.table)).map((t) => `${t.table} (${t.rows} rows: no such table here; is plugin data missing?)`);
  // Every blob is checked against its hash before anything is written.
  const blobContent = new Map<string, Buffer>();
  for (const [name, data] of files) {
    if (!name.startsWith('blobs/')) continue;
    const sha = name.slice('blobs/'.length);
    if (createHash('sha256').update(data).digest('hex') !== sha) throw new ValidationError([{ field: name, message: 'content does not match its SHA-256: the archive is damaged' }]);
    blobContent.set(sha, data);
  }
  let rowsWritten = 0;
  await orm.em.fork().transactional(async (em: EntityManager) => {
    for (const meta of [...metas.values()].reverse()) await em.nativeDelete(meta.className, {});
    for (const meta of metas.values()) {
      const t = manifest.tables.find((x) => x.table === meta.tableName);
      if (!t) continue;
      const raw = files.get(t.file);
      if (!raw) throw new ValidationError([{ field: t.file, message: 'listed in the manifest but missing from the archive' }]);
      const rows = JSON.parse(raw.toString('utf8')) as Record<string, unknown>[];
      if (rows.length !== t.rows) throw new ValidationError([{ field: t.file, message: `${rows.length} rows, the manifest says ${t.rows}` }]);
      const props = columnProps(meta);
      for (let i = 0; i < rows.length; i += 500) {
        for (const r of rows.slice(i, i + 500)) {
          const data: Record<string, unknown> = {};
          for (const p of props) if (p.name in r) data[p.name] = fromJson(p, r[p.name], em.getPlatform());
          if (meta.tableName === BLOB_TABLE) {
            const content = blobContent.get(String(r.sha256));
            if (content === undefined) throw new ValidationError([{ field: `blobs/${String(r.sha256)}`, message: 'missing from the archive' }]);
            data.content = r.encoding === 'base64' ? content.toString('base64') : content.toString('utf8');
          }
          em.create(meta.className, data);
        }
        await em.flush();
        em.clear();
      }
      rowsWritten += rows.length;
    }
  });
  return { tables: manifest.tables.length - skipped.length, rows: rowsWritten, blobs: blobContent.size, skipped, manifest };
}
