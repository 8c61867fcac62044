import type { EntityManager } from '@mikro-orm/core';
import {
  AclSchema, ClusterSchema, ExtensionSchema, GroupSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema,
} from '../model/entities.ts';
import type { ClusterSnapshot } from './snapshot.ts';

/** Loads one cluster for rendering; every list in a deterministic order (by id). */
export async function loadSnapshot(em: EntityManager, clusterId: number): Promise<ClusterSnapshot> {
  const cluster = await em.findOneOrFail(ClusterSchema, { id: clusterId });
  const byId = { orderBy: { id: 'asc' as const } };
  const [tenant, site, servers, groups, extensions, trunks, acls] = await Promise.all([
    em.findOneOrFail(TenantSchema, { id: cluster.tenantId }),
    em.findOneOrFail(SiteSchema, { id: cluster.siteId }),
    em.find(ServerSchema, { clusterId }, byId),
    em.find(GroupSchema, { tenantId: cluster.tenantId }, byId),
    em.find(ExtensionSchema, { clusterId }, byId),
    em.find(TrunkSchema, { clusterId }, byId),
    em.find(AclSchema, { tenantId: cluster.tenantId }, byId),
  ]);
  return { tenant, site, cluster, servers, groups, extensions, trunks, acls };
}
