/** Where backups go: a local directory or file, or a directory or file over SFTP. */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';
import type { Acm } from '../app.ts';
import { ValidationError } from '../../sdk/errors.ts';
import { SshTransport } from '../asterisk/ssh-transport.ts';
import { sftpHostKeyOptions } from './sftp-host-keys.ts';
import { createBackup, type BackupManifest } from './archive.ts';

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
