import { busSubject, type NotifyChannel } from '../../sdk/index.ts';
import { HaEventSchema, HaNotificationSchema, HaNotifyTargetSchema, type HaGroup, type HaNotification } from './entities.ts';
import type { HaDeps } from './deps.ts';
import { backoffSeconds, haMessage, haTransports, MAX_ATTEMPTS, subjectOf, type Notice } from './notify.ts';
import { instanceName } from './render.ts';

export interface HaEventInput { serverId: number | null; node: string | null; instance: string | null; state: string; message: string; at: Date }

export interface HaOutbox {
  /** Records an event in ha_events, publishes it and queues it for the group's targets (deduplicated by `key`). */
  event(g: HaGroup, e: HaEventInput, key: string): Promise<void>;
  /** Sends what is due through the core notifier (types with a transport); failures retry with backoff, then give up. */
  drain(): Promise<void>;
}

/** Notifications: every state change into the outbox (ha_notifications), once per target; its job and routes. */
export function registerOutbox({ ctx, store, notifier, s }: HaDeps): HaOutbox {
  /** The types with a transport: syslog, webhook, SNMP; email with an SMTP relay (ours or ACM_SMTP_URL); SMS with ACM_SMS_WEBHOOK. */
  const sendableTypes = (): string[] => notifier.channels(haTransports(s));
  const noTransport = (type: string) => type === 'email'
    ? 'no email transport: set plugins.ha.settings.email (SMTP relay) in site.yaml, or ACM_SMTP_URL; waiting in the outbox'
    : type === 'sms' ? 'no sms transport in acm (set ACM_SMS_WEBHOOK to an SMS gateway): waiting in the outbox' : `no ${type} transport in acm: waiting in the outbox`;
  const event = async (g: HaGroup, e: HaEventInput, key: string) => {
    const em = ctx.db.em();
    await em.insert(HaEventSchema, { groupId: g.id, ...e });
    const { vips: all } = await store.full(g.id);
    const mine = all.filter((v) => instanceName(g.id, v.kind, v.virtualRouterId) === e.instance);
    const vips = (mine.length ? mine : all).map((v) => `${v.address}/${v.prefix}`);
    const notice: Notice = { group: g.name, groupId: g.id, node: e.node, serverId: e.serverId, instance: e.instance, state: e.state, message: e.message, at: e.at.toISOString(), vips };
    ctx.bus.publish(busSubject({ tenantId: g.tenantId, clusterId: g.clusterId, serverId: e.serverId }, 'ha', 'event'), notice);
    await enqueue(g, notice, key);
  };
  const enqueue = async (g: HaGroup, n: Notice, key: string) => {
    const em = ctx.db.em();
    const targets = await em.find(HaNotifyTargetSchema, { groupId: g.id, enabled: true });
    const dedupeKey = key.slice(0, 191);
    for (const t of targets) {
      if (await em.findOne(HaNotificationSchema, { targetId: t.id, dedupeKey })) continue;
      const byNode = t.type === 'syslog' && s.syslogFrom === 'nodes' && n.serverId !== null && n.instance !== null;
      const sendable = sendableTypes().includes(t.type);
      try {
        await em.insert(HaNotificationSchema, {
          groupId: g.id, targetId: t.id, type: t.type, target: t.target, dedupeKey, subject: subjectOf(n), body: JSON.stringify(n),
          status: byNode ? 'skipped' : 'pending', attempts: 0, nextAt: new Date(), createdAt: new Date(),
          lastError: byNode ? 'sent by the node (syslogFrom: nodes)' : sendable ? null : noTransport(t.type),
        });
      } catch { /* the unique (target, key) index: queued by a concurrent round */ }
    }
  };
  let draining: Promise<void> | undefined;
  const drain = () => (draining ??= (async () => {
    try {
      const em = ctx.db.em();
      const due = await em.find(HaNotificationSchema, { status: 'pending', type: { $in: sendableTypes() }, nextAt: { $lte: new Date() } }, { orderBy: { id: 'asc' }, limit: 100 });
      for (const item of due) {
        const r = await notifier.send(haMessage(item.type as NotifyChannel, item.target, JSON.parse(item.body) as Notice), haTransports(s));
        if (r.status === 'sent') Object.assign(item, { status: 'sent', sentAt: new Date(), attempts: item.attempts + 1, lastError: null });
        else if (r.status === 'pending') Object.assign(item, { lastError: r.error ?? noTransport(item.type), nextAt: new Date(Date.now() + 60_000) }); // not attempted
        else {
          const attempts = item.attempts + 1;
          Object.assign(item, { attempts, lastError: (r.error ?? 'failed').slice(0, 500), status: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending', nextAt: new Date(Date.now() + backoffSeconds(attempts) * 1000) });
        }
        await em.flush();
      }
    } finally {
      draining = undefined;
    }
  })());
  ctx.jobs.every(2000, 'ha.notify', drain);
  const notificationView = (n: HaNotification) => ({ ...n, body: JSON.parse(n.body) as Notice, nextAt: n.nextAt.toISOString(), createdAt: n.createdAt.toISOString(), sentAt: n.sentAt ? n.sentAt.toISOString() : null });
  ctx.http.route('GET', '/notifications', 'ha.group:read', async (c) => {
    const groups = (await store.groups(c.user)).map((g) => g.id);
    const where: Record<string, unknown> = { groupId: { $in: groups } };
    if (c.query.status) where.status = String(c.query.status);
    const items = await ctx.db.em().find(HaNotificationSchema, where as never, { orderBy: { id: 'desc' }, limit: Math.min(Number(c.query.limit ?? 200) || 200, 1000) });
    return { items: items.map(notificationView), total: items.length };
  });
  /** The outbox per target: how many sent / pending / failed / skipped, the last delivery and the last error. */
  ctx.http.route('GET', '/notify-status', 'ha.group:read', async (c) => {
    const groups = await store.groups(c.user);
    const em = ctx.db.em();
    const targets = await em.find(HaNotifyTargetSchema, { groupId: { $in: groups.map((g) => g.id) } }, { orderBy: { id: 'asc' } });
    const sendable = sendableTypes();
    const items = await Promise.all(targets.map(async (t) => {
      const rows = await em.find(HaNotificationSchema, { targetId: t.id }, { orderBy: { id: 'desc' }, limit: 500 });
      const count = (st: string) => rows.filter((r) => r.status === st).length;
      const lastSent = rows.find((r) => r.status === 'sent');
      const lastError = rows.find((r) => r.lastError && r.status !== 'sent' && r.status !== 'skipped');
      return {
        targetId: t.id, groupId: t.groupId, group: groups.find((g) => g.id === t.groupId)?.name ?? String(t.groupId), type: t.type, target: t.target, enabled: t.enabled,
        transport: sendable.includes(t.type), sent: count('sent'), pending: count('pending'), failed: count('failed'), skipped: count('skipped'),
        lastSentAt: lastSent?.sentAt ? lastSent.sentAt.toISOString() : null, lastError: lastError?.lastError ?? null,
        state: count('failed') ? 'failing' : rows.some((r) => r.status === 'pending' && r.attempts > 0) ? 'retrying' : count('pending') ? 'waiting' : rows.length ? 'ok' : 'idle',
      };
    }));
    return { items };
  });
  return { event, drain };
}
