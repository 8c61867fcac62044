/**
 * Secrets at rest: AES-256-GCM under a keyring kept apart from the database.
 *
 * A sealed value is `enc:v1:<keyId>:<base64(iv | ciphertext | tag)>`: a 12-byte random IV, a
 * 16-byte tag, and `enc:v1:<keyId>` as additional data, so the header cannot be swapped. The key id
 * is derived from the key (not chosen), so the same key has the same id in a file and in the
 * environment. A value without the `enc:` prefix is legacy plaintext from before encryption: it
 * reads as it is, and is sealed at the next start (see reseal.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { SecretKeyError, type SecretSealer } from '../../sdk/secret-column.ts';

export { SecretKeyError };

/** Every sealed value starts so (SQL prefilters on it; `isSealed` decides). */
export const V1 = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;
/** What a sealed value may contain: it is embedded in SQL and JSON without escaping concerns. */
const SEALED = /^enc:v1:([0-9a-f]{12}):([A-Za-z0-9+/]+={0,2})$/;

export interface SecretKey { id: string; key: Buffer; createdAt?: string }

/** The id of a key: the first 12 hex digits of a SHA-256 over a label and the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('acm secret key id\0').update(key).digest('hex').slice(0, 12);
}

export function newSecretKey(now = new Date()): SecretKey {
  const key = randomBytes(KEY_BYTES);
  return { id: keyIdOf(key), key, createdAt: now.toISOString() };
}

/**
 * Whether a stored value is sealed. Only the full v1 shape counts, so a legacy plaintext that
 * merely starts with `enc:` stays plaintext; a damaged sealed value still fails to open, loudly.
 */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/** The key id a stored value was sealed with; null for legacy plaintext. */
export function sealedKeyId(value: string): string | null {
  return SEALED.exec(value)?.[1] ?? null;
}

export interface KeyringOptions {
  /** Where the keys came from, for messages (`/data/secret.key`, `ACM_SECRET_KEY`). */
  source?: string;
  /** The key file, when the keys are in one (rotation adds keys there). */
  file?: string;
  /** The source's keys again, or null when it has not changed since it was last read. */
  reload?: () => SecretKey[] | null;
}

/**
 * The keys that open secrets; the newest one seals. A key file is read again when a value names
 * a key not in the ring and, at most once a second, before sealing: a running acm follows an
 * `acm secrets rotate` run by another process.
 */
export class Keyring implements SecretSealer {
  private keys: SecretKey[];
  private checkedAt = Date.now();
  /**
   * Sealed value → plaintext, for values this process sealed or opened already: a commit reloads
   * every extension, and the ORM opens a value twice to see whether it changed. Bounded; emptied
   * when a key leaves the ring.
   */
  private opened = new Map<string, string>();
  private static readonly OPENED_MAX = 100_000;
  readonly source: string;
  readonly file?: string;
  private readonly reload?: () => SecretKey[] | null;

  constructor(keys: SecretKey[], opts: KeyringOptions = {}) {
    this.source = opts.source ?? 'an in-memory keyring';
    this.file = opts.file;
    this.reload = opts.reload;
    if (!keys.length) throw new SecretKeyError(`${this.source} holds no key`);
    for (const k of keys) if (k.key.length !== KEY_BYTES) throw new SecretKeyError(`${this.source}: key ${k.id} is not ${KEY_BYTES} bytes`);
    this.keys = [...keys];
  }

  /** A throw-away keyring with one fresh key (tests, scratch databases). */
  static generate(): Keyring {
    return new Keyring([newSecretKey()]);
  }

  get current(): SecretKey {
    return this.keys.at(-1)!;
  }

  /** Key ids, oldest first (the last one seals). */
  list(): readonly SecretKey[] {
    return this.keys;
  }

  has(id: string): boolean {
    return this.keys.some((k) => k.id === id);
  }

  /** Makes `key` the sealing key (kept last); an existing id moves to the end. */
  use(key: SecretKey): void {
    this.keys = [...this.keys.filter((k) => k.id !== key.id), key];
  }

  /** Keeps only the keys whose ids are given (the current one always stays). */
  retain(ids: Iterable<string>): void {
    const keep = new Set(ids);
    keep.add(this.current.id);
    this.keys = this.keys.filter((k) => keep.has(k.id));
    this.opened.clear();
  }

  /** Takes the keys of a changed source (another process rotated); false when nothing changed. */
  refresh(): boolean {
    this.checkedAt = Date.now();
    const keys = this.reload?.();
    if (!keys?.length) return false;
    this.keys = keys;
    this.opened.clear();
    return true;
  }

  seal(plain: string): string {
    // A rotation elsewhere is picked up within a second, so new writes use the new key.
    if (this.reload && Date.now() - this.checkedAt > 1000) this.refresh();
    const k = this.current;
    const header = `${V1}${k.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', k.key, iv);
    cipher.setAAD(Buffer.from(header));
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    const sealed = `${header}:${body.toString('base64')}`;
    this.remember(sealed, plain);
    return sealed;
  }

  private remember(sealed: string, plain: string): void {
    if (this.opened.size >= Keyring.OPENED_MAX) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(sealed, plain);
  }

  /** The plaintext of a stored value (legacy plaintext as it is). */
  open(stored: string): string {
    const known = this.opened.get(stored);
    if (known !== undefined) return known;
    const id = sealedKeyId(stored);
    if (id === null) return stored;
    let k = this.keys.find((x) => x.id === id);
    if (!k && this.refresh()) k = this.keys.find((x) => x.id === id);
    if (!k) {
      throw new SecretKeyError(`a stored secret is sealed with key ${id}, which is not in the keyring (${this.source}; it has ${this.keys.map((x) => x.id).join(', ')}): `
        + 'use the secret.key of the instance that wrote it (or give it in ACM_SECRET_KEY)');
    }
    const body = Buffer.from(stored.slice(V1.length + id.length + 1), 'base64');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SecretKeyError(`a stored secret sealed with key ${id} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', k.key, body.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${V1}${id}`));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    let plain: string;
    try {
      plain = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(`a stored secret sealed with key ${id} does not decrypt: the value is damaged, or the key with that id is not the one that sealed it`);
    }
    this.remember(stored, plain);
    return plain;
  }
}
