import { join } from 'node:path';
import { busSubject } from '../../sdk/index.ts';
import { HaEventSchema } from './entities.ts';
import type { HaDeps } from './deps.ts';
import type { HaOutbox } from './notify-outbox.ts';

/** The history of every node: events.jsonl collected over SSH into ha_events (and the outbox); `GET /events`. Returns one collection round. */
export function registerHistory({ ctx, ssh, store, s }: HaDeps, { event, drain }: HaOutbox): () => Promise<void> {
  const offsets = new Map<number, number>();
  const collect = async () => {
    const em = ctx.db.em();
    // (each event goes through event(): ha_events, the bus, the outbox)
    for (const g of await store.allGroups()) {
      for (const n of (await store.full(g.id)).nodes) {
        const text = await ssh.readFile(n.serverId, join(s.stateDir, 'events.jsonl')).catch(() => null);
        if (text === null) continue;
        const from = offsets.get(n.serverId) ?? 0;
        const lines = text.split('\n').filter(Boolean);
        const fresh: { at: string; node: string; instance: string; state: string; type: string }[] = [];
        for (const l of lines.slice(from > lines.length ? 0 : from)) {
          try {
            const e = JSON.parse(l) as { at: string; node: string; instance: string; state: string; type: string };
            if (typeof e.at === 'string' && !Number.isNaN(Date.parse(e.at)) && typeof e.state === 'string') fresh.push(e);
          } catch { /* a torn line: skipped */ }
        }
        // Events acm already has (it restarted and reads the history again) are not recorded twice.
        const key = (at: string | Date, instance: string | null | undefined, state: string) => `${new Date(at).toISOString()}|${instance ?? ''}|${state}`;
        const known = fresh.length ? new Set((await em.find(HaEventSchema, { serverId: n.serverId, at: { $gte: new Date(Math.min(...fresh.map((e) => Date.parse(e.at)))) } })).map((e) => key(e.at, e.instance, e.state))) : new Set<string>();
        for (const e of fresh) {
          const k = key(e.at, e.instance, e.state);
          if (known.has(k)) continue;
          known.add(k);
          const message = `${e.node}: ${String(e.type).toLowerCase()} ${e.instance} is now ${e.state}`;
          await event(g, { serverId: n.serverId, node: String(e.node).slice(0, 64), instance: String(e.instance).slice(0, 64), state: e.state.slice(0, 16), message, at: new Date(e.at) }, `ev:${n.serverId}:${k}`);
          ctx.bus.publish(busSubject({ tenantId: g.tenantId, clusterId: g.clusterId, serverId: n.serverId }, 'ha', 'state'), { groupId: g.id, ...e });
        }
        offsets.set(n.serverId, lines.length);
      }
    }
    await drain();
  };
  if (s.pollSeconds > 0) ctx.jobs.every(s.pollSeconds * 1000, 'ha.collect', collect);
  ctx.http.route('POST', '/collect', 'ha.group:write', async () => { await collect(); return { ok: true }; });
  ctx.http.route('GET', '/events', 'ha.group:read', async (c) => {
    const groups = (await store.groups(c.user)).map((g) => g.id);
    const items = await ctx.db.em().find(HaEventSchema, { groupId: { $in: groups } }, { orderBy: { at: 'desc', id: 'desc' }, limit: Math.min(Number(c.query.limit ?? 200) || 200, 1000) });
    return { items: items.map((e) => ({ ...e, at: e.at.toISOString() })) };
  });
  return collect;
}
