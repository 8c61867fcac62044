/**
 * The backup archive of a whole acm instance, portable between SQLite and MySQL/MariaDB.
 *
 * The archive is ONE `.tar.gz` (plain ustar, gzip; `tar xzf` opens it) holding:
 *   manifest.json        format "acm-backup" v1, acm version, time, source database kind, and
 *                        per table: entity, table name, row count, file
 *   db/<table>.json      every row of every table the ORM knows (core and plugin entities), as
 *                        JSON keyed by property name; dates as ISO-8601 text
 *   blobs/<sha256>       the content of every rendered config file (ConfigBlob), the bytes of a
 *                        binary one; the revisions (db/revisions.json) name their files by these
 *                        hashes, so each distinct file is stored once. db/config_blobs.json keeps
 *                        sha256, size and encoding only. Blob columns are base64 in db/<table>.json.
 * A restore goes through the ORM of the target (so types map to that database), refuses an
 * instance that holds anything but what a first start creates, checks every blob against its
 * hash, and writes everything in one transaction.
 *
 * Secret columns (SSH/AMI/ARI passwords, SIP secrets, PINs) stay sealed in the archive, under the
 * instance's current key (manifest `secretKeys`); the key itself is never in it. A restore needs
 * that key in the target's keyring (its secret.key or ACM_SECRET_KEY) and fails first, naming the
 * key, without it. The archive still holds password hashes: it is written 0600.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { ReferenceKind, type EntityMetadata, type EntityProperty, type MikroORM, type Platform } from '@mikro-orm/core';
import { ACM_VERSION } from '../app.ts';
import { ValidationError } from '../../sdk/errors.ts';
import { sealedKeyId } from '../crypto/secret-box.ts';
import { SecretType } from '../crypto/secret-type.ts';
import { readTar, writeTar, type TarEntry } from './tar.ts';

export const BACKUP_FORMAT = 'acm-backup';
export const BACKUP_VERSION = 1;
export const BLOB_TABLE = 'config_blobs';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  acmVersion: string;
  createdAt: string;
  database: 'sqlite' | 'mysql';
  tables: { entity: string; table: string; rows: number; file: string }[];
  blobs: number;
  /** Ids of the keys that seal the archive's secrets (absent in archives from before encryption). */
  secretKeys?: string[];
}

/** Every table-backed entity the ORM knows (core and plugins), parents before children. */
export function backupEntities(orm: MikroORM): EntityMetadata[] {
  const all = Object.values(orm.getMetadata().getAll())
    .filter((m) => !m.embeddable && !m.virtual && !m.abstract && m.tableName)
    .sort((a, b) => a.className.localeCompare(b.className));
  const order: EntityMetadata[] = [];
  const seen = new Set<string>();
  const visit = (m: EntityMetadata, stack: Set<string>) => {
    if (seen.has(m.className) || stack.has(m.className)) return;
    stack.add(m.className);
    for (const p of columnProps(m)) if (p.targetMeta && p.kind !== ReferenceKind.SCALAR) visit(p.targetMeta, stack);
    seen.add(m.className);
    order.push(m);
  };
  for (const m of all) visit(m, new Set());
  return order;
}

/** Properties stored in the entity's own table: scalars, embeddables and owning references. */
export function columnProps(meta: EntityMetadata): EntityProperty[] {
  return meta.props.filter((p) => p.persist !== false && !p.formula && (
    p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.EMBEDDED || p.kind === ReferenceKind.MANY_TO_ONE
    || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner)));
}

const isDateProp = (p: EntityProperty) => p.runtimeType === 'Date' || /^(datetime|date|timestamp)/i.test(String(p.type));

export const isSecretProp = (p: EntityProperty) => p.customType instanceof SecretType;

function toJson(p: EntityProperty, v: unknown, platform: Platform): unknown {
  if (v === undefined) return null;
  // The entity holds the plaintext; the archive gets it sealed again.
  if (isSecretProp(p) && v !== null) return p.customType!.convertToDatabaseValue(v, platform);
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && p.kind !== ReferenceKind.SCALAR && p.kind !== ReferenceKind.EMBEDDED) {
    const pk = (v as Record<string, unknown>)[p.targetMeta?.primaryKeys[0] ?? 'id'];
    return pk ?? null;
  }
  if (typeof v === 'bigint') return v.toString();
  // Blob columns (a plugin's audio): base64 text, read back by fromJson.
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return Buffer.from(v as Uint8Array).toString('base64');
  return v;
}

