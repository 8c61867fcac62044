/**
 * Host keys of SFTP backup targets (machines that are not acm servers), trusted on first use
 * like the servers' keys: `<ACM_DATA_DIR>/sftp-host-keys.json`, `{"host:port": "SHA256:…"}`.
 * A key given by the operator (`--sftp-host-key`, ACM_BACKUP_SFTP_HOST_KEY) must match and
 * replaces the stored one: that is how a rebuilt backup server is trusted again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AuditService } from '../../sdk/core-services.ts';
import { checkHostKey } from '../asterisk/host-keys.ts';
import type { SshTransportOptions } from '../asterisk/ssh-transport.ts';

export const SFTP_HOST_KEYS_FILE = 'sftp-host-keys.json';

export function sftpHostKeysFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.ACM_DATA_DIR ?? './data'), SFTP_HOST_KEYS_FILE);
}

function readPins(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const pins = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!pins || typeof pins !== 'object' || Array.isArray(pins)) throw new Error(`${file}: not a JSON object of host keys`);
  return pins as Record<string, string>;
}

function writePin(file: string, id: string, fingerprint: string): void {
  const pins = { ...readPins(file), [id]: fingerprint };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(pins, null, 1)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface SftpHostKeyTarget { host: string; port: number; hostKeySha256?: string; knownHostsFile?: string }

/** The host-key options of an SFTP backup connection. Without a given key or a pins file every host is refused. */
export function sftpHostKeyOptions(target: SftpHostKeyTarget, audit: AuditService): Pick<SshTransportOptions, 'label' | 'hostKeySha256' | 'mismatchHint' | 'onUnpinnedHostKey'> {
  const id = `${target.host}:${target.port}`;
  const file = target.knownHostsFile;
  const given = target.hostKeySha256;
  const pinned = file ? readPins(file)[id] : undefined;
  if (given) {
    return {
      label: id,
      async onUnpinnedHostKey(fp) {
        checkHostKey(id, given, fp);
        if (!file || pinned === fp) return;
        writePin(file, id, fp);
        await audit.record({ action: 'backup.hostkey.trusted', target: 'sftp', targetId: id, username: 'acm', before: { fingerprint: pinned ?? null }, after: { fingerprint: fp, how: 'given' } });
      },
    };
  }
  if (pinned) return { label: id, hostKeySha256: pinned, mismatchHint: 'if the backup server was rebuilt, give its new key with --sftp-host-key (ACM_BACKUP_SFTP_HOST_KEY for scheduled backups)' };
  if (!file) return { label: id };
  return {
    label: id,
    async onUnpinnedHostKey(fp) {
      writePin(file, id, fp);
      await audit.record({ action: 'backup.hostkey.pinned', target: 'sftp', targetId: id, username: 'acm', after: { fingerprint: fp, how: 'first use' } });
    },
  };
}
