/**
 * The plugin's state and behaviour, independent of HTTP: alert routing with deduplication,
 * Asterisk event counters, posture collection over SSH, the blacklist and the audit.
 */
import { createHash } from 'node:crypto';
import type {
  AuditService, ClusterView, EventBus, ModelService, NotifyChannel, OutboxService, OutboxStatus, Principal, ServerView, SshService,
} from '../../sdk/index.ts';
import { busSubject, ForbiddenError, NotFoundError, ValidationError } from '../../sdk/index.ts';
import type { Logger } from 'pino';
import type { EntityManager } from '../../sdk/index.ts';
import type { SecuritySettings } from './manifest.ts';
import { SecurityAlertSchema, type SecurityAlertRow } from './entities.ts';
import { auditSnapshots, RULES, summarize, type Finding } from './audit.ts';
import { parseAlertText, type ParsedAlert } from './alerts.ts';
import { SourceTracker, toSecurityEvent, EVENT_LEVELS, type SecurityEvent } from './asterisk-events.ts';
import { blacklistCommand, parseManagerConf, validateBlacklistAddress } from './posture.ts';
import { alertMessage, alertRef, type Notification } from './alert-notifications.ts';
import { amiFindings, parsePosture, POSTURE_SCRIPT, type ServerPosture } from './posture-script.ts';
import type { AlertView } from './api/index.ts';

export interface AlertInput {
  source: 'wazuh' | 'ossec' | 'asterisk';
  ruleId: string;
  level: number;
  location: string;
  srcIp: string | null;
  description: string;
  time: string | null;
  agent?: string | null;
  user?: string | null;
  groups?: string[];
  serverId?: number | null;
  clusterId?: number | null;
  tenantId?: number | null;
}


export interface SecurityDeps {
  settings: SecuritySettings;
  logger: Logger;
  em: () => EntityManager;
  bus: EventBus;
  model: ModelService;
  ssh: SshService;
  audit: AuditService;
  /** Keeps and delivers the notifications (coreServices.outbox). */
  outbox: OutboxService;
  now?: () => number;
}

export function rowToView(r: SecurityAlertRow): AlertView {
  return {
    id: r.id, source: r.source, ruleId: r.ruleId, level: r.level, location: r.location, srcIp: r.srcIp ?? null,
    description: r.description, time: r.eventTime ? new Date(r.eventTime).toISOString() : null,
    firstSeen: new Date(r.firstSeen).toISOString(), lastSeen: new Date(r.lastSeen).toISOString(), count: r.count,
    serverId: r.serverId ?? null, clusterId: r.clusterId ?? null, agent: r.agent ?? null, user: r.userName ?? null,
    groups: r.groups ?? [], noc: !!r.noc, notified: !!r.notified,
  };
}

export class Security {
  readonly tracker: SourceTracker;
  readonly postures = new Map<number, ServerPosture>();
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private now: () => number;
  stats = { alertsStored: 0, alertsDeduplicated: 0 };

  constructor(private d: SecurityDeps) {
    this.now = d.now ?? Date.now;
    this.tracker = new SourceTracker(d.settings.asterisk, this.now);
  }

  /* ------------------------------------------------------------------ scope */

  canSeeCluster(user: Principal | undefined, c: Pick<ClusterView, 'id' | 'tenantId' | 'siteId'>): boolean {
    if (!user) return true;
    if (user.tenantId !== null && user.tenantId !== c.tenantId) return false;
    if (!user.scopes.length) return true;
    return user.scopes.some((s) => (s.type === 'site' && s.id === c.siteId) || (s.type === 'cluster' && s.id === c.id));
  }

  async visibleClusters(user?: Principal): Promise<ClusterView[]> {
    return (await this.d.model.clusters()).filter((c) => this.canSeeCluster(user, c));
  }

  async serverFor(user: Principal | undefined, serverId: number): Promise<ServerView> {
    const server = (await this.d.model.servers()).find((s) => s.id === serverId);
    if (!server) throw new NotFoundError(`no server ${serverId}`);
    const cluster = (await this.d.model.clusters()).find((c) => c.id === server.clusterId);
    if (!cluster || !this.canSeeCluster(user, cluster)) throw new NotFoundError(`no server ${serverId}`);
    return server;
  }

  /* ------------------------------------------------------------------ audit */

