import type { Principal } from '../../sdk/plugin.ts';
import type { AsteriskConnections, ServerStatus } from '../asterisk/connections.ts';
import type { CrudService } from '../model/crud-service.ts';
import { resource } from '../model/resources.ts';

export interface ClusterStatus {
  clusterId: number; name: string; siteId: number; connected: number; total: number; servers: ServerStatus[];
}

/** Every cluster the caller may see, with its servers' live status (`GET /api/status`, `acm status`). */
export async function statusByCluster(deps: { crud: CrudService; connections: AsteriskConnections }, p: Principal): Promise<ClusterStatus[]> {
  const clusters = await deps.crud.list(p, resource('clusters'), { pageSize: 1000, sort: 'name' });
  const live = deps.connections.status();
  return clusters.items.map((c) => {
    const servers = live.filter((s) => s.clusterId === c.id).sort((a, b) => a.name.localeCompare(b.name));
    return { clusterId: c.id as number, name: c.name as string, siteId: c.siteId as number, connected: servers.filter((s) => s.connected).length, total: servers.length, servers };
  });
}
