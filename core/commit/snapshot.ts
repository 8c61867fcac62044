import type { Acl, Cluster, Extension, Group, Server, Site, Tenant, Trunk } from '../model/entities.ts';
import type { ClusterSnapshotView, ServerView } from '../../sdk/commit.ts';

/**
 * A plain-data, fully loaded view of one cluster for rendering: groups and ACLs of the whole
 * tenant, servers/extensions/trunks of the cluster. Renderers take the read-only SDK mirror
 * (`ClusterSnapshotView`), which this type satisfies, so core and plugin renderers see the same shape.
 */
export interface ClusterSnapshot {
  tenant: Tenant;
  site: Site;
  cluster: Cluster;
  servers: Server[];
  groups: Group[];
  extensions: Extension[];
  trunks: Trunk[];
  acls: Acl[];
}

export type { ClusterSnapshotView } from '../../sdk/commit.ts';

/** Compile-time proof that the core snapshot is usable wherever the SDK view is expected. */
export function asView(snapshot: ClusterSnapshot): ClusterSnapshotView {
  return snapshot;
}

/**
 * The view handed to plugin contributors: a deep copy without server credentials (SSH/AMI/ARI
 * secrets are none of a config contributor's business), frozen so a contributor cannot change
 * what the next one sees.
 */
export function toPluginView(snapshot: ClusterSnapshotView): ClusterSnapshotView {
  const servers: ServerView[] = snapshot.servers.map((s) => ({
    id: s.id, tenantId: s.tenantId, siteId: s.siteId, clusterId: s.clusterId, name: s.name, host: s.host,
    role: s.role ?? null, sipPort: s.sipPort ?? null, enabled: s.enabled,
  }));
  return deepFreeze(structuredClone({ ...snapshot, servers }));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