  async audit(user?: Principal, clusterId?: number): Promise<{ findings: Finding[]; summary: ReturnType<typeof summarize>; rules: typeof RULES; clusters: number }> {
    let clusters = await this.visibleClusters(user);
    if (clusterId !== undefined) {
      clusters = clusters.filter((c) => c.id === clusterId);
      if (!clusters.length) throw new NotFoundError(`no cluster ${clusterId}`);
    }
    const snapshots = await Promise.all(clusters.map((c) => this.d.model.snapshot(c.id)));
    const ids = new Set(clusters.map((c) => c.id));
    const findings = [
      ...auditSnapshots(snapshots, { minPasswordLength: this.d.settings.audit.minPasswordLength }),
      ...[...this.postures.values()].filter((p) => ids.has(p.clusterId)).flatMap((p) => p.amiFindings),
    ];
    return { findings, summary: summarize(findings), rules: RULES, clusters: clusters.length };
  }

  /* ------------------------------------------------------------------ alerts */

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const p = this.queue.then(fn, fn).finally(() => { this.pending--; });
    this.queue = p.catch((err: Error) => this.d.logger.error({ err: err.message }, 'security alert write failed'));
    return p;
  }

  /** Waits for queued alert writes (bounded by the queue itself). */
  async flush(): Promise<void> {
    await this.queue;
  }

  dedupKey(a: AlertInput): string {
    return createHash('sha256').update([a.source, a.ruleId, a.srcIp ?? '', a.location, a.serverId ?? ''].join('\u0000')).digest('hex').slice(0, 40);
  }

  /** Stores (or counts) one alert and routes it; resolves with the stored row. */
  route(a: AlertInput): Promise<AlertView> {
    return this.enqueue(async () => {
      const { routing } = this.d.settings;
      const em = this.d.em();
      const now = new Date(this.now());
      const key = this.dedupKey(a);
      const since = new Date(now.getTime() - routing.dedupSeconds * 1000);
      const existing = routing.dedupSeconds > 0
        ? await em.findOne(SecurityAlertSchema, { dedupKey: key, lastSeen: { $gte: since } }, { orderBy: { id: 'desc' } })
        : null;
      if (existing) {
        existing.count += 1;
        existing.lastSeen = now;
        await em.flush();
        this.stats.alertsDeduplicated++;
        return rowToView(existing);
      }
      const row = em.create(SecurityAlertSchema, {
        firstSeen: now, lastSeen: now, source: a.source, tenantId: a.tenantId ?? null, clusterId: a.clusterId ?? null,
        serverId: a.serverId ?? null, ruleId: a.ruleId.slice(0, 64), level: a.level, location: a.location.slice(0, 512),
        srcIp: a.srcIp, description: a.description, eventTime: a.time ? new Date(a.time) : null, agent: a.agent?.slice(0, 255) ?? null,
        userName: a.user?.slice(0, 128) ?? null, groups: a.groups?.length ? a.groups : null, count: 1, dedupKey: key,
        noc: a.level >= routing.nocLevel, notified: a.level >= routing.notifyLevel,
      });
      await em.flush();
      this.stats.alertsStored++;
      const view = rowToView(row);
      if (row.notified) await this.notify(view, a.tenantId ?? null);
      return view;
    });
  }

  /** Queues the alert in the core outbox for each target at or above its level (the outbox delivers and retries). */
  private async notify(alert: AlertView, tenantId: number | null): Promise<void> {
    const { routing } = this.d.settings;
    const targets = routing.targets.filter((t) => alert.level >= (t.minLevel ?? routing.notifyLevel));
    const subject = busSubject({ tenantId: tenantId ?? 0, clusterId: alert.clusterId, serverId: alert.serverId }, 'security', 'notify');
    const at = new Date(this.now()).toISOString();
    // The bus still carries each notification, for whatever else listens (a site module, a relay…).
    for (const t of targets) {
      const { channel, to, subject: title, ...message } = alertMessage(t.type as NotifyChannel, t.to, alert);
      try {
        await this.d.outbox.enqueue({ channel, target: to, subject: title, message, tenantId, ref: alertRef(alert.id), dedupeKey: alertRef(alert.id) });
      } catch (err) {
        this.d.logger.error({ target: t.type, alert: alert.id, err: (err as Error).message }, 'security notification not queued');
      }
      this.d.bus.publish(subject, { at, target: { type: t.type, to: t.to }, alert });
    }
    if (!targets.length) this.d.bus.publish(subject, { at, target: null, alert });
  }

  /** The outbox, newest first: each alert per target with its delivery status and error; totals per status. */
  async notifications(q: { status?: OutboxStatus; page?: number; pageSize?: number } = {}): Promise<{
    notifications: Notification[]; total: number; page: number; pageSize: number;
    stats: Security['stats'] & { notificationsSent: number; notificationsPending: number; notificationsFailed: number };
  }> {
    const r = await this.d.outbox.list({ pageSize: 200, ...q });
    const ids = [...new Set(r.items.map((n) => Number(/^alert:(\d+)$/.exec(n.ref ?? '')?.[1])).filter((id) => id > 0))];
    const rows = ids.length ? await this.d.em().find(SecurityAlertSchema, { id: { $in: ids } }) : [];
    const alerts = new Map(rows.map((row) => [alertRef(row.id), rowToView(row)]));
    const total = async (status: OutboxStatus) => (await this.d.outbox.list({ status, pageSize: 1 })).total;
    const [sent, pending, failed] = await Promise.all([total('sent'), total('pending'), total('failed')]);
    return {
      notifications: r.items.map((n) => ({
        id: n.id, at: n.createdAt, target: { type: n.channel, to: n.target }, alert: alerts.get(n.ref ?? '') ?? null,
        status: n.status, error: n.lastError, attempts: n.attempts, sentAt: n.sentAt, nextAt: n.status === 'pending' ? n.nextAt : null,
      })),
      total: r.total, page: r.page, pageSize: r.pageSize,
      stats: { ...this.stats, notificationsSent: sent, notificationsPending: pending, notificationsFailed: failed },
    };
  }

  /** Ingests a text of OSSEC/Wazuh alerts; every line is either stored or reported. */
  async ingest(text: string): Promise<{ lines: number; accepted: number; deduplicated: number; errors: { line: number; error: string }[]; alerts: { line: number; id: number; level: number; noc: boolean; notified: boolean }[] }> {
    const parsed = parseAlertText(text);
    const out = { lines: parsed.lines, accepted: 0, deduplicated: 0, errors: [...parsed.errors], alerts: [] as { line: number; id: number; level: number; noc: boolean; notified: boolean }[] };
    for (const { line, alert } of parsed.alerts) {
      try {
        const view = await this.route(fromParsed(alert));
        out.accepted++;
        if (view.count > 1) out.deduplicated++;
        out.alerts.push({ line, id: view.id, level: view.level, noc: view.noc, notified: view.notified });
      } catch (err) {
        out.errors.push({ line, error: `not stored: ${(err as Error).message}` });
      }
    }
    out.errors.sort((a, b) => a.line - b.line);
    return out;
  }

  async alerts(filter: { minLevel?: number; limit?: number; view?: 'noc' | 'all'; user?: Principal } = {}): Promise<AlertView[]> {
    await this.flush();
    const where: Record<string, unknown> = {};
    if (filter.view === 'noc') where.noc = true;
    if (filter.minLevel !== undefined) where.level = { $gte: filter.minLevel };
    const rows = await this.d.em().find(SecurityAlertSchema, where, { orderBy: { lastSeen: 'desc', id: 'desc' }, limit: Math.min(Math.max(filter.limit ?? 200, 1), 1000) });
    const user = filter.user;
    if (!user || (user.tenantId === null && !user.scopes.length)) return rows.map(rowToView);
    const visible = new Set((await this.visibleClusters(user)).map((c) => c.id));
    // Alerts with no cluster (from OSSEC/Wazuh managers) are for unscoped administrators only.
    return rows.filter((r) => r.clusterId !== null && r.clusterId !== undefined && visible.has(r.clusterId)).map(rowToView);
  }

  async alertCounts(): Promise<{ total: number; noc: number; notify: number; last24h: number; byServer: Record<string, number> }> {
    await this.flush();
    const em = this.d.em();
    const since = new Date(this.now() - 86_400_000);
    const rows = await em.find(SecurityAlertSchema, { lastSeen: { $gte: since } }, { fields: ['level', 'count', 'serverId', 'noc', 'notified'] as never, limit: 10_000 });
    const byServer: Record<string, number> = {};
    let noc = 0;
    let notify = 0;
    let last24h = 0;
    for (const r of rows) {
      last24h += r.count;
      if (r.noc) noc += r.count;
      if (r.notified) notify += r.count;
      if (r.serverId) byServer[r.serverId] = (byServer[r.serverId] ?? 0) + r.count;
    }
    return { total: await em.count(SecurityAlertSchema, {}), noc, notify, last24h, byServer };
  }

  /* ------------------------------------------------------------------ Asterisk events */

  onAmiEvent(e: { event: string; serverId: number; clusterId: number; tenantId: number; fields: Record<string, string>; receivedAt: number }): SecurityEvent {
    const ev = toSecurityEvent(e);
    const { crossed, recentFailures } = this.tracker.record(ev);
    const src = ev.remote?.ip ?? null;
    const base = { serverId: ev.serverId, clusterId: ev.clusterId, tenantId: ev.tenantId, srcIp: src, time: ev.time, user: ev.accountId || null };
    if (ev.level >= 3 && (EVENT_LEVELS[ev.event] !== undefined)) {
      void this.route({
        ...base, source: 'asterisk', ruleId: `asterisk.${ev.event}`, level: ev.level, location: `server ${ev.serverId ?? '?'} ${ev.service || 'unknown'}`,
        description: `${ev.event} from ${src ?? 'unknown address'} (${ev.service || 'unknown service'}${ev.accountId ? `, account ${ev.accountId}` : ''})`,
      }).catch(() => undefined);
    }
    if (crossed && src) {
      void this.route({
        ...base, source: 'asterisk', ruleId: 'asterisk.brute-force', level: 10, location: `server ${ev.serverId ?? '?'}`,
        description: `${recentFailures} failed authentications from ${src} within ${this.d.settings.asterisk.windowSeconds}s (last: ${ev.event})`,
      }).catch(() => undefined);
    }
    return ev;
  }

  /* ------------------------------------------------------------------ posture */

  async collect(server: ServerView, timeoutMs = 30_000): Promise<ServerPosture> {
    const chain = this.d.settings.posture.blacklistChain;
    const base = { serverId: server.id, server: server.name, clusterId: server.clusterId, collectedAt: new Date(this.now()).toISOString(), amiFindings: [] as Finding[] };
    let posture: ServerPosture;
    try {
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        this.d.ssh.exec(server.id, POSTURE_SCRIPT),
        new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
      ]).finally(() => clearTimeout(timer));
      posture = { ...base, ...parsePosture(r.stdout, chain) };
    } catch (err) {
      posture = { ...base, errors: [`ssh: ${(err as Error).message}`], fail2ban: null, iptables: null, nft: null, blacklist: null, raw: {} };
    }
    // AMI users (manager.conf): permit=0.0.0.0/0 and friends.
    try {
      const cluster = (await this.d.model.clusters()).find((c) => c.id === server.clusterId);
      const dir = cluster?.asteriskConfigDir || '/etc/asterisk';
      const text = await this.d.ssh.readFile(server.id, `${dir}/manager.conf`);
      posture.amiFindings = amiFindings(parseManagerConf(text), server, cluster?.name ?? String(server.clusterId));
    } catch (err) {
      posture.errors.push(`manager.conf: ${(err as Error).message}`);
    }
    this.postures.set(server.id, posture);
    return posture;
  }

  async collectAll(user?: Principal): Promise<ServerPosture[]> {
    const clusters = new Set((await this.visibleClusters(user)).map((c) => c.id));
    const servers = (await this.d.model.servers()).filter((s) => s.enabled && clusters.has(s.clusterId));
    const out: ServerPosture[] = [];
    // Two at a time: the host has two cores and each exec is an SSH handshake.
    for (let i = 0; i < servers.length; i += 2) out.push(...await Promise.all(servers.slice(i, i + 2).map((s) => this.collect(s))));
    return out;
  }

  async blacklist(user: Principal, ip: string | null, serverId: number, action: 'add' | 'remove', input: unknown): Promise<{ address: string; chain: string; ok: boolean; output: string }> {
    if (!user.can('security.blacklist:write')) throw new ForbiddenError('missing permission security.blacklist:write');
    const server = await this.serverFor(user, serverId);
    let v: { address: string; family: 4 | 6 };
    try {
      v = validateBlacklistAddress(input);
    } catch (err) {
      throw new ValidationError([{ field: 'address', message: (err as Error).message }]);
    }
    const chain = this.d.settings.posture.blacklistChain;
    const cmd = blacklistCommand(action, v.address, v.family, chain);
    const r = await this.d.ssh.exec(server.id, cmd);
    const ok = r.code === 0;
    await this.d.audit.record({
      action: `security.blacklist.${action}`, target: 'server', targetId: server.id, after: { address: v.address, chain, ok },
      username: user.username, userId: user.userId, tenantId: user.tenantId, ip,
    });
    return { address: v.address, chain, ok, output: (r.stdout + r.stderr).slice(0, 4000) };
  }
}

function fromParsed(a: ParsedAlert): AlertInput {
  return { source: a.source, ruleId: a.ruleId, level: a.level, location: a.location, srcIp: a.srcIp, description: a.description, time: a.time, agent: a.agent, user: a.user, groups: a.groups };
}
