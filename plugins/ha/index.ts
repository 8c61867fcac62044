import { join } from 'node:path';
import {
  busSubject, coreServices, definePlugin, ValidationError, z, type NotifyChannel, type Principal, type RouteContext, type WriteActor,
} from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { haService, type HaGroupStatus, type HaService } from './api/index.ts';
import { statusTiles } from '../status/api/index.ts';
import { HaEventSchema, HaGroupSchema, haEntities, HaNotificationSchema, HaNotifyTargetSchema, type HaGroup, type HaNotification } from './entities.ts';
import { backoffSeconds, haMessage, haTransports, MAX_ATTEMPTS, subjectOf, type Notice } from './notify.ts';
import { instanceName } from './render.ts';
import { sessionTransport, SyncEngine, type SyncConflict, type SyncJob, type SyncReport } from './sync.ts';
import { migrations } from './migrations/index.ts';
import { CHILDREN, GroupInput, groupView, HaStore, parse, rowView, type ChildKind } from './store.ts';
import { renderGroup } from './nodeconfig.ts';
import { groupStatus, type NodeState } from './status.ts';
import { nodeProgram } from './node/main.ts';

const operator: Principal = { userId: 0, username: 'cli', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };
const FailoverBody = z.strictObject({ serverId: z.number().int().positive() });
const SyncBody = z.strictObject({ full: z.boolean().default(false) });

/**
 * High availability: HA groups of a cluster's servers share VIPs through keepalived (VRRP).
 * acm renders keepalived.conf + node.json per node and deploys them over SSH; on the nodes the
 * agent (node/, `acm-ha`) is keepalived's track_script (`check`) and notify script (`notify`);
 * acm collects what the nodes report (vrrp.json, check.json, events.jsonl) for /status, the
 * status tile and the event history.
 */
