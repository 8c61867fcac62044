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

/** A server as plugins see it: without its SSH/AMI/ARI credentials. */
export function serverView(s: ServerView): ServerView {
  return {
    id: s.id, tenantId: s.tenantId, siteId: s.siteId, clusterId: s.clusterId, name: s.name, host: s.host,
    role: s.role ?? null, sipPort: s.sipPort ?? null, enabled: s.enabled,
  };
}

const views = new WeakMap<ClusterSnapshotView, ClusterSnapshotView>();

/**
 * The view handed to plugin contributors and validators: servers without credentials (SSH/AMI/ARI
 * secrets are none of a plugin's business), everything frozen so a plugin cannot change what the
 * core and the next plugin see. The rows are frozen in place, not copied: a snapshot is read-only
 * from the moment it is loaded, and copying 10,000 extensions per commit costs more than the render.
 */
export function toPluginView(snapshot: ClusterSnapshotView): ClusterSnapshotView {
  const known = views.get(snapshot);
  if (known) return known;
  const servers = snapshot.servers.map(serverView);
  const view = deepFreeze({ ...snapshot, servers });
  views.set(snapshot, view);
  views.set(view, view);
  return view;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
