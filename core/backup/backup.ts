/**
 * Backup and restore of a whole acm instance, portable between SQLite and MySQL/MariaDB.
 *
 * The archive is ONE `.tar.gz` (plain ustar, gzip; `tar xzf` opens it) holding:
 *   manifest.json        format "acm-backup" v1, acm version, time, source database kind, and
 *                        per table: entity, table name, row count, file
 *   db/<table>.json      every row of every table the ORM knows (core and plugin entities), as
 *                        JSON keyed by property name; dates as ISO-8601 text
 *   blobs/<sha256>       the content of every rendered config file (ConfigBlob); the revisions
 *                        (db/revisions.json) name their files by these hashes, so each distinct
 *                        file is stored once. db/config_blobs.json keeps sha256 and size only.
 * A restore goes through the ORM of the target (so types map to that database), refuses an
 * instance that holds anything but what a first start creates, checks every blob against its
 * hash, and writes everything in one transaction.
 *
 * Secret columns (SSH/AMI/ARI passwords, SIP secrets, PINs) stay sealed in the archive, under the
 * instance's current key (manifest `secretKeys`); the key itself is never in it. A restore needs
 * that key in the target's keyring (its secret.key or ACM_SECRET_KEY) and fails first, naming the
 * key, without it. The archive still holds password hashes: it is written 0600.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ReferenceKind, type EntityManager, type EntityMetadata, type EntityProperty, type MikroORM, type Platform } from '@mikro-orm/core';
import type { Acm } from '../app.ts';
import { ACM_VERSION } from '../app.ts';
import { ConflictError, ValidationError } from '../../sdk/errors.ts';
import { busSubject } from '../../sdk/bus.ts';
import { SshTransport } from '../asterisk/ssh-transport.ts';
import { sftpHostKeyOptions, sftpHostKeysFile } from './sftp-host-keys.ts';
import { SecretKeyError, sealedKeyId } from '../crypto/secret-box.ts';
import { requireKeyring, SecretType } from '../crypto/secret-type.ts';

export const BACKUP_FORMAT = 'acm-backup';
export const BACKUP_VERSION = 1;
/** Bus subject of the scheduler's results `{ok, file, bytes?, error?}`. */
export const BACKUP_SUBJECT = busSubject({}, 'backup', 'finished');
const BLOB_TABLE = 'config_blobs';

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

/* ------------------------------------------------------------------------------------------------
 * A tiny ustar writer and reader (regular files only).
 * ---------------------------------------------------------------------------------------------- */

