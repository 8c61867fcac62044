/**
 * Where the secret keys live: ACM_SECRET_KEY (base64 keys of 32 bytes, comma-separated, newest
 * first), else `<ACM_DATA_DIR>/secret.key`, created mode 0600 on first start. The file is JSON:
 *   { "format": "acm-secret-keys", "version": 1, "keys": [{ "id", "key" (base64), "createdAt" }] }
 * oldest first; the last key seals. Neither is ever part of a backup.
 */
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_BYTES, Keyring, keyIdOf, newSecretKey, SecretKeyError, type SecretKey } from './secret-box.ts';

export const KEY_FILE = 'secret.key';
const FORMAT = 'acm-secret-keys';

interface KeyFileJson { format: string; version: number; keys: { id: string; key: string; createdAt?: string }[] }

function decodeKey(b64: string, where: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length !== KEY_BYTES) {
    throw new SecretKeyError(`${where} is not ${KEY_BYTES} bytes of base64 (make one with: openssl rand -base64 32)`);
  }
  return key;
}

/** ACM_SECRET_KEY: newest first in the variable, oldest first in the ring. */
export function parseEnvKeys(text: string, name = 'ACM_SECRET_KEY'): SecretKey[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) throw new SecretKeyError(`${name} is empty`);
  return parts.map((p, i) => {
    const key = decodeKey(p, parts.length > 1 ? `${name} (key ${i + 1})` : name);
    return { id: keyIdOf(key), key };
  }).reverse();
}

export function readKeyFile(file: string): SecretKey[] {
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new SecretKeyError(`${file} can be read by other users (mode ${mode.toString(8)}): chmod 600 ${file}`);
  }
  let json: KeyFileJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as KeyFileJson;
  } catch (err) {
    throw new SecretKeyError(`${file} is not a key file: ${(err as Error).message}`);
  }
  if (json?.format !== FORMAT || json.version !== 1 || !Array.isArray(json.keys) || !json.keys.length) {
    throw new SecretKeyError(`${file} is not an acm key file (format ${FORMAT} v1 with at least one key)`);
  }
  return json.keys.map((k, i) => {
    const key = decodeKey(String(k.key), `${file}: key ${i + 1}`);
    if (keyIdOf(key) !== k.id) throw new SecretKeyError(`${file}: key ${i + 1} does not match its id ${k.id} (the file is damaged)`);
    return { id: k.id, key, ...(k.createdAt ? { createdAt: k.createdAt } : {}) };
  });
}

function keyFileText(keys: readonly SecretKey[]): string {
  const json: KeyFileJson = { format: FORMAT, version: 1, keys: keys.map((k) => ({ id: k.id, key: k.key.toString('base64'), ...(k.createdAt ? { createdAt: k.createdAt } : {}) })) };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function writeNew(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try { writeSync(fd, text); } finally { closeSync(fd); }
}

/** Replaces the key file atomically (mode 0600). */
export function writeKeyFile(file: string, keys: readonly SecretKey[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  writeNew(tmp, keyFileText(keys));
  renameSync(tmp, file);
}

/** Creates the key file with one new key unless it exists (two processes starting at once agree on one). */
function createKeyFile(file: string): void {
  const tmp = `${file}.new-${process.pid}`;
  rmSync(tmp, { force: true });
  writeNew(tmp, keyFileText([newSecretKey()]));
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A keyring read from a key file, following later changes to it. */
export function fileKeyring(file: string): Keyring {
  let seen = '';
  const stamp = () => { const s = statSync(file); return `${s.mtimeMs}:${s.size}:${s.ino}`; };
  const read = () => { seen = stamp(); return readKeyFile(file); };
  const keys = read();
  return new Keyring(keys, { source: file, file, reload: () => (stamp() === seen ? null : read()) });
}

export interface KeyringSettings {
  dataDir?: string;
  /** Keys as in ACM_SECRET_KEY; when given, no key file is read or created. */
  envKeys?: string;
}

/** The instance's keyring: from ACM_SECRET_KEY if given, else the key file (made on first start). */
export function loadKeyring(s: KeyringSettings): Keyring {
  if (s.envKeys !== undefined) return new Keyring(parseEnvKeys(s.envKeys), { source: 'ACM_SECRET_KEY' });
  const dir = resolve(s.dataDir ?? './data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, KEY_FILE);
  if (!existsSync(file)) createKeyFile(file);
  return fileKeyring(file);
}
