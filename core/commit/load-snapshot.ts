import type { EntityManager } from '@mikro-orm/core';
import {
  AclSchema, ClusterSchema, ExtensionSchema, GroupSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema,
} from '../model/entities.ts';
import type { ClusterSnapshot } from './snapshot.ts';

/** Loads one cluster for rendering; every list in a deterministic order (by id). */
export async function loadSnapshot(em: EntityManager, clusterId: number): Promise<ClusterSnapshot> {
  const cluster = await em.findOneOrFail(ClusterSchema, { id: clusterId });
  const byId = { orderBy: { id: 'asc' as const } };
  // One query after the other: an EntityManager (and SQLite's single connection) is not for concurrent use.
  const tenant = await em.findOneOrFail(TenantSchema, { id: cluster.tenantId });
  const site = await em.findOneOrFail(SiteSchema, { id: cluster.siteId });
  const servers = await em.find(ServerSchema, { clusterId }, byId);
  const groups = await em.find(GroupSchema, { tenantId: cluster.tenantId }, byId);
  const extensions = await em.find(ExtensionSchema, { clusterId }, byId);
  const trunks = await em.find(TrunkSchema, { clusterId }, byId);
  const acls = await em.find(AclSchema, { tenantId: cluster.tenantId }, byId);
  return { tenant, site, cluster, servers, groups, extensions, trunks, acls };
}
