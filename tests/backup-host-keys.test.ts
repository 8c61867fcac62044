import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupToSftp, BACKUP_NAME, parseSftpTarget } from '../core/backup/targets.ts';
import { SFTP_HOST_KEYS_FILE } from '../core/backup/sftp-host-keys.ts';
import { HostKeyMismatchError, SshError } from '../core/asterisk/errors.ts';
import { canonicalFingerprint } from '../core/asterisk/host-keys.ts';
import { AuditEventSchema } from '../core/model/entities.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';

let k: TestKernel;
let sim: SimulatedAsterisk;
let dataDir: string;
let knownHostsFile: string;

const keyOf = (s: SimulatedAsterisk) => canonicalFingerprint(s.hostKeySha256!)!;
const archives = () => {
  const dir = join(sim.fsRoot, 'var', 'backups');
  return existsSync(dir) ? readdirSync(dir).filter((f) => BACKUP_NAME.test(f)).length : 0;
};
const pins = () => JSON.parse(readFileSync(knownHostsFile, 'utf8')) as Record<string, string>;
const audits = (action: string) => k.acm.orm.em.fork().find(AuditEventSchema, { action });

beforeAll(async () => {
  k = await startTestKernel();
  sim = new SimulatedAsterisk();
  await sim.start({ amiPort: 0, ariPort: 0, sshPort: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'acm-known-'));
  knownHostsFile = join(dataDir, SFTP_HOST_KEYS_FILE);
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await k?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('host keys of SFTP backup targets', () => {
  it('refuses a target with neither a given key nor a pins file', async () => {
    const target = parseSftpTarget(`asterisk@127.0.0.1:${sim.ports.ssh}:/var/backups`, { password: 'asterisk-Secret1' });
    const err = await backupToSftp(k.acm, target).catch((e: Error) => e);
    expect(err).toBeInstanceOf(SshError);
    expect((err as Error).message).toContain(`no host key pinned (offered ${keyOf(sim)})`);
  });

  it('pins the first key seen, refuses a changed one, and takes a new key only when the operator gives it', async () => {
    const target = () => parseSftpTarget(`asterisk@127.0.0.1:${sim.ports.ssh}:/var/backups`, { password: 'asterisk-Secret1', knownHostsFile });
    const id = `127.0.0.1:${sim.ports.ssh}`;
    await backupToSftp(k.acm, target());
    expect(archives()).toBe(1);
    expect(pins()).toEqual({ [id]: keyOf(sim) });
    expect(statSync(knownHostsFile).mode & 0o777).toBe(0o600);
    expect(await audits('backup.hostkey.pinned')).toHaveLength(1);

    const old = keyOf(sim);
    await sim.rebuild(); // a reinstalled backup server: empty disk, new host key
    const fresh = keyOf(sim);
    const refused = await backupToSftp(k.acm, target()).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(HostKeyMismatchError);
    expect((refused as Error).message).toBe(`host key of ${id} changed: pinned ${old}, offered ${fresh}; if the backup server was rebuilt, give its new key with --sftp-host-key (ACM_BACKUP_SFTP_HOST_KEY for scheduled backups)`);
    expect(archives()).toBe(0); // the rebuilt server's disk is empty, and nothing was written to it
    expect(pins()[id]).toBe(old);

    // A wrong key given is refused too and changes nothing.
    const wrong = await backupToSftp(k.acm, { ...target(), hostKeySha256: `SHA256:${'C'.repeat(43)}` }).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(HostKeyMismatchError);
    expect(pins()[id]).toBe(old);

    await backupToSftp(k.acm, { ...target(), hostKeySha256: sim.hostKeySha256 });
    expect(pins()[id]).toBe(fresh);
    expect(await audits('backup.hostkey.trusted')).toHaveLength(1);
    await backupToSftp(k.acm, target()); // later runs need no flag
    expect(archives()).toBe(2);
  }, 60_000);
});
