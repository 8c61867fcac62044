import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSealed, Keyring, keyIdOf, newSecretKey, sealedKeyId, SecretKeyError } from './secret-box.ts';
import { KEY_FILE, loadKeyring, parseEnvKeys, writeKeyFile } from './keyring-file.ts';

describe('secret box', () => {
  it('seals to enc:v1:<keyId>:<base64> with a fresh IV each time, and opens back', () => {
    const ring = Keyring.generate();
    const a = ring.seal('Zoë-pässword,;"');
    const b = ring.seal('Zoë-pässword,;"');
    expect(a).toMatch(new RegExp(`^enc:v1:${ring.current.id}:[A-Za-z0-9+/]+={0,2}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('pässword');
    expect([ring.open(a), ring.open(b)]).toEqual(['Zoë-pässword,;"', 'Zoë-pässword,;"']);
    expect(ring.open(ring.seal(''))).toBe('');
    expect(sealedKeyId(a)).toBe(ring.current.id);
  });

  it('reads legacy plaintext as it is, even when it starts with enc:', () => {
    const ring = Keyring.generate();
    for (const legacy of ['hunter2', 'enc:hunter2', 'enc:v1:xyz']) {
      expect(isSealed(legacy)).toBe(false);
      expect(ring.open(legacy)).toBe(legacy);
    }
  });

  it('refuses a value under a key it lacks, naming the key, and a tampered value', () => {
    const ring = Keyring.generate();
    const other = Keyring.generate();
    const sealed = other.seal('ami-secret');
    expect(() => ring.open(sealed)).toThrow(SecretKeyError);
    expect(() => ring.open(sealed)).toThrow(new RegExp(`sealed with key ${other.current.id}, which is not in the keyring \\(an in-memory keyring; it has ${ring.current.id}\\)`));
    const body = Buffer.from(sealed.split(':')[3]!, 'base64');
    body[body.length - 20]! ^= 1;
    expect(() => other.open(`enc:v1:${other.current.id}:${body.toString('base64')}`)).toThrow(/does not decrypt: the value is damaged/);
    expect(() => other.open(`enc:v1:${other.current.id}:AAAA`)).toThrow(/truncated/);
  });

  it('seals with the newest key and opens with every key of the ring', () => {
    const old = newSecretKey();
    const ring = new Keyring([old]);
    const before = ring.seal('trunk-secret');
    const next = newSecretKey();
    ring.use(next);
    expect(ring.current.id).toBe(next.id);
    expect(sealedKeyId(ring.seal('x'))).toBe(next.id);
    expect(ring.open(before)).toBe('trunk-secret');
    ring.retain([]);
    expect(ring.list().map((k) => k.id)).toEqual([next.id]);
    expect(() => ring.open(before)).toThrow(new RegExp(`key ${old.id}`));
  });
});

describe('key sources', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'acm-keys-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('creates <data>/secret.key mode 0600 on first start and reads the same key afterwards', () => {
    const first = loadKeyring({ dataDir: join(dir, 'data') });
    const file = join(dir, 'data', KEY_FILE);
    expect(first.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ format: 'acm-secret-keys', version: 1, keys: [{ id: first.current.id }] });
    const again = loadKeyring({ dataDir: join(dir, 'data') });
    expect(again.current.id).toBe(first.current.id);
    expect(again.open(first.seal('ssh-pass'))).toBe('ssh-pass');
  });

  it('refuses a key file others can read, a damaged one, and one whose key does not match its id', () => {
    const ring = loadKeyring({ dataDir: dir });
    const file = join(dir, KEY_FILE);
    chmodSync(file, 0o644);
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/can be read by other users \(mode 644\): chmod 600/);
    chmodSync(file, 0o600);
    writeFileSync(file, '{"format":"acm-secret-keys","version":1,"keys":[]}');
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/not an acm key file/);
    writeFileSync(file, JSON.stringify({ format: 'acm-secret-keys', version: 1, keys: [{ id: ring.current.id, key: randomBytes(32).toString('base64') }] }));
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/does not match its id/);
    writeFileSync(file, 'garbage');
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/is not a key file/);
  });

  it('takes ACM_SECRET_KEY (newest first) instead of the file, and checks each key', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const ring = loadKeyring({ dataDir: dir, envKeys: `${k2.toString('base64')}, ${k1.toString('base64')}` });
    expect(ring.source).toBe('ACM_SECRET_KEY');
    expect(ring.file).toBeUndefined();
    expect(ring.list().map((k) => k.id)).toEqual([keyIdOf(k1), keyIdOf(k2)]);
    expect(ring.current.id).toBe(keyIdOf(k2));
    expect(() => statSync(join(dir, KEY_FILE))).toThrow();
    expect(() => parseEnvKeys(randomBytes(16).toString('base64'))).toThrow(/ACM_SECRET_KEY is not 32 bytes of base64 \(make one with: openssl rand -base64 32\)/);
    expect(() => parseEnvKeys(`${k1.toString('base64')},not-base64!`)).toThrow(/ACM_SECRET_KEY \(key 2\) is not 32 bytes/);
    expect(() => parseEnvKeys(' , ')).toThrow(/ACM_SECRET_KEY is empty/);
  });

  it('follows a key file another process rotated: new ids open, new writes use the newest key', () => {
    const ring = loadKeyring({ dataDir: dir });
    const writer = loadKeyring({ dataDir: dir });
    const next = newSecretKey();
    writeKeyFile(join(dir, KEY_FILE), [...writer.list(), next]);
    writer.use(next);
    const sealedElsewhere = writer.seal('vm-pin-1234');
    expect(ring.open(sealedElsewhere)).toBe('vm-pin-1234');
    expect(ring.current.id).toBe(next.id);
  });
});