const isBlobProp = (p: EntityProperty) => p.runtimeType === 'Buffer' || /^(blob|longblob|mediumblob|uint8array)$/i.test(String(p.type)) || /blob/i.test(String(p.columnTypes?.[0] ?? ''));

export function fromJson(p: EntityProperty, v: unknown, platform: Platform): unknown {
  if (v === null || v === undefined) return v;
  // Opened here and sealed again by the target's own current key when written.
  if (isSecretProp(p)) return p.customType!.convertToJSValue(String(v), platform);
  if (isDateProp(p) && typeof v === 'string') return new Date(v);
  if (isBlobProp(p) && typeof v === 'string') return Buffer.from(v, 'base64');
  return v;
}

/** Rows of one entity as plain JSON objects, in primary-key order. */
async function dumpEntity(orm: MikroORM, meta: EntityMetadata): Promise<Record<string, unknown>[]> {
  const props = columnProps(meta);
  const orderBy = Object.fromEntries(meta.primaryKeys.map((k) => [k, 'asc' as const]));
  const rows: Record<string, unknown>[] = [];
  const page = 1000;
  for (let offset = 0; ; offset += page) {
    const em = orm.em.fork();
    const found = (await em.find(meta.className, {}, { orderBy: orderBy as never, limit: page, offset })) as Record<string, unknown>[];
    for (const e of found) rows.push(Object.fromEntries(props.map((p) => [p.name, toJson(p, e[p.name], orm.em.getPlatform())])));
    if (found.length < page) break;
  }
  return rows;
}

export interface BackupArchive { data: Buffer; manifest: BackupManifest }

/** The whole database as one .tar.gz (see the top of this file). */
export function databaseKind(orm: MikroORM): 'sqlite' | 'mysql' {
  return /mysql|maria/i.test(orm.config.getDriver().constructor.name) ? 'mysql' : 'sqlite';
}

export async function createBackup(orm: MikroORM): Promise<BackupArchive> {
  const now = new Date();
  const entries: TarEntry[] = [];
  const tables: BackupManifest['tables'] = [];
  let blobs = 0;
  const secretKeys = new Set<string>();
  for (const meta of backupEntities(orm)) {
    let rows = await dumpEntity(orm, meta);
    for (const p of meta.props.filter(isSecretProp)) {
      for (const r of rows) if (typeof r[p.name] === 'string') secretKeys.add(sealedKeyId(r[p.name] as string)!);
    }
    if (meta.tableName === BLOB_TABLE) {
      for (const r of rows) {
        // A binary file's blob holds base64: the archive gets the bytes its hash names.
        const data = r.encoding === 'base64' ? Buffer.from(String(r.content ?? ''), 'base64') : Buffer.from(String(r.content ?? ''), 'utf8');
        entries.push({ name: `blobs/${r.sha256 as string}`, data, mtime: now });
        blobs++;
      }
      rows = rows.map(({ content: _c, ...r }) => r);
    }
    const file = `db/${meta.tableName}.json`;
    entries.push({ name: file, data: Buffer.from(`${JSON.stringify(rows, null, 1)}\n`), mtime: now });
    tables.push({ entity: meta.className, table: meta.tableName, rows: rows.length, file });
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT, version: BACKUP_VERSION, acmVersion: ACM_VERSION, createdAt: now.toISOString(),
    database: databaseKind(orm), tables, blobs, secretKeys: [...secretKeys].sort(),
  };
  entries.unshift({ name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), mtime: now });
  return { data: gzipSync(writeTar(entries), { level: 6 }), manifest };
}


/** The manifest and files of an archive, its format and version checked. */
export function readArchive(archive: Buffer): { manifest: BackupManifest; files: Map<string, Buffer> } {
  let files: Map<string, Buffer>;
  try {
    files = readTar(gunzipSync(archive));
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError([{ field: 'archive', message: `not a gzip archive: ${(err as Error).message}` }]);
  }
  const raw = files.get('manifest.json');
  if (!raw) throw new ValidationError([{ field: 'archive', message: 'no manifest.json: not an acm backup' }]);
  const manifest = JSON.parse(raw.toString('utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new ValidationError([{ field: 'archive', message: `format "${manifest.format}" is not ${BACKUP_FORMAT}` }]);
  if (manifest.version > BACKUP_VERSION) throw new ValidationError([{ field: 'archive', message: `backup format v${manifest.version} is newer than this acm reads (v${BACKUP_VERSION})` }]);
  return { manifest, files };
}

