/**
 * The column type of a secret (a password, key or PIN), for core and plugin entities alike:
 * `{ type: SecretType, nullable: true }`. Sealed on the way into the database and opened on the
 * way out by the keyring acm attaches to its ORM, so entities hold plaintext and tables
 * ciphertext. The keyring belongs to one ORM (a configuration extension), not the process.
 */
import { Type, type Platform } from '@mikro-orm/core';
import { AcmError } from './errors.ts';

/** A secret cannot be sealed or opened: a missing or wrong key, or a damaged value. Never shows a secret. */
export class SecretKeyError extends AcmError {
  override readonly status = 500;
  override readonly type = 'urn:acm:secret-key';
  override readonly title = 'Secret key problem';
}

/** What seals and opens secrets (acm's keyring). */
export interface SecretSealer {
  seal(plain: string): string;
  open(stored: string): string;
}

/** The ORM configuration extension that holds the sealer. */
export const SECRET_SEALER = 'acm.secrets';

export class SecretType extends Type<string | null | undefined, string | null | undefined> {
  private sealer(platform: Platform | undefined, what: string): SecretSealer {
    const s = platform?.getConfig().getExtension<SecretSealer>(SECRET_SEALER);
    if (!s) throw new SecretKeyError(`cannot ${what} a secret: no secret keyring is loaded for this database`);
    return s;
  }

  override convertToDatabaseValue(value: string | null | undefined, platform: Platform): string | null | undefined {
    if (value === null || value === undefined) return value;
    return this.sealer(platform, 'store').seal(value);
  }

  override convertToJSValue(value: string | null | undefined, platform: Platform): string | null | undefined {
    if (value === null || value === undefined) return value;
    return this.sealer(platform, 'read').open(value);
  }

  /** Two sealings of one plaintext differ (random IV): compare what they hold, or every flush would rewrite them. */
  override compareValues(a: string | null | undefined, b: string | null | undefined): boolean {
    if (a === b) return true;
    if (a === null || a === undefined || b === null || b === undefined) return false;
    const s = this.sealer(this.platform, 'compare');
    return s.open(a) === s.open(b);
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