export interface TarEntry { name: string; data: Buffer; mtime?: Date }

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name: string, size: number, mtime: Date): Buffer {
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut < 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const h = Buffer.alloc(512);
  h.write(base, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('acm', 265, 'ascii');
  h.write('acm', 297, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e.name, e.data.length, e.mtime ?? new Date()), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function readTar(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  const str = (start: number, len: number) => {
    const s = buf.subarray(start, start + len);
    const nul = s.indexOf(0);
    return (nul < 0 ? s : s.subarray(0, nul)).toString('utf8');
  };
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (parseInt(str(off + 148, 8).trim(), 8) !== sum) throw new ValidationError([{ field: 'archive', message: `not a tar archive (bad header checksum at byte ${off})` }]);
    const size = parseInt(str(off + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156]!);
    const prefix = str(off + 345, 155);
    const name = prefix ? `${prefix}/${str(off, 100)}` : str(off, 100);
    const start = off + 512;
    if (start + size > buf.length) throw new ValidationError([{ field: 'archive', message: `truncated archive (${name})` }]);
    if (type === '0' || type === '\0') out.set(name, buf.subarray(start, start + size));
    off = start + Math.ceil(size / 512) * 512;
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------
 * Dump.
 * ---------------------------------------------------------------------------------------------- */

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
function columnProps(meta: EntityMetadata): EntityProperty[] {
  return meta.props.filter((p) => p.persist !== false && !p.formula && (
    p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.EMBEDDED || p.kind === ReferenceKind.MANY_TO_ONE
    || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner)));
}

const isDateProp = (p: EntityProperty) => p.runtimeType === 'Date' || /^(datetime|date|timestamp)/i.test(String(p.type));

const isSecretProp = (p: EntityProperty) => p.customType instanceof SecretType;

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
  return v;
}

function fromJson(p: EntityProperty, v: unknown, platform: Platform): unknown {
  if (v === null || v === undefined) return v;
  // Opened here and sealed again by the target's own current key when written.
  if (isSecretProp(p)) return p.customType!.convertToJSValue(String(v), platform);
  if (isDateProp(p) && typeof v === 'string') return new Date(v);
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
        entries.push({ name: `blobs/${r.sha256 as string}`, data: Buffer.from(String(r.content ?? ''), 'utf8'), mtime: now });
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

/* ------------------------------------------------------------------------------------------------
 * Restore.
 * ---------------------------------------------------------------------------------------------- */

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

function readArchive(archive: Buffer): { manifest: BackupManifest; files: Map<string, Buffer> } {
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
  const blobContent = new Map<string, string>();
  for (const [name, data] of files) {
    if (!name.startsWith('blobs/')) continue;
    const sha = name.slice('blobs/'.length);
    if (createHash('sha256').update(data).digest('hex') !== sha) throw new ValidationError([{ field: name, message: 'content does not match its SHA-256: the archive is damaged' }]);
    blobContent.set(sha, data.toString('utf8'));
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
            data.content = content;
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

/* ------------------------------------------------------------------------------------------------
 * Where backups go: a local directory or file, or a directory or file over SFTP.
 * ---------------------------------------------------------------------------------------------- */

export interface SftpTarget {
  username: string; host: string; port: number; path: string;
  password?: string; privateKey?: string; hostKeySha256?: string;
  /** Where keys are pinned on first use (sftp-host-keys.ts); without it or hostKeySha256 the target is refused. */
  knownHostsFile?: string;
}

/** `user@host:port:/path` (port optional: `user@host:/path`). */
export function parseSftpTarget(spec: string, auth: Pick<SftpTarget, 'password' | 'privateKey' | 'hostKeySha256' | 'knownHostsFile'> = {}): SftpTarget {
  const m = /^([^@:/\s]+)@(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?:(\/.*)$/.exec(spec);
  if (!m) throw new ValidationError([{ field: 'sftp', message: 'expected user@host:port:/path (port optional)' }]);
  const port = m[3] ? Number(m[3]) : 22;
  if (port < 1 || port > 65535) throw new ValidationError([{ field: 'sftp', message: `port ${port} out of range` }]);
  return { username: m[1]!, host: m[2]!.replace(/^\[|\]$/g, ''), port, path: m[4]!, ...auth };
}

export const BACKUP_NAME = /^acm-backup-\d{8}T\d{9}Z(-\d+)?\.tar\.gz$/;

/** `acm-backup-20260101T120000123Z.tar.gz`: sorts by time. */
export function backupFileName(at = new Date()): string {
  return `acm-backup-${at.toISOString().replace(/[-:.]/g, '')}.tar.gz`;
}

const isArchivePath = (p: string) => /\.(tar\.gz|tgz)$/.test(p);

export interface BackupWritten { file: string; bytes: number; manifest: BackupManifest; removed: string[] }

/** Writes a backup to a local file, or a new file in a local directory; keeps the newest `keep` there. */
export async function backupToLocal(acm: Acm, out: string, opts: { keep?: number } = {}): Promise<BackupWritten> {
  const { data, manifest } = await createBackup(acm.orm);
  const asDir = !isArchivePath(out) || (existsSync(out) && statSync(out).isDirectory());
  const dir = resolve(asDir ? out : join(out, '..'));
  mkdirSync(dir, { recursive: true });
  let file = asDir ? join(dir, backupFileName()) : resolve(out);
  for (let i = 1; asDir && existsSync(file); i++) file = join(dir, backupFileName().replace('.tar.gz', `-${i}.tar.gz`));
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
  const removed: string[] = [];
  if (asDir && opts.keep !== undefined) {
    const ours = readdirSync(dir).filter((f) => BACKUP_NAME.test(f)).sort();
    for (const f of ours.slice(0, Math.max(0, ours.length - opts.keep))) {
      rmSync(join(dir, f), { force: true });
      removed.push(join(dir, f));
    }
  }
  await acm.audit.record({ action: 'backup.create', target: 'backup', targetId: basename(file).slice(0, 40), after: { file, bytes: data.length, removed } });
  return { file, bytes: data.length, manifest, removed };
}

/** Index of the backups acm wrote into a remote directory (SFTP has no portable listing here). */
const REMOTE_INDEX = '.acm-backups.json';

/**
 * Writes a backup over SFTP (temp file, size and SHA-256 checked, rename) to a file, or to a new
 * file in a directory, keeping the newest `keep` of the files acm wrote there.
 */
export async function backupToSftp(acm: Acm, target: SftpTarget, opts: { keep?: number } = {}): Promise<BackupWritten> {
  const { data, manifest } = await createBackup(acm.orm);
  const ssh = new SshTransport({
    host: target.host, port: target.port, username: target.username, password: target.password,
    privateKey: target.privateKey, ...sftpHostKeyOptions(target, acm.audit),
  });
  await ssh.connect();
  try {
    const asDir = !isArchivePath(target.path);
    const dir = asDir ? target.path.replace(/\/+$/, '') || '/' : posix.dirname(target.path);
    await ssh.mkdirp(dir);
    const file = asDir ? posix.join(dir, backupFileName()) : target.path;
    await ssh.writeFileAtomic(file, data);
    const removed: string[] = [];
    if (asDir) {
      const indexPath = posix.join(dir, REMOTE_INDEX);
      let index: string[] = [];
      if (await ssh.exists(indexPath)) {
        try { index = (JSON.parse((await ssh.readFile(indexPath)).toString('utf8')) as string[]).filter((f) => BACKUP_NAME.test(f)); } catch { index = []; }
      }
      index = [...new Set([...index, posix.basename(file)])].sort();
      if (opts.keep !== undefined) {
        for (const f of index.slice(0, Math.max(0, index.length - opts.keep))) {
          await ssh.unlink(posix.join(dir, f)).catch(() => undefined);
          removed.push(posix.join(dir, f));
        }
        index = index.slice(Math.max(0, index.length - opts.keep));
      }
      await ssh.writeFileAtomic(indexPath, `${JSON.stringify(index, null, 1)}\n`);
    }
    const where = `sftp://${target.username}@${target.host}:${target.port}${file}`;
    await acm.audit.record({ action: 'backup.create', target: 'backup', targetId: posix.basename(file).slice(0, 40), after: { file: where, bytes: data.length, removed } });
    return { file: where, bytes: data.length, manifest, removed };
  } finally {
    await ssh.close();
  }
}

/* ------------------------------------------------------------------------------------------------
 * Scheduled backups.
 * ---------------------------------------------------------------------------------------------- */

export interface BackupScheduleOptions {
  /** Interval; bounded to 1 s … 24 days. */
  everyMs: number;
  /** How many backups to keep in the target directory (1…1000). */
  keep: number;
  /** A local directory… */
  dir?: string;
  /** …or a remote one (`user@host:port:/path` or a parsed target). */
  sftp?: SftpTarget | string;
}

export interface BackupSchedule {
  /** Runs one backup now (waits for a running one first); resolves with what was written. */
  runNow(): Promise<BackupWritten>;
  stop(): void;
  readonly last?: { at: Date; ok: boolean; file?: string; error?: string };
}

/**
 * Backs up every `everyMs` into `dir` or over SFTP, keeping the newest `keep`. The timer is
 * unref'd (it never keeps the process alive), runs never overlap (a tick during a run is
 * skipped), and a failure is logged and published on `acm.0.0.0.backup.finished`, never thrown.
 */
export function startBackupSchedule(acm: Acm, opts: BackupScheduleOptions): BackupSchedule {
  if (!opts.dir === !opts.sftp) throw new ValidationError([{ field: 'dir', message: 'give exactly one of dir and sftp' }]);
  const everyMs = Math.min(24 * 86_400_000, Math.max(1000, Math.floor(opts.everyMs)));
  const keep = Math.min(1000, Math.max(1, Math.floor(opts.keep)));
  const target = typeof opts.sftp === 'string' ? parseSftpTarget(opts.sftp, {
    password: process.env.ACM_BACKUP_SFTP_PASSWORD, hostKeySha256: process.env.ACM_BACKUP_SFTP_HOST_KEY || undefined, knownHostsFile: sftpHostKeysFile(),
  }) : opts.sftp;
  let running: Promise<BackupWritten> | undefined;
  let stopped = false;
  const state: { last?: BackupSchedule['last'] } = {};
  const once = (): Promise<BackupWritten> => {
    const p = (target ? backupToSftp(acm, target, { keep }) : backupToLocal(acm, opts.dir!, { keep }))
      .then((w) => {
        state.last = { at: new Date(), ok: true, file: w.file };
        acm.bus.publish(BACKUP_SUBJECT, { ok: true, file: w.file, bytes: w.bytes, removed: w.removed });
        return w;
      }, (err: Error) => {
        state.last = { at: new Date(), ok: false, error: err.message };
        acm.logger.warn({ err: err.message }, 'scheduled backup failed');
        acm.bus.publish(BACKUP_SUBJECT, { ok: false, error: err.message });
        throw err;
      })
      .finally(() => { if (running === p) running = undefined; });
    running = p;
    return p;
  };
  const timer = setInterval(() => {
    if (stopped || running) return;
    once().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return {
    async runNow() {
      if (running) await running.catch(() => undefined);
      return once();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
    get last() { return state.last; },
  };
}
