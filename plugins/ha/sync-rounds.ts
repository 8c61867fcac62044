import { parseInput, z } from '../../sdk/index.ts';
import type { HaGroupStatus } from './api/index.ts';
import { HaGroupSchema, type HaGroup } from './entities.ts';
import { idParam as id, type HaDeps } from './deps.ts';
import type { HaOutbox } from './notify-outbox.ts';
import type { StatusOf } from './node-status.ts';
import { sessionTransport, SyncEngine, type SyncConflict, type SyncJob, type SyncReport } from './sync.ts';

export type HaSync = ReturnType<typeof registerSync>;

const SyncBody = z.strictObject({ full: z.boolean().default(false) });

/** File sync: the active node's synced paths to the standbys, its job and routes. */
export function registerSync({ ctx, ssh, store, s }: HaDeps, { event, drain }: HaOutbox, statusOf: StatusOf) {
  // One SFTP session per node and round (listing, reading, writing, deleting over one connection).
  const transport = sessionTransport((sid, fn) => ssh.session(sid, fn));
  const onConflict = (job: SyncJob, c: SyncConflict) => {
    const groupId = Number(job.key.split(':')[0]);
    void (async () => {
      const g = await ctx.db.em().findOne(HaGroupSchema, { id: groupId });
      if (!g) return;
      const at = new Date();
      await event(g, { serverId: c.peer, node: null, instance: null, state: 'SYNC_CONFLICT', message: `${c.path} on server ${c.peer}: ${c.reason}`.slice(0, 500), at }, `sync:${job.key}:${c.peer}:${c.path}:${c.since}`);
      await drain();
    })().catch((e: Error) => ctx.logger.warn({ err: e.message }, 'ha: recording a sync conflict failed'));
  };
  const engine = new SyncEngine(transport, { onConflict });
  const syncState = new Map<number, { at: string; active: number | null; direction: string; paused?: string }>();
  const activeOf = (st: HaGroupStatus): number | null => {
    if (st.state !== 'normal' && st.state !== 'failover') return null;
    const holders = new Set(st.vips.flatMap((v) => v.heldBy));
    if (holders.size !== 1) return null;
    const name = [...holders][0];
    return st.nodes.find((n) => n.name === name)?.serverId ?? null;
  };
  /** One sync round of a group: paused unless exactly one node holds every VIP. */
  const syncGroup = async (g: HaGroup, o: { full?: boolean } = {}): Promise<SyncReport[]> => {
    const f = await store.full(g.id);
    if (!f.syncPaths.length) return [];
    const [st] = await statusOf([g]);
    const active = activeOf(st!);
    const names = new Map(st!.nodes.map((n) => [n.serverId, n.name]));
    if (!active) {
      syncState.set(g.id, { at: new Date().toISOString(), active: null, direction: 'stopped', paused: `no single active node (${st!.words}): nothing copied` });
      return [];
    }
    const peers = f.nodes.map((n) => n.serverId);
    syncState.set(g.id, { at: new Date().toISOString(), active, direction: `${names.get(active)} -> ${peers.filter((p) => p !== active).map((p) => names.get(p)).join(', ')}` });
    const out: SyncReport[] = [];
    for (const p of f.syncPaths) {
      const key = `${g.id}:${p.id}`;
      if (o.full) engine.resync(key);
      out.push(await engine.run({ key, root: p.path, excludes: p.excludes, active, peers }));
    }
    return out;
  };
  const syncAll = async () => { for (const g of await store.allGroups()) await syncGroup(g).catch((e: Error) => ctx.logger.warn({ group: g.name, err: e.message }, 'ha: sync round failed')); };
  if (s.syncSeconds > 0) ctx.jobs.every(s.syncSeconds * 1000, 'ha.sync', syncAll);
  const syncView = async (g: HaGroup) => {
    const f = await store.full(g.id);
    return {
      groupId: g.id, ...((syncState.get(g.id) ?? { at: null, active: null, direction: 'not run yet' }) as { at: string | null; active: number | null; direction: string; paused?: string }),
      paths: f.syncPaths.map((p) => ({ id: p.id, path: p.path, excludes: p.excludes, last: engine.last.get(`${g.id}:${p.id}`) ?? null })),
      conflicts: engine.openConflicts(`${g.id}:`),
    };
  };
  ctx.http.route('GET', '/groups/:id/sync', 'ha.group:read', async (c) => syncView(await store.group(c.user, id(c))));
  ctx.http.route('POST', '/groups/:id/sync', 'ha.group:write', async (c) => {
    const g = await store.group(c.user, id(c));
    const body = parseInput(SyncBody, c.body);
    const reports = await syncGroup(g, body);
    return { ...(await syncView(g)), reports };
  });
  return { syncGroup, syncView };
}
