/** Scheduled backups into a local directory or over SFTP (targets.ts). */
import type { Acm } from '../app.ts';
import { ValidationError } from '../../sdk/errors.ts';
import { busSubject } from '../../sdk/bus.ts';
import { sftpHostKeysFile } from './sftp-host-keys.ts';
import { backupToLocal, backupToSftp, parseSftpTarget, type BackupWritten, type SftpTarget } from './targets.ts';

/** Bus subject of the scheduler's results `{ok, file, bytes?, error?}`. */
export const BACKUP_SUBJECT = busSubject({}, 'backup', 'finished');

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