export default definePlugin({
  manifest,
  entities: haEntities,
  migrations,
  setup(ctx) {
    const ssh = ctx.get(coreServices.ssh);
    const model = ctx.get(coreServices.model);
    const audit = ctx.get(coreServices.audit);
    const notifier = ctx.get(coreServices.notifier);
    const s = ctx.settings;
    /** The types with a transport: syslog, webhook, SNMP; email with an SMTP relay (ours or ACM_SMTP_URL); SMS with ACM_SMS_WEBHOOK. */
    const sendableTypes = (): string[] => notifier.channels(haTransports(s));
    const noTransport = (type: string) => type === 'email'
      ? 'no email transport: set plugins.ha.settings.email (SMTP relay) in site.yaml, or ACM_SMTP_URL; waiting in the outbox'
      : type === 'sms' ? 'no sms transport in acm (set ACM_SMS_WEBHOOK to an SMS gateway): waiting in the outbox' : `no ${type} transport in acm: waiting in the outbox`;
    const store = new HaStore({
      em: () => ctx.db.em(), write: ctx.db.write, clusters: () => model.clusters(), servers: (c) => model.servers(c), syslogInNodeConfig: s.syslogFrom !== 'acm',
    });
    const id = (c: RouteContext, key = 'id') => Number(c.params[key]);
    // Deploy and failover change no row: their audit event is all they write (store writes audit with their rows).
    const record = (c: RouteContext, action: string, target: string, targetId: number, tenantId: number, after?: unknown) => audit.record({
      action: `ha.${action}`, target: `ha.${target}`, targetId, after, username: c.user.username, userId: c.user.userId, tenantId, ip: c.koa.ip,
    });
    const actor = (c: RouteContext): WriteActor => ({ user: c.user, ip: c.koa.ip });

    // --- groups ------------------------------------------------------------------------------
    // The page's form is generated from the schema that validates the API (sdk/README §9).
    ctx.http.route('GET', '/schemas', 'ha.group:read', () => ({ GroupInput: z.toJSONSchema(GroupInput, { io: 'input', unrepresentable: 'any' }) }));
    ctx.http.route('GET', '/groups', 'ha.group:read', async (c) => {
      const clusterId = c.query.clusterId ? Number(c.query.clusterId) : undefined;
      const items = (await store.groups(c.user, clusterId)).map(groupView);
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    ctx.http.route('GET', '/groups/:id', 'ha.group:read', async (c) => {
      const g = await store.group(c.user, id(c));
      const f = await store.full(g.id);
      return { ...groupView(g), nodes: f.nodes.map(rowView), vips: f.vips.map(rowView), syncPaths: f.syncPaths.map(rowView), notifyTargets: f.notifyTargets.map(rowView) };
    });
    ctx.http.route('POST', '/groups', 'ha.group:write', async (c) => {
      const g = await store.createGroup(actor(c), c.body);
      c.koa.status = 201;
      return groupView(g);
    });
    ctx.http.route('PUT', '/groups/:id', 'ha.group:write', async (c) => {
      return groupView((await store.updateGroup(actor(c), id(c), c.body)).after);
    });
    ctx.http.route('DELETE', '/groups/:id', 'ha.group:write', async (c) => {
      await store.removeGroup(actor(c), id(c));
      c.koa.status = 204;
    });

    // --- nodes, VIPs, synced paths, notification targets ----------------------------------
    for (const kind of Object.keys(CHILDREN) as ChildKind[]) {
      ctx.http.route('GET', `/groups/:id/${kind}`, 'ha.group:read', async (c) => {
        const items = (await store.children(c.user, kind, id(c))).map(rowView);
        return { items, total: items.length, page: 1, pageSize: items.length };
      });
      ctx.http.route('POST', `/groups/:id/${kind}`, 'ha.group:write', async (c) => {
        const { row } = await store.createChild(actor(c), kind, id(c), c.body);
        c.koa.status = 201;
        return rowView(row);
      });
      ctx.http.route('GET', `/${kind}/:id`, 'ha.group:read', async (c) => rowView((await store.child(c.user, kind, id(c))).row));
      ctx.http.route('PUT', `/${kind}/:id`, 'ha.group:write', async (c) => rowView((await store.updateChild(actor(c), kind, id(c), c.body)).row));
      ctx.http.route('DELETE', `/${kind}/:id`, 'ha.group:write', async (c) => {
        await store.removeChild(actor(c), kind, id(c));
        c.koa.status = 204;
      });
    }

    // --- rendering and deployment -------------------------------------------------------
    const rendered = async (g: HaGroup) => {
      const f = await store.full(g.id);
      const cluster = (await model.clusters()).find((c) => c.id === g.clusterId);
      return renderGroup({ group: g, ...f }, await model.servers(g.clusterId), s, cluster?.sipBindAddress);
    };
    ctx.http.route('GET', '/groups/:id/config', 'ha.group:write', async (c) => {
      const g = await store.group(c.user, id(c));
      const out = await rendered(g);
      return { items: [...out.values()].map((r) => ({ serverId: r.server.id, server: r.server.name, keepalived: r.keepalived, node: { ...r.nodeJson, ami: r.nodeJson.ami ? { ...r.nodeJson.ami, secret: '********' } : null } })) };
    });
    ctx.http.route('POST', '/groups/:id/deploy', 'ha.group:write', async (c) => {
      const g = await store.group(c.user, id(c));
      const results = [];
      for (const r of (await rendered(g)).values()) {
        try {
          await ssh.writeFileAtomic(r.server.id, s.agentConfigPath, JSON.stringify(r.nodeJson, null, 1) + '\n');
          await ssh.writeFileAtomic(r.server.id, s.keepalivedConfPath, r.keepalived);
          const reload = await ssh.exec(r.server.id, 'systemctl reload-or-restart keepalived');
          results.push({ server: r.server.name, ok: reload.code === 0, ...(reload.code === 0 ? {} : { error: (reload.stderr || reload.stdout).trim().slice(0, 300) }) });
        } catch (e) {
          results.push({ server: r.server.name, ok: false, error: (e as Error).message });
        }
      }
      await record(c, 'group.deploy', 'group', g.id, g.tenantId, results);
      return { results };
    });

    // --- status --------------------------------------------------------------------------
    const readJson = async (serverId: number, file: string) => JSON.parse(await ssh.readFile(serverId, join(s.stateDir, file)));
    const nodeState = async (serverId: number): Promise<NodeState> => {
      // A missing file is a node that has not reported yet; any other failure (SSH down) is an unreachable node.
      const missing = (e: unknown) => /no such file|ENOENT|not found|does not exist/i.test(String((e as Error)?.message ?? e));
      const [vrrp, check] = await Promise.allSettled([readJson(serverId, 'vrrp.json'), readJson(serverId, 'check.json')]);
      const failure = [vrrp, check].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !missing(r.reason) && !(r.reason instanceof SyntaxError));
      if (failure && vrrp.status === 'rejected' && check.status === 'rejected') return { vrrp: {}, check: null, reachable: false, error: String((failure.reason as Error)?.message ?? failure.reason).slice(0, 300) };
      return { vrrp: vrrp.status === 'fulfilled' ? vrrp.value : {}, check: check.status === 'fulfilled' ? check.value : null, reachable: true };
    };
    const statusOf = async (groups: HaGroup[]): Promise<HaGroupStatus[]> => Promise.all(groups.map(async (g) => {
      const f = await store.full(g.id);
      const names = new Map((await model.servers(g.clusterId)).map((x) => [x.id, x.name]));
      const states = new Map(await Promise.all(f.nodes.map(async (n) => [n.serverId, await nodeState(n.serverId)] as const)));
      return groupStatus(g, f.nodes, f.vips, names, states);
    }));
    ctx.http.route('GET', '/status', 'ha.group:read', async (c) => ({ groups: await statusOf(await store.groups(c.user, c.query.clusterId ? Number(c.query.clusterId) : undefined)) }));

    // --- manual failover / failback ---------------------------------------------------------
    ctx.http.route('POST', '/groups/:id/failover', 'ha.group:write', async (c) => {
      const g = await store.group(c.user, id(c));
      const body = parse(FailoverBody, c.body);
      const f = await store.full(g.id);
      if (!f.nodes.some((n) => n.serverId === body.serverId)) throw new ValidationError([{ field: 'serverId', message: `server ${body.serverId} is not a node of ${g.name}` }]);
      const agent = s.agentCommand.split(' ')[0]!;
      const r = await ssh.exec(body.serverId, `${agent} failover --config ${s.agentConfigPath}`);
      const ok = r.code === 0;
      await record(c, 'group.failover', 'group', g.id, g.tenantId, { serverId: body.serverId, ok });
      ctx.bus.publish(busSubject({ tenantId: g.tenantId, clusterId: g.clusterId, serverId: body.serverId }, 'ha', 'failover'), { groupId: g.id, serverId: body.serverId, ok, by: c.user.username });
      const at = new Date();
      await event(g, { serverId: body.serverId, node: null, instance: null, state: 'FAILOVER', message: `operator ${c.user.username} moved the services off server ${body.serverId}${ok ? '' : ` (failed: ${(r.stderr || r.stdout).trim().slice(0, 200)})`}`, at }, `op:${g.id}:${body.serverId}:${at.toISOString()}`);
      await drain();
      return { ok, output: (r.stdout + r.stderr).trim().slice(0, 2000) };
    });

    // --- notifications: every state change into the outbox, once per target ------------------
    /** Records an event in ha_events, publishes it and queues it for the group's targets (deduplicated by `key`). */
    const event = async (g: HaGroup, e: { serverId: number | null; node: string | null; instance: string | null; state: string; message: string; at: Date }, key: string) => {
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
    /** Sends what is due through the core notifier (types with a transport); failures retry with backoff, then give up. */
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

    // --- events (history from every node) -----------------------------------------------
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

    // --- file sync: the active node's synced paths to the standbys ------------------------------
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
      const body = parse(SyncBody, c.body);
      const reports = await syncGroup(g, body);
      return { ...(await syncView(g)), reports };
    });

    // --- status tile ----------------------------------------------------------------------
    let last: HaGroupStatus[] = [];
    ctx.extend(statusTiles, 'ha', {
      title: 'Service availability', order: 20, link: '/api/plugins/ha/status',
      async render() {
        last = await statusOf(await store.allGroups()).catch(() => last);
        if (!last.length) return { state: 'unknown', summary: 'no HA groups' };
        const bad = last.filter((g) => g.state === 'split' || g.state === 'down');
        const failover = last.filter((g) => g.state === 'failover');
        const state = bad.length ? 'red' : failover.length ? 'orange' : last.every((g) => g.state === 'normal') ? 'green' : 'unknown';
        const summary = bad.length ? `${bad.map((g) => g.name).join(', ')}: ${bad[0]!.words}` : failover.length ? `current HA failover active: ${failover.map((g) => g.name).join(', ')}` : `${last.length} HA group(s) in normal state`;
        return { state, summary, details: Object.fromEntries(last.map((g) => [g.name, { state: g.state, words: g.words, vips: g.vips.map((v) => `${v.kind} ${v.address}: ${v.heldBy.join(', ') || 'nobody'}`) }])) };
      },
    });

    // --- CLI ------------------------------------------------------------------------------
    ctx.cli.commands((group) => {
      group.description('high availability (keepalived VRRP)');
      // The node agent's commands (check, notify, failover, verify, log) work the same under `acm ha`.
      // `log` on the acm host is the history of every node (below); `acm ha log --local` is this node's own.
      for (const cmd of nodeProgram().commands) if (cmd.name() !== 'log') group.addCommand(cmd);
      group.command('log').description('the HA history: state changes collected from every node and operator actions (--local: this node\'s own events.jsonl)')
        .option('-n, --lines <n>', 'last N', '50').option('-g, --group <name>', 'one HA group').option('--local', "this node's own history (node agent)")
        .option('-c, --config <file>', 'node config (with --local)', '/etc/acm-ha/node.json').option('--json')
        .action(async (o: { lines: string; group?: string; local?: boolean; config: string; json?: boolean }) => {
          const n = Math.min(Math.max(Number(o.lines) || 50, 1), 10_000);
          if (o.local) { await nodeProgram().parseAsync(['node', 'acm-ha', 'log', '--config', o.config, '--lines', String(n)]); return; }
          await collect().catch((e: Error) => console.error(`(collecting from the nodes failed: ${e.message}; showing what acm has)`));
          const groups = await store.groups(operator);
          const chosen = o.group ? groups.filter((g) => g.name === o.group) : groups;
          if (o.group && !chosen.length) { console.error(`no HA group ${o.group}`); process.exitCode = 1; return; }
          const names = new Map(groups.map((g) => [g.id, g.name]));
          const rows = (await ctx.db.em().find(HaEventSchema, { groupId: { $in: chosen.map((g) => g.id) } }, { orderBy: { at: 'desc', id: 'desc' }, limit: n })).reverse();
          if (o.json) { console.log(JSON.stringify(rows.map((e) => ({ ...e, group: names.get(e.groupId ?? 0) ?? null, at: e.at.toISOString() })), null, 2)); return; }
          if (!rows.length) { console.log('no HA events recorded yet'); return; }
          for (const e of rows) console.log(`${e.at.toISOString()}  ${(names.get(e.groupId ?? 0) ?? '-').padEnd(12)}  ${(e.node ?? '-').padEnd(12)}  ${(e.instance ?? '-').padEnd(18)}  ${e.state.padEnd(13)}  ${e.message ?? ''}`);
        });
      group.command('status').description('every HA group: who holds each VIP, the state in plain words').option('--json')
        .action(async (o: { json?: boolean }) => {
          const st = await statusOf(await store.groups(operator));
          if (o.json) { console.log(JSON.stringify(st, null, 2)); return; }
          for (const g of st) {
            console.log(`${g.name} (cluster ${g.clusterId}) ${g.timestamp}: ${g.words}`);
            for (const v of g.vips) console.log(`  ${v.kind} VIP ${v.address}/${v.prefix}: ${v.heldBy.join(', ') || 'NOT HELD'}`);
            console.log(`  replication: ${g.replication}`);
          }
        });
      group.command('sync').description('one file sync round of every group (active -> standby)').option('--full', 'compare every file (a full resync)').option('--json')
        .action(async (o: { full?: boolean; json?: boolean }) => {
          for (const g of await store.groups(operator)) {
            const reports = await syncGroup(g, { full: !!o.full });
            const v = await syncView(g);
            if (o.json) { console.log(JSON.stringify({ ...v, reports }, null, 2)); continue; }
            console.log(`${g.name}: ${v.paused ?? `direction ${v.direction}`}`);
            for (const r of reports) console.log(`  ${r.root}: ${r.copied.length} copied, ${r.deleted.length} deleted, ${r.conflicts.length} conflict(s), ${r.orphans.length} orphan(s)${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''} (${r.ms} ms)`);
            for (const c of v.conflicts) console.log(`  CONFLICT ${c.path} on server ${c.peer}: ${c.reason}`);
          }
        });
      group.command('notifications').description('the notification outbox').option('-n, --lines <n>', 'last N', '50')
        .action(async (o: { lines: string }) => {
          const rows = await ctx.db.em().find(HaNotificationSchema, {}, { orderBy: { id: 'desc' }, limit: Number(o.lines) || 50 });
          for (const r of rows.reverse()) console.log(`${r.createdAt.toISOString()}  ${r.status.padEnd(7)}  ${r.type}:${r.target}  ${r.subject}${r.lastError ? `  (${r.lastError})` : ''}`);
        });
      group.command('events').description('state changes collected from the nodes').option('-n, --lines <n>', 'last N', '50')
        .action(async (o: { lines: string }) => {
          await collect().catch(() => {});
          const rows = await ctx.db.em().find(HaEventSchema, {}, { orderBy: { at: 'desc', id: 'desc' }, limit: Number(o.lines) || 50 });
          for (const e of rows.reverse()) console.log(`${e.at.toISOString()}  ${e.node ?? '-'}  ${e.instance ?? '-'}  ${e.state}  ${e.message ?? ''}`);
        });
    });

    const service: HaService = { status: async (clusterId) => statusOf((await store.allGroups()).filter((g) => !clusterId || g.clusterId === clusterId)) };
    ctx.provide(haService, service);
  },
});
