import { createHash, generateKeyPairSync } from 'node:crypto';
import type { PluginDb, WriteActor } from '../../sdk/index.ts';
import { NotFoundError, ConflictError } from '../../sdk/index.ts';
import { KeySchema, LinkSchema, type RoamingKey } from './entities.ts';

/**
 * RSA key pairs of the clusters (res_crypto: PEM, 1024 bits, as pbx_dundi's 128-byte key
 * exchange needs and astgenkey makes). The private key goes only to its own cluster's servers.
 */
export function newKeyPair(): { publicKey: string; privateKey: string; fingerprint: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey, fingerprint: keySum(publicKey) };
}

/** What `keys show` prints as Sum: res_crypto's MD5 over the file as read. */
export const keySum = (file: string) => createHash('md5').update(file).digest('hex');

export interface KeyView {
  id: number; tenantId: number; clusterId: number; state: RoamingKey['state']; fingerprint: string; createdAt: string; ageDays: number;
}

export const keyView = (k: RoamingKey, now = Date.now()): KeyView => ({
  id: k.id, tenantId: k.tenantId, clusterId: k.clusterId, state: k.state, fingerprint: k.fingerprint,
  createdAt: new Date(k.createdAt).toISOString(), ageDays: Math.floor((now - new Date(k.createdAt).getTime()) / 86_400_000),
});

/**
 * Key life: `ensure` gives a linked cluster its first active key; `rotate` adds a `next` key that
 * every peer accepts from the next commit on, while the cluster still signs with the active one;
 * `activate` makes it sign with the new key (the old one `retiring`, still accepted) and drops an
 * older retiring one. Commit after each step: no lookup fails in between (IAX2 takes several
 * inkeys; DUNDi keeps its session key an hour, pbx_dundi DUNDI_DEFAULT_KEY_EXPIRE).
 */
export class KeyManager {
  constructor(private readonly db: PluginDb) {}

  async list(clusterIds?: ReadonlySet<number>): Promise<RoamingKey[]> {
    const rows = await this.db.em().find(KeySchema, {}, { orderBy: { clusterId: 'asc', id: 'asc' } });
    return clusterIds ? rows.filter((k) => clusterIds.has(k.clusterId)) : rows;
  }

  /** Clusters whose files change with a cluster's keys: its own (the private key) and its peers (the public one). */
  private async affected(em: import('../../sdk/index.ts').EntityManager, clusterId: number): Promise<number[]> {
    const links = await em.find(LinkSchema, { $or: [{ clusterId }, { peerClusterId: clusterId }] });
    return [...new Set([clusterId, ...links.map((l) => (l.clusterId === clusterId ? l.peerClusterId : l.clusterId))])];
  }

  /** An active key for each cluster that has none (after a link is made). */
  async ensure(actor: WriteActor, tenantId: number, clusterIds: readonly number[]): Promise<void> {
    const have = new Set((await this.list()).filter((k) => k.state === 'active').map((k) => k.clusterId));
    const missing = clusterIds.filter((c) => !have.has(c));
    if (!missing.length) return;
    await this.db.write(actor, async (tx) => {
      for (const clusterId of missing) {
        const k = tx.em.create(KeySchema, { tenantId, clusterId, state: 'active', ...newKeyPair() } as RoamingKey);
        await tx.em.flush();
        tx.changed({ entity: 'roaming.key', action: 'create', id: k.id, tenantId, clusterIds: await this.affected(tx.em, clusterId), after: keyView(k) });
      }
    });
  }

  async rotate(actor: WriteActor, clusterId: number): Promise<KeyView> {
    return this.db.write(actor, async (tx) => {
      const keys = await tx.em.find(KeySchema, { clusterId });
      const active = keys.find((k) => k.state === 'active');
      if (!active) throw new NotFoundError(`cluster ${clusterId} has no roaming key: link it first`);
      if (keys.some((k) => k.state === 'next')) throw new ConflictError(`cluster ${clusterId} has a rotation waiting: commit, then activate it`);
      const k = tx.em.create(KeySchema, { tenantId: active.tenantId, clusterId, state: 'next', ...newKeyPair() } as RoamingKey);
      await tx.em.flush();
      tx.changed({ entity: 'roaming.key', action: 'create', id: k.id, tenantId: k.tenantId, clusterIds: await this.affected(tx.em, clusterId), after: keyView(k) });
      return keyView(k);
    });
  }

  async activate(actor: WriteActor, clusterId: number): Promise<KeyView> {
    return this.db.write(actor, async (tx) => {
      const keys = await tx.em.find(KeySchema, { clusterId });
      const next = keys.find((k) => k.state === 'next');
      if (!next) throw new ConflictError(`cluster ${clusterId} has no new key to activate: rotate first`);
      const clusterIds = await this.affected(tx.em, clusterId);
      for (const k of keys) {
        if (k.state === 'retiring') {
          tx.em.remove(k);
          tx.changed({ entity: 'roaming.key', action: 'delete', id: k.id, tenantId: k.tenantId, clusterIds, before: keyView(k) });
        } else if (k.state === 'active') {
          k.state = 'retiring';
        }
      }
      next.state = 'active';
      await tx.em.flush();
      tx.changed({ entity: 'roaming.key', action: 'update', id: next.id, tenantId: next.tenantId, clusterIds, after: keyView(next) });
      return keyView(next);
    });
  }
}
