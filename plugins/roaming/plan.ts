import type { ClusterSnapshotView, ClusterView, EntityManager, ModelService, ServerView } from '../../sdk/index.ts';
import { KeySchema, LinkSchema, RoamerSchema, StandardNumberSchema, type RoamingKey, type StandardNumber } from './entities.ts';
import { keyName, peerName, ROAMER_WEIGHT, standardWeight } from './names.ts';

/** A linked cluster as one cluster's files name it. */
export interface PlannedPeer {
  cluster: ClusterView;
  name: string;
  /** Where its IAX2 and DUNDi listen: the cluster's VIP, else its first enabled server. */
  host: string | null;
  /** The key it signs with now, and every key it may sign with (active, next, retiring). */
  signsWith: string | null;
  accepted: string[];
  /** Its public keys, as the `.pub` files our servers hold. */
  publicKeys: { name: string; pem: string }[];
}

/** A number one cluster publishes over DUNDi, with its weight (lower wins). */
export interface Published { number: string; weight: number; why: string }

/** What one cluster's roaming files hold, worked out from the whole tenant. */
export interface RoamingPlan {
  self: { name: string; signsWith: string | null; keys: RoamingKey[] };
  peers: PlannedPeer[];
  published: Published[];
  /** Numbers dialled here that live only on other clusters: looked up over DUNDi. */
  remote: string[];
  /** Local extensions (by id) another cluster also answers: tried there when the local phone cannot take the call. */
  fallback: Map<number, string>;
  problems: { object: string; field?: string; message: string }[];
}

export interface PlanSources {
  model: ModelService;
  em: () => EntityManager;
}

const byNumber = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function loadPlan(src: PlanSources, s: ClusterSnapshotView): Promise<RoamingPlan> {
  const em = src.em();
  const t = s.tenant;
  const self = s.cluster;
  const links = (await em.find(LinkSchema, { tenantId: t.id })).filter((l) => l.clusterId === self.id || l.peerClusterId === self.id);
  const tenantClusters = (await src.model.clusters()).filter((c) => c.tenantId === t.id);
  const clusterById = new Map(tenantClusters.map((c) => [c.id, c]));
  const keys = await em.find(KeySchema, { tenantId: t.id }, { orderBy: { id: 'asc' } });
  const keysOf = (clusterId: number) => keys.filter((k) => k.clusterId === clusterId);
  const activeName = (clusterId: number) => {
    const k = keysOf(clusterId).find((x) => x.state === 'active');
    return k ? keyName(t, clusterId, k.id) : null;
  };
  const problems: RoamingPlan['problems'] = [];

  const servers = async (clusterId: number): Promise<readonly ServerView[]> => (await src.model.snapshot(clusterId)).servers;
  const peers: PlannedPeer[] = [];
  for (const l of links) {
    const other = clusterById.get(l.clusterId === self.id ? l.peerClusterId : l.clusterId);
    if (!other) { problems.push({ object: `roaming link ${l.id}`, message: 'links a cluster that no longer exists' }); continue; }
    const host = other.vip || (await servers(other.id)).find((x) => x.enabled)?.host || null;
    if (!host) problems.push({ object: `roaming link to ${other.name}`, message: `cluster ${other.name} has no VIP and no enabled server to reach` });
    const signsWith = activeName(other.id);
    if (!signsWith) problems.push({ object: `roaming link to ${other.name}`, message: `cluster ${other.name} has no roaming key yet (acm roaming keys ensure)` });
    peers.push({ cluster: other, name: peerName(t, other), host, signsWith, accepted: keysOf(other.id).map((k) => keyName(t, other.id, k.id)),
      publicKeys: keysOf(other.id).map((k) => ({ name: keyName(t, other.id, k.id), pem: k.publicKey })) });
  }
  peers.sort((a, b) => a.cluster.id - b.cluster.id);
  const signsWith = activeName(self.id);
  if (peers.length && !signsWith) problems.push({ object: `cluster ${self.name}`, message: 'has no roaming key yet (acm roaming keys ensure)' });

  // Numbers of every linked cluster: roaming extensions (where they live) and standard numbers.
  const reachable = new Set([self.id, ...peers.map((p) => p.cluster.id)]);
  const extensionsOf = new Map<number, ClusterSnapshotView['extensions']>();
  for (const id of reachable) extensionsOf.set(id, id === self.id ? s.extensions : (await src.model.snapshot(id)).extensions);
  const extById = new Map([...extensionsOf.entries()].flatMap(([, list]) => list.map((e) => [e.id, e] as const)));
  const roamers = (await em.find(RoamerSchema, { tenantId: t.id })).map((r) => extById.get(r.extensionId)).filter((e) => e !== undefined);
  const standards: StandardNumber[] = await em.find(StandardNumberSchema, { tenantId: t.id }, { orderBy: { number: 'asc' } });
  const standardNumbers = new Set(standards.map((n) => n.number));

  const homes = new Map<string, number[]>();
  for (const e of roamers) homes.set(e.extension, [...(homes.get(e.extension) ?? []), e.clusterId]);
  for (const [number, where] of homes) {
    if (where.length > 1) problems.push({ object: `roaming number ${number}`, message: `flagged roaming on ${where.length} clusters (${where.map((c) => clusterById.get(c)?.name).join(', ')}): one home only, or make it a standard number` });
    if (standardNumbers.has(number)) problems.push({ object: `roaming number ${number}`, message: 'is also a standard number: one or the other' });
  }
  const published: Published[] = [];
  const elsewhere = new Set<string>();
  for (const e of roamers) {
    if (e.clusterId === self.id) published.push({ number: e.extension, weight: ROAMER_WEIGHT, why: `roaming extension ${e.extension}` });
    else elsewhere.add(e.extension);
  }
  for (const n of standards) {
    n.clusterIds.forEach((clusterId, i) => {
      if (!reachable.has(clusterId)) return;
      if (!extensionsOf.get(clusterId)!.some((e) => e.extension === n.number)) {
        if (clusterId === self.id) problems.push({ object: `standard number ${n.number}`, field: 'clusterIds', message: `cluster ${self.name} has no extension ${n.number} to answer it` });
        return;
      }
      if (clusterId === self.id) published.push({ number: n.number, weight: standardWeight(i + 1), why: `standard number ${n.number} (${n.name})` });
      else elsewhere.add(n.number);
    });
  }
  const local = new Map(s.extensions.map((e) => [e.extension, e.id]));
  const remote = [...elsewhere].filter((n) => !local.has(n)).sort(byNumber);
  const fallback = new Map([...elsewhere].filter((n) => local.has(n)).map((n) => [local.get(n)!, n]));
  published.sort((a, b) => a.weight - b.weight || byNumber(a.number, b.number));
  return { self: { name: peerName(t, self), signsWith, keys: keysOf(self.id) }, peers, published, remote, fallback, problems };
}
