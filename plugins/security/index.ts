import { commitValidators, coreServices, definePlugin, parseInput, ValidationError, z } from '../../sdk/index.ts';
import { statusTiles } from '../status/api/index.ts';
import { manifest } from './manifest.ts';
import { securityEntities } from './entities.ts';
import { sqliteMigrations } from './migrations/sqlite.ts';
import { mysqlMigrations } from './migrations/mysql.ts';
import { Security } from './service.ts';
import type { ServerPosture } from './posture-script.ts';
import { SECURITY_EVENTS } from './asterisk-events.ts';
import { FileTailer } from './tail.ts';
import { securityService, type SecurityService } from './api/index.ts';
import { auditSnapshots, type Finding } from './audit.ts';
import { blacklistResource, EXPIRY_ACTOR, syncCluster } from './blacklist.ts';
import { targetResource } from './targets.ts';
import type { SecurityTargetRow } from './entities.ts';

const id = z.coerce.number().int().positive();
const AlertQuery = z.object({
  view: z.enum(['noc', 'all']).default('all'),
  minLevel: z.coerce.number().int().min(0).max(16).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const NotificationQuery = z.object({
  status: z.enum(['pending', 'sending', 'sent', 'failed', 'skipped']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(200),
});

/** One path, query or CLI value parsed as `field`: a bad one is a ValidationError (422) naming it. */
function parseField<T extends z.ZodType>(field: string, schema: T, v: unknown): z.output<T> {
  const r = schema.safeParse(v);
  if (!r.success) throw new ValidationError(r.error.issues.map((i) => ({ field: [field, ...i.path].join('.'), message: i.message })));
  return r.data;
}

/** Posture without raw output (raw is one request away: `?raw=1`). */
function postureView(p: ServerPosture, raw: boolean) {
  const { raw: text, ...rest } = p;
  return raw ? { ...rest, raw: text } : { ...rest, rawAvailable: Object.keys(text) };
}

function findingLine(f: Finding): string {
  return `${f.severity.toUpperCase().padEnd(8)} ${f.rule.padEnd(26)} ${f.cluster}/${f.object.type} ${f.object.name}: ${f.message}\n         fix: ${f.fix}`;
}

/**
 * Security: the config audit (seed 004's weekly test), Asterisk security events from AMI,
 * OSSEC/Wazuh alert ingest with routing to each tenant's notification targets, fail2ban/firewall
 * posture per server over SSH, and the blacklist that reaches every server of a cluster.
 */
export default definePlugin({
  manifest,
  entities: securityEntities,
  migrations: { sqlite: sqliteMigrations, mysql: mysqlMigrations },
  setup(ctx) {
    const s = ctx.settings;
    const model = ctx.get(coreServices.model);
    // Targets and blacklist: list/get/create/update/delete/copy over HTTP and `acm security targets|blacklist …`.
    const targets = ctx.resources.define(targetResource);
    const blacklistDeps = { model, ssh: ctx.get(coreServices.ssh), audit: ctx.get(coreServices.audit), logger: ctx.logger, chain: s.posture.blacklistChain };
    const entries = ctx.resources.define(blacklistResource(blacklistDeps));
    // A server written (added, enabled, moved): its cluster's list onto every enabled server, once per burst.
    const pending = new Map<number, NodeJS.Timeout>();
    let syncing: Promise<unknown> = Promise.resolve();
    ctx.bus.subscribe<{ entity: string; clusterIds?: number[] | null }>('acm.*.*.*.model.changed', (m) => {
      if (m.data.entity !== 'server') return;
      for (const clusterId of m.data.clusterIds ?? []) {
        clearTimeout(pending.get(clusterId));
        const t = setTimeout(() => {
          pending.delete(clusterId);
          syncing = syncing.then(async () => syncCluster(blacklistDeps, clusterId, (await entries.all(clusterId)).filter((e) => !e.expiresAt || e.expiresAt.getTime() > Date.now())))
            .catch((err: Error) => ctx.logger.warn({ err: err.message, clusterId }, 'security: blacklist sync failed'));
        }, 300);
        t.unref();
        pending.set(clusterId, t);
      }
    });
    ctx.lifecycle.onStop(async () => { for (const t of pending.values()) clearTimeout(t); await syncing; });
    /**
     * An alert of a tenant goes to that tenant's targets; one without a tenant (an OSSEC/Wazuh
     * manager's) is the provider's: the first tenant's, where a provider administrator's targets go.
     */
    const enabledTargets = async (tenantId: number | null): Promise<SecurityTargetRow[]> => {
      const tenant = tenantId ?? (await model.tenants())[0]?.id;
      return (await targets.all()).filter((t) => t.enabled && t.tenantId === tenant);
    };
    const sec = new Security({
      settings: s, logger: ctx.logger, em: () => ctx.db.em(), bus: ctx.bus,
      model, ssh: ctx.get(coreServices.ssh), outbox: ctx.get(coreServices.outbox), targets: enabledTargets,
    });

    // Asterisk security events (AMI class `security`), one subscription per event name.
    for (const ev of SECURITY_EVENTS) ctx.ami.on(ev, (e) => { sec.onAmiEvent(e); });

    /* ---------------------------------------------------------------- routes */
    ctx.http.route('GET', '/audit', 'security.audit:read', async (c) => {
      const clusterId = c.query.clusterId === undefined ? undefined : parseField('clusterId', id, c.query.clusterId);
      return sec.audit(c.user, clusterId);
    });

    ctx.http.route('GET', '/alerts', 'security.alerts:read', async (c) => {
      const q = parseInput(AlertQuery, c.query);
      return sec.alerts({ ...q, user: c.user });
    });

    ctx.http.route('POST', '/alerts', 'security.alerts:write', async (c) => {
      const body = c.body;
      const text = typeof body === 'string' ? body
        : body && typeof body === 'object' && typeof (body as { text?: unknown }).text === 'string' ? (body as { text: string }).text
          : Array.isArray(body) && body.every((l) => typeof l === 'string') ? body.join('\n') : null;
      if (text === null) throw new ValidationError([{ field: 'text', message: 'send alerts as text/plain (one per line), or JSON {"text": "…"}' }]);
      const result = await sec.ingest(text);
      c.koa.status = result.errors.length && !result.accepted ? 422 : 200;
      return result;
    });

    ctx.http.route('GET', '/sources', 'security.alerts:read', () => ({ sources: sec.tracker.list(), totals: sec.tracker.totals }));
    /** The outbox, newest first: each alert per target with its delivery status and error. */
    ctx.http.route('GET', '/notifications', 'security.alerts:read', (c) => sec.notifications(parseInput(NotificationQuery, c.query)));

    ctx.http.route('GET', '/status', 'security.posture:read', async (c) => {
      if (c.query.refresh === '1') await sec.collectAll(c.user);
      const clusters = await sec.visibleClusters(c.user);
      const ids = new Set(clusters.map((x) => x.id));
      const servers = (await ctx.get(coreServices.model).servers()).filter((x) => ids.has(x.clusterId));
      const counts = await sec.alertCounts();
      return {
        alerts: { noc: counts.noc, notify: counts.notify, last24h: counts.last24h },
        sources: sec.tracker.list().slice(0, 20),
        servers: servers.map((srv) => {
          const p = sec.postures.get(srv.id);
          return {
            serverId: srv.id, server: srv.name, clusterId: srv.clusterId, alerts: counts.byServer[srv.id] ?? 0,
            posture: p ? postureView(p, false) : null,
          };
        }),
      };
    });

    ctx.http.route('GET', '/servers/:id/posture', 'security.posture:read', async (c) => {
      const server = await sec.serverFor(c.user, parseField('id', id, c.params.id));
      const p = c.query.refresh === '1' || !sec.postures.has(server.id) ? await sec.collect(server) : sec.postures.get(server.id)!;
      return postureView(p, c.query.raw === '1');
    });

    /* ---------------------------------------------------------------- CLI */
    ctx.cli.commands((group, cli) => {
      group.command('audit')
        .description('config audit: weak, reused and username-like passwords, open ACLs, guest routes to trunks, voicemail PINs')
        .option('--json', 'print JSON')
        .option('--cluster <id>', 'one cluster only')
        .action(async (o: { json?: boolean; cluster?: string }) => {
          const r = await sec.audit(cli.operator, o.cluster === undefined ? undefined : parseField('cluster', id, o.cluster));
          if (o.json) console.log(JSON.stringify({ findings: r.findings, summary: r.summary }, null, 2));
          else {
            for (const f of r.findings) console.log(findingLine(f));
            console.log(`${r.findings.length} findings in ${r.clusters} clusters: ${Object.entries(r.summary).map(([k, v]) => `${v} ${k}`).join(', ')}`);
          }
          // Scripts and CI can gate on critical findings.
          if (r.summary.critical > 0) process.exitCode = 2;
        });
      group.command('alerts')
        .description('recent OSSEC/Wazuh/Asterisk alerts')
        .option('--json', 'print JSON')
        .option('--noc', 'NOC view only (level >= routing.nocLevel)')
        .action(async (o: { json?: boolean; noc?: boolean }) => {
          const rows = await sec.alerts({ view: o.noc ? 'noc' : 'all', limit: 100, user: cli.operator });
          if (o.json) console.log(JSON.stringify(rows, null, 2));
          else for (const a of rows) console.log(`${a.lastSeen} L${String(a.level).padStart(2)} ${a.source}:${a.ruleId} x${a.count} ${a.srcIp ?? '-'} ${a.location} ${a.description}`);
        });
    });

    /* ---------------------------------------------------------------- jobs */
    const tailers = s.ingest.files.map((f) => new FileTailer(f, s.ingest.maxBytesPerPoll));
    if (tailers.length) {
      ctx.lifecycle.onStart(async () => { for (const t of tailers) await t.poll(); });
      ctx.jobs.every(s.ingest.pollSeconds * 1000, 'security.ingest-files', async () => {
        for (const t of tailers) {
          const text = await t.poll();
          if (!text) continue;
          const r = await sec.ingest(text);
          if (r.errors.length) ctx.logger.warn({ file: t.path, errors: r.errors.slice(0, 10), count: r.errors.length }, 'security: unreadable alert lines');
        }
      });
    }
    if (s.posture.pollSeconds > 0) ctx.jobs.every(s.posture.pollSeconds * 1000, 'security.posture', async () => { await sec.collectAll(); });
    // Expired entries are deleted through the kit: audited, and their rules come off the servers.
    ctx.jobs.every(60_000, 'security.blacklist-expiry', async () => {
      const now = Date.now();
      for (const e of await entries.all()) if (e.expiresAt && e.expiresAt.getTime() <= now) await entries.remove({ user: EXPIRY_ACTOR }, e.id);
    });
    ctx.lifecycle.onStop(() => sec.flush());

    /* ---------------------------------------------------------------- tile + service */
    if (ctx.settings.audit.blockCommitOnCritical) {
      ctx.extend(commitValidators, 'security.audit', {
        validate: (snapshot) => auditSnapshots([snapshot], { minPasswordLength: ctx.settings.audit.minPasswordLength })
          .filter((f) => f.severity === 'critical')
          .map((f) => ({ object: `${f.object.type} ${f.object.name}`, message: `${f.message}; fix: ${f.fix}`, severity: 'error' as const })),
      });
    }

    ctx.extend(statusTiles, 'security', {
      title: 'Security',
      order: 20,
      link: '/security',
      async render() {
        const counts = await sec.alertCounts();
        const postures = [...sec.postures.values()];
        const banned = postures.reduce((n, p) => n + (p.fail2ban?.banned ?? 0), 0);
        const blacklisted = postures.reduce((n, p) => n + (p.blacklist?.addresses.length ?? 0), 0);
        const postureErrors = postures.filter((p) => p.errors.length).length;
        const attackers = sec.tracker.list().filter((x) => x.recentFailures >= s.asterisk.bruteForceThreshold).length;
        const state = counts.notify > 0 || attackers > 0 ? 'red' : counts.noc > 0 || postureErrors > 0 ? 'orange' : 'green';
        const summary = counts.noc === 0 && attackers === 0
          ? `Security status OK - no alerts${postures.length ? `; ${banned} banned by fail2ban, ${blacklisted} blacklisted` : ''}`
          : `${counts.noc} alerts for the NOC (${counts.notify} notified) in 24h${attackers ? `, ${attackers} sources over the brute-force threshold` : ''}`;
        return {
          state, summary,
          details: {
            alerts: { noc: counts.noc, notify: counts.notify, last24h: counts.last24h },
            servers: postures.map((p) => ({
              server: p.server, fail2ban: p.fail2ban ? { jails: p.fail2ban.jails.map((j) => j.name), banned: p.fail2ban.banned } : null,
              iptables: p.iptables ? { chains: p.iptables.chains.length, policies: p.iptables.policies } : null,
              nft: p.nft ? { chains: p.nft.chains.length } : null, blacklisted: p.blacklist?.addresses.length ?? null, errors: p.errors,
            })),
          },
        };
      },
    });

    const service: SecurityService = {
      audit: async (clusterId) => { const r = await sec.audit(undefined, clusterId); return { findings: r.findings, summary: r.summary }; },
      alerts: (f) => sec.alerts(f ?? {}),
      sources: () => sec.tracker.list(),
    };
    ctx.provide(securityService, service);
  },
});
