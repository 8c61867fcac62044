import type { WebSocket } from 'ws';
import type { Acm } from '../app.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { CORE_BUS_SOURCES, parseSubject } from '../../sdk/bus.ts';
import { visibleTo } from '../../sdk/scope.ts';
import { BROWSER_EVENTS, MODEL_CHANGED_SUBJECT } from '../bus/subjects.ts';
import { ClusterSchema } from '../model/entities.ts';

const CORE = new Set<string>(CORE_BUS_SOURCES);

/**
 * The plugin events a plugin declared with `ctx.events.toBrowsers`, sent to the sockets whose
 * user holds the declared permission and sees the subject's placement (see PluginEvents in
 * sdk/plugin.ts). The site comes from the cluster; a cluster acm does not know, or one of
 * another tenant than the subject names, reaches nobody. Returns the unsubscribe function.
 */
export function forwardPluginEvents(acm: Acm, sockets: ReadonlyMap<WebSocket, Principal>): () => void {
  let clusters: Promise<Map<number, { tenantId: number; siteId: number }>> | undefined;
  const load = () => (clusters ??= acm.orm.em.fork().find(ClusterSchema, {})
    .then((rows) => new Map(rows.map((c) => [c.id, { tenantId: c.tenantId, siteId: c.siteId }])))
    .catch(() => { clusters = undefined; return new Map(); }));
  // In order: a participant list must not overtake the one before it while the clusters load.
  let queue = Promise.resolve();
  const offModel = acm.bus.subscribe<{ entity: string }>(MODEL_CHANGED_SUBJECT, (m) => { if (m.data.entity === 'cluster') clusters = undefined; });
  const offEvents = acm.bus.subscribe<unknown>('acm.*.*.*.*.*', (msg) => {
    // Most of the bus is the core's own (every AMI event): out before parsing anything.
    if (!sockets.size || CORE.has(msg.subject.split('.', 5)[4] ?? '')) return;
    const at = parseSubject(msg.subject);
    if (!at) return;
    const spec = acm.kernel.registrations(BROWSER_EVENTS).get(`${at.source}.${at.event}`);
    if (!spec) return;
    queue = queue.then(async () => {
      const cluster = at.clusterId ? (await load()).get(at.clusterId) : undefined;
      if (at.clusterId && (!cluster || cluster.tenantId !== at.tenantId)) return;
      const row = { tenantId: at.tenantId, siteId: cluster?.siteId, clusterId: at.clusterId || undefined };
      const text = JSON.stringify({ type: 'plugin', plugin: at.source, event: at.event, tenantId: at.tenantId, clusterId: at.clusterId, serverId: at.serverId, data: msg.data });
      for (const [ws, p] of sockets) {
        // Tenant 0 (placed on no tenant) is no user's tenant: users of every tenant only.
        if (!p.can(spec.permission) || !visibleTo(p, row)) continue;
        if (ws.bufferedAmount > 1_000_000) ws.terminate();
        else ws.send(text);
      }
    }).catch((err: Error) => acm.logger.warn({ subject: msg.subject, err: err.message }, 'plugin event not forwarded'));
  });
  return () => { offModel(); offEvents(); };
}
