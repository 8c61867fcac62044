import { tenantName, type ClusterView, type TenantView } from '../../sdk/index.ts';

/**
 * The names roaming renders, one function each so renderers, verifiers and the dialplan agree.
 * Every name carries the tenant prefix: two hosted tenants' links never meet.
 */

/** A cluster's IAX2 peer and user name on the other side: `acm-<cluster>`, or `acm-c<id>` when the name would not fit. */
export function peerName(t: TenantView, c: Pick<ClusterView, 'id' | 'name'>): string {
  // chan_iax2 keeps peer names in 80 bytes, but `iax2 show peers` and acm's verifier read 15.
  const plain = /^[a-z0-9][a-z0-9-]{0,10}$/.test(c.name) ? `acm-${c.name}` : `acm-c${c.id}`;
  return tenantName(t, plain, 'cluster name');
}

/** The DUNDi context all clusters of a tenant share. */
export const dundiContext = (t: TenantView) => tenantName(t, 'roaming');

/** Dialplan contexts: what non-local roaming numbers match, the lookup itself, calls arriving from another site, published numbers by weight. */
export const contexts = {
  lookup: (t: TenantView) => tenantName(t, 'roaming-lookup'),
  dial: (t: TenantView) => tenantName(t, 'roaming-dial'),
  incoming: (t: TenantView) => tenantName(t, 'roaming-in'),
  published: (t: TenantView, weight: number) => tenantName(t, `roaming-pub-${weight}`),
};

/** DUNDi entity id of a cluster: a locally administered MAC (02:…), `ac` for acm, the cluster id in 4 bytes. */
export function entityId(clusterId: number): string {
  const hex = clusterId.toString(16).padStart(8, '0');
  if (hex.length > 8) throw new Error(`cluster id ${clusterId} does not fit a DUNDi entity id`);
  return ['02', 'ac', ...hex.match(/../g)!].join(':');
}

/** res_crypto key name (the file is `<name>.key` / `<name>.pub`). */
export const keyName = (t: TenantView, clusterId: number, keyId: number) => tenantName(t, `acm-c${clusterId}-k${keyId}`, 'key');

/** DUNDi weight of a roaming extension (the only site that has it) and of a standard number's nth cluster (1-based). */
export const ROAMER_WEIGHT = 0;
export const standardWeight = (rank: number) => rank * 10;
