import { busSubject, type NotifyChannel, type OutboxEntryView } from '../../sdk/index.ts';
import { HaEventSchema, HaNotifyTargetSchema, type HaGroup, type HaNotifyTarget } from './entities.ts';
import type { HaDeps } from './deps.ts';
import { haMessage, haTransports, type Notice } from './notify.ts';
import { instanceName } from './render.ts';

export interface HaEventInput { serverId: number | null; node: string | null; instance: string | null; state: string; message: string; at: Date }

export interface HaOutbox {
  /** Records an event in ha_events, publishes it and queues it in the core outbox for the group's targets (once per target and `key`). */
  event(g: HaGroup, e: HaEventInput, key: string): Promise<void>;
  /** Sends what is due now (the core's outbox job does it anyway). */
  drain(): Promise<void>;
}

/** Each entry names its target: the outbox per target and group visibility are looked up by it. */
const refOf = (targetId: number) => `target:${targetId}`;

/** Notifications: every state change into the core outbox (coreServices.outbox), once per target; the routes reading it. */
export function registerOutbox({ ctx, store, notifier, outbox, s }: HaDeps): HaOutbox {
  // The plugin's own SMTP relay and SNMP community go with its entries.
  outbox.useTransports(() => haTransports(s));
  const event = async (g: HaGroup, e: HaEventInput, key: string) => {
    const em = ctx.db.em();
    await em.insert(HaEventSchema, { groupId: g.id, ...e });
    const { vips: all } = await store.full(g.id);
    const mine = all.filter((v) => instanceName(g.id, v.kind, v.virtualRouterId) === e.instance);
    const vips = (mine.length ? mine : all).map((v) => `${v.address}/${v.prefix}`);
    const notice: Notice = { group: g.name, groupId: g.id, node: e.node, serverId: e.serverId, instance: e.instance, state: e.state, message: e.message, at: e.at.toISOString(), vips };
    ctx.bus.publish(busSubject({ tenantId: g.tenantId, clusterId: g.clusterId, serverId: e.serverId }, 'ha', 'event'), notice);
    const targets = await em.find(HaNotifyTargetSchema, { groupId: g.id, enabled: true });
    const byNode = s.syslogFrom === 'nodes' && notice.serverId !== null && notice.instance !== null;
    for (const t of targets) {
      const { channel, to, subject, ...message } = haMessage(t.type as NotifyChannel, t.target, notice);
      await outbox.enqueue({
        channel, target: to, subject, message, tenantId: g.tenantId, ref: refOf(t.id), dedupeKey: `t${t.id}:${key}`.slice(0, 191),
        ...(byNode && t.type === 'syslog' ? { skip: 'sent by the node (syslogFrom: nodes)' } : {}),
      });
    }
  };
  /** The targets of the groups the user sees, by outbox ref. */
  const visibleTargets = async (user: Parameters<typeof store.groups>[0]) => {
    const groups = await store.groups(user);
    const targets = await ctx.db.em().find(HaNotifyTargetSchema, { groupId: { $in: groups.map((g) => g.id) } }, { orderBy: { id: 'asc' } });
    return { groups, targets, byRef: new Map(targets.map((t) => [refOf(t.id), t])) };
  };
  const notificationView = (n: OutboxEntryView, t: HaNotifyTarget | undefined) => ({
    id: n.id, groupId: t?.groupId ?? null, targetId: t?.id ?? null, type: n.channel, target: n.target, dedupeKey: n.dedupeKey, subject: n.subject,
    message: n.message, status: n.status, attempts: n.attempts, lastError: n.lastError, nextAt: n.nextAt, createdAt: n.createdAt, sentAt: n.sentAt,
  });
  ctx.http.route('GET', '/notifications', 'ha.group:read', async (c) => {
    const { byRef } = await visibleTargets(c.user);
    const status = c.query.status ? (String(c.query.status) as OutboxEntryView['status']) : undefined;
    const r = await outbox.list({ refs: [...byRef.keys()], ...(status ? { status } : {}), pageSize: Math.min(Number(c.query.limit ?? 200) || 200, 1000) });
    return { items: r.items.map((n) => notificationView(n, byRef.get(n.ref ?? ''))), total: r.total };
  });
  /** The outbox per target: how many sent / pending / failed / skipped, the last delivery and the last error. */
  ctx.http.route('GET', '/notify-status', 'ha.group:read', async (c) => {
    const { groups, targets } = await visibleTargets(c.user);
    const sendable = notifier.channels(haTransports(s));
    const items = await Promise.all(targets.map(async (t) => {
      const rows = (await outbox.list({ refs: [refOf(t.id)], pageSize: 500 })).items;
      const count = (st: string) => rows.filter((r) => r.status === st).length;
      const lastSent = rows.find((r) => r.status === 'sent');
      const lastError = rows.find((r) => r.lastError && r.status !== 'sent' && r.status !== 'skipped');
      return {
        targetId: t.id, groupId: t.groupId, group: groups.find((g) => g.id === t.groupId)?.name ?? String(t.groupId), type: t.type, target: t.target, enabled: t.enabled,
        transport: sendable.includes(t.type as NotifyChannel), sent: count('sent'), pending: count('pending'), failed: count('failed'), skipped: count('skipped'),
        lastSentAt: lastSent?.sentAt ?? null, lastError: lastError?.lastError ?? null,
        state: count('failed') ? 'failing' : rows.some((r) => r.status === 'pending' && r.attempts > 0) ? 'retrying' : count('pending') ? 'waiting' : rows.length ? 'ok' : 'idle',
      };
    }));
    return { items };
  });
  return { event, drain: () => outbox.drain() };
}
