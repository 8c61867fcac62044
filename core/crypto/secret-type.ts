/**
 * The keyring of one ORM. The column type itself is in the SDK (sdk/secret-column.ts) so plugin
 * entities use the same one; load-snapshot and the backup apply it like the ORM does.
 */
import type { Configuration, MikroORM } from '@mikro-orm/core';
import { SECRET_SEALER, SecretKeyError, SecretType } from '../../sdk/secret-column.ts';
import type { Keyring } from './secret-box.ts';

export { SecretType };

/** Makes `keyring` the one the ORM with this configuration seals and opens with. */
export function attachKeyring(config: Configuration, keyring: Keyring): void {
  config.registerExtension(SECRET_SEALER, () => keyring);
}

export function requireKeyring(orm: MikroORM): Keyring {
  const k = orm.config.getExtension<Keyring>(SECRET_SEALER);
  if (!k) throw new SecretKeyError('no secret keyring is loaded for this database');
  return k;
}
