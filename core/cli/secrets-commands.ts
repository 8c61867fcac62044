import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { writeKeyFile } from '../crypto/keyring-file.ts';
import { resealSecrets, secretCensus, type SecretCensus } from '../crypto/reseal.ts';
import { newSecretKey, SecretKeyError, type Keyring } from '../crypto/secret-box.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { WithAcm } from './batch-commands.ts';
import { printRows } from './output.ts';

export interface KeyStatus { id: string; createdAt: string | null; state: 'current' | 'old' | 'missing'; values: number }

/** Every key of the ring and every key id the stored values name, with how many values each seals. */
export function keyStatus(keyring: Keyring, census: SecretCensus): KeyStatus[] {
  const rows: KeyStatus[] = keyring.list().map((k) => ({
    id: k.id, createdAt: k.createdAt ?? null, state: k.id === keyring.current.id ? 'current' : 'old', values: census.byKey[k.id] ?? 0,
  }));
  for (const [id, values] of Object.entries(census.byKey)) if (!keyring.has(id)) rows.push({ id, createdAt: null, state: 'missing', values });
  return rows;
}

/** Leaves the retired keys beside the key file: older backups still need them. */
function retiredFile(file: string, now: Date): string {
  const base = `${file}.retired-${now.toISOString().replace(/[-:.]/g, '')}`;
  let name = base;
  for (let i = 1; existsSync(name); i++) name = `${base}-${i}`;
  return name;
}

/**
 * `acm secrets status` and `acm secrets rotate`. Wired by core/cli/main.ts:
 * `registerSecretsCommands(program, withAcm, operator)`.
 */
export function registerSecretsCommands(program: Command, withAcm: WithAcm, operator: () => Principal): void {
  const secrets = program.command('secrets').description('the keys that seal stored passwords and PINs');

  secrets.command('status').description('the keys, and how many stored values each one seals')
    .option('--json')
    .action((o: { json?: boolean }) => withAcm(async (acm) => {
      const census = await secretCensus(acm.orm);
      const keys = keyStatus(acm.secrets, census);
      if (o.json) {
        console.log(JSON.stringify({ source: acm.secrets.source, keys, plaintext: census.plaintext, columns: census.columns }, null, 2));
      } else {
        console.log(`keyring: ${acm.secrets.source}`);
        printRows(keys.map((k) => ({ ...k, state: k.state === 'missing' ? 'MISSING (cannot be read)' : k.state })), ['id', 'createdAt', 'state', 'values'], false);
        console.log(`${census.plaintext} value(s) in plaintext`);
      }
      if (keys.some((k) => k.state === 'missing')) process.exitCode = 1;
    }));

  secrets.command('rotate').description('seal every stored secret under a new key (ACM_SECRET_KEY: under its first key)')
    .option('--drop-old', 'then remove the old keys from the key file (kept in secret.key.retired-<time> for older backups)')
    .option('--json')
    .action((o: { dropOld?: boolean; json?: boolean }) => withAcm(async (acm) => {
      const ring = acm.secrets;
      const now = new Date();
      // The new key is on disk before any value uses it; the old ones stay until nothing needs them.
      let added: string | null = null;
      if (ring.file) {
        ring.refresh();
        const key = newSecretKey(now);
        writeKeyFile(ring.file, [...ring.list(), key]);
        ring.use(key);
        added = key.id;
      }
      const result = await resealSecrets(acm.orm, ring);
      let retired: { ids: string[]; file: string | null } | null = null;
      if (o.dropOld) {
        if (!ring.file) throw new SecretKeyError('the keys come from ACM_SECRET_KEY: remove the old keys from it yourself');
        // A value another process wrote meanwhile under an old key is sealed again first.
        if (Object.keys((await secretCensus(acm.orm)).byKey).some((id) => id !== ring.current.id)) {
          const again = await resealSecrets(acm.orm, ring);
          result.resealed += again.resealed;
          for (const [c, n] of Object.entries(again.columns)) result.columns[c] = (result.columns[c] ?? 0) + n;
        }
        const old = ring.list().filter((k) => k.id !== ring.current.id);
        let file: string | null = null;
        if (old.length) {
          file = retiredFile(ring.file, now);
          writeKeyFile(file, old);
          writeKeyFile(ring.file, [ring.current]);
          ring.retain([ring.current.id]);
        }
        retired = { ids: old.map((k) => k.id), file };
      }
      await acm.audit.record({
        action: 'secrets.rotate', target: 'secrets', targetId: ring.current.id, username: operator().username,
        after: { key: ring.current.id, added, resealed: result.resealed, columns: result.columns, retired: retired?.ids ?? [] },
      });
      if (o.json) {
        console.log(JSON.stringify({ key: ring.current.id, added: added !== null, resealed: result.resealed, columns: result.columns, keys: ring.list().map((k) => k.id), retired }, null, 2));
        return;
      }
      console.log(added ? `new key ${added} in ${ring.file}` : `keys from ${ring.source}: sealing with its first key, ${ring.current.id}`);
      const cols = Object.entries(result.columns).map(([c, n]) => `${c} ${n}`).join(', ');
      console.log(`sealed ${result.resealed} value(s) again${cols ? `: ${cols}` : ''}`);
      if (retired?.file) console.log(`retired key(s) ${retired.ids.join(', ')}: moved to ${retired.file} (older backups need them)`);
      const old = ring.list().filter((k) => k.id !== ring.current.id).map((k) => k.id);
      if (old.length) {
        console.log(`older key(s) ${old.join(', ')} still open backups made before; ${ring.file ? 'acm secrets rotate --drop-old removes them' : 'remove them from ACM_SECRET_KEY when no backup needs them'}`);
      }
    }));
}
