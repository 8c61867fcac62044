/**
 * The column type of a secret: sealed on the way into the database, opened on the way out, so
 * every entity read (and load-snapshot, which applies custom types itself) sees plaintext and
 * every table holds ciphertext. The keyring belongs to one ORM (`attachKeyring`), not the process.
 */
import { Type, type Configuration, type MikroORM, type Platform } from '@mikro-orm/core';
import { Keyring, SecretKeyError } from './secret-box.ts';

const EXTENSION = 'acm.secrets';

/** Makes `keyring` the one the ORM with this configuration seals and opens with. */
export function attachKeyring(config: Configuration, keyring: Keyring): void {
  config.registerExtension(EXTENSION, () => keyring);
}

export function keyringOf(config: Configuration): Keyring | undefined {
  return config.getExtension<Keyring>(EXTENSION);
}

export function requireKeyring(orm: MikroORM): Keyring {
  const k = keyringOf(orm.config);
  if (!k) throw new SecretKeyError('no secret keyring is loaded for this database');
  return k;
}

export class SecretType extends Type<string | null | undefined, string | null | undefined> {
  private ring(platform: Platform | undefined, what: string): Keyring {
    const k = platform && keyringOf(platform.getConfig());
    if (!k) throw new SecretKeyError(`cannot ${what} a secret: no secret keyring is loaded for this database`);
    return k;
  }

  override convertToDatabaseValue(value: string | null | undefined, platform: Platform): string | null | undefined {
    if (value === null || value === undefined) return value;
    return this.ring(platform, 'store').seal(value);
  }

  override convertToJSValue(value: string | null | undefined, platform: Platform): string | null | undefined {
    if (value === null || value === undefined) return value;
    return this.ring(platform, 'read').open(value);
  }

  /** Two sealings of one plaintext differ (random IV): compare what they hold, or every flush would rewrite them. */
  override compareValues(a: string | null | undefined, b: string | null | undefined): boolean {
    if (a === b) return true;
    if (a === null || a === undefined || b === null || b === undefined) return false;
    const k = this.ring(this.platform, 'compare');
    return k.open(a) === k.open(b);
  }

  /** The raw value read is kept as the snapshot (compareValues handles it): no re-sealing per row loaded. */
  override ensureComparable(): boolean {
    return false;
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return 'text';
  }
}
