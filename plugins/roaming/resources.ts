import { defineResource, z, type CoreRefs, type EntityManager, type ResourceWrite } from '../../sdk/index.ts';
import { LinkSchema, RoamerSchema, StandardNumberSchema, type Roamer, type RoamingLink, type StandardNumber } from './entities.ts';

const id = z.number().int().positive();
const NUMBER = /^[0-9]{2,10}$/;

export const LinkInput = z.strictObject({ clusterId: id, peerClusterId: id });
export const RoamerInput = z.strictObject({ extensionId: id });
export const StandardNumberInput = z.strictObject({
  number: z.string().regex(NUMBER, '2 to 10 digits'),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/, 'letters, digits, space and _.-, at most 40'),
  /** Where it is answered: each cluster's own extension of that number first, then these in order. */
  clusterIds: z.array(id).min(1).max(32).refine((c) => new Set(c).size === c.length, 'each cluster once'),
});

/** A cluster the caller may see, of the row's tenant: else the problem, naming the field. */
async function tenantCluster(refs: CoreRefs, clusterId: number, tenantId: number, field: string) {
  const c = await refs.find('cluster', clusterId);
  if (!c) return { field, message: `no cluster ${clusterId}` };
  if (c.tenantId !== tenantId) return { field, message: `cluster ${c.name} belongs to another tenant: roaming links the clusters of one tenant` };
  return null;
}

/** A number that is a standard number may not also roam, and the other way round. */
async function standardClash(em: EntityManager, tenantId: number, number: string) {
  return em.findOne(StandardNumberSchema, { tenantId, number });
}

export function linkResource(afterLink: (w: ResourceWrite<RoamingLink>) => Promise<void>) {
  return defineResource<RoamingLink>({
    name: 'links', singular: 'link', entity: LinkSchema, input: LinkInput, parent: 'tenant',
    filters: ['clusterId', 'peerClusterId'], unique: [['clusterId', 'peerClusterId']],
    clusters: (l) => [l.clusterId, l.peerClusterId],
    copyDefaults: () => ({}),
    async check(em, l, existing, refs) {
      if (l.clusterId === l.peerClusterId) return [{ field: 'peerClusterId', message: 'a cluster is not linked to itself' }];
      const problems = (await Promise.all([tenantCluster(refs, l.clusterId, l.tenantId, 'clusterId'), tenantCluster(refs, l.peerClusterId, l.tenantId, 'peerClusterId')])).filter((p) => p !== null);
      if (problems.length) return problems;
      const reverse = await em.findOne(LinkSchema, { clusterId: l.peerClusterId, peerClusterId: l.clusterId });
      if (reverse && reverse.id !== existing?.id) return [{ field: 'peerClusterId', message: `the two clusters are linked already (link ${reverse.id})` }];
      return [];
    },
    afterWrite: (w) => afterLink(w),
  });
}

export function roamerResource() {
  return defineResource<Roamer>({
    name: 'roamers', singular: 'roamer', entity: RoamerSchema, input: RoamerInput, parent: 'tenant',
    filters: ['extensionId'], unique: [['extensionId']],
    copyDefaults: () => ({}),
    async check(em, r, _existing, refs) {
      const e = await refs.find('extension', r.extensionId);
      if (!e || e.tenantId !== r.tenantId) return [{ field: 'extensionId', message: `no extension ${r.extensionId}` }];
      if (await standardClash(em, r.tenantId, e.extension)) return [{ field: 'extensionId', message: `${e.extension} is a standard number: a number roams or is standard, not both` }];
      return [];
    },
  });
}

export function standardNumberResource() {
  return defineResource<StandardNumber>({
    name: 'standard-numbers', singular: 'standard', entity: StandardNumberSchema, input: StandardNumberInput, parent: 'tenant',
    search: ['number', 'name'], defaultSort: 'number', unique: [['tenantId', 'number']],
    copyDefaults: (n) => ({ number: '', name: `${n.name.slice(0, 35)}-copy` }),
    async check(em, n, _existing, refs) {
      const problems = (await Promise.all(n.clusterIds.map((c, i) => tenantCluster(refs, c, n.tenantId, `clusterIds.${i}`)))).filter((p) => p !== null);
      if (problems.length) return problems;
      for (const r of await em.find(RoamerSchema, { tenantId: n.tenantId })) {
        const e = await refs.find('extension', r.extensionId);
        if (e?.extension === n.number) return [{ field: 'number', message: `${n.number} is a roaming extension: a number roams or is standard, not both` }];
      }
      return [];
    },
  });
}
