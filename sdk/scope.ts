import type { Principal } from './plugin.ts';

/** Where a row sits, for tenant and scope checks. */
export interface Placed { tenantId?: number | null; siteId?: number | null; clusterId?: number | null; groupId?: number | null }

/**
 * May this user see a row placed here? Their tenant (none = every tenant), narrowed by their
 * site, cluster or group scopes when they have any — the rule every core list applies.
 */
export function visibleTo(user: Principal, row: Placed): boolean {
  if (user.tenantId !== null && row.tenantId != null && row.tenantId !== user.tenantId) return false;
  if (!user.scopes.length) return true;
  return user.scopes.some((s) => (s.type === 'site' ? row.siteId : s.type === 'cluster' ? row.clusterId : row.groupId) === s.id);
}

/** The clusters a user may see (a cluster is placed by its own id). */
export function visibleClusters<C extends { id: number; tenantId: number; siteId: number }>(user: Principal, clusters: readonly C[]): C[] {
  return clusters.filter((c) => visibleTo(user, { tenantId: c.tenantId, siteId: c.siteId, clusterId: c.id }));
}
