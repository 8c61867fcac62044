import { busSubject, coreServices, definePlugin, ForbiddenError, NotFoundError, visibleTo, type Principal } from '../../sdk/index.ts';
import { statusTiles } from '../status/api/index.ts';
import { manifest } from './manifest.ts';
import { HealthStore } from './history.ts';
import { Alerts } from './alerts.ts';
import { clusterRules, Monitor } from './monitor.ts';
import { healthTile } from './tiles.ts';
import { registerCli } from './cli.ts';
import { allowList, NocMetrics } from './prom.ts';
import { roamingService } from '../roaming/api/index.ts';

/**
 * Server health: every `intervalSeconds` one SSH session per server (disks, memory, load,
 * uptime, clock, systemd units) and its AMI (modules, channels, trunks), held to thresholds;
 * the "Asterisk" and "Server status" tiles, 24 h of history, alerts through the core outbox.
 */
export default definePlugin({
  manifest,
  setup(ctx) {
    const model = ctx.get(coreServices.model);
    const ami = ctx.get(coreServices.ami);
    const outbox = ctx.get(coreServices.outbox);
    const store = new HealthStore(ctx.settings.intervalSeconds * 1000);
    const alerts = new Alerts(outbox, () => ctx.settings);
    ctx.events.toBrowsers({ event: 'health', permission: 'monitoring.health:read' });
    const prom = new NocMetrics(ami, model, store);
    const events = new Map<number, number>();
    ctx.ami.on('*', (e) => {
      prom.amiEvent(e.serverId);
      events.set(e.serverId, (events.get(e.serverId) ?? 0) + 1);
    });
    ctx.bus.subscribe<{ clusterId: number; step: string }>('acm.*.*.0.commit.progress', (m) => {
      prom.commitStep(m.data.clusterId, m.data.step);
    });
    const monitor = new Monitor({
      ssh: ctx.get(coreServices.ssh), ami, model, kernel: ctx.get(coreServices.kernel), settings: () => ctx.settings, store,
      links: (serverId) => ctx.find(roamingService)?.links(serverId),
      takeEvents(serverId) { const n = events.get(serverId) ?? 0; events.delete(serverId); return n; },
      async onServer(h, changed, now) {
        // Browsers (the home page's tiles, the health page) hear of a server whose states moved.
        if (changed) ctx.bus.publish(busSubject(h, ctx.id, 'health'), h);
        await alerts.round(h, now).catch((err: Error) => ctx.logger.warn({ err: err.message, server: h.name }, 'health alerts not queued'));
      },
    });
    const running = new Set<Promise<unknown>>();
    const round = async (clusterId?: number) => {
      const stop = prom.roundSeconds.startTimer();
      const r = prom.learn().then(() => monitor.round(Date.now(), clusterId)).finally(() => { if (clusterId === undefined) stop(); });
      const settled = r.catch(() => {}).finally(() => running.delete(settled));
      running.add(settled);
      return r;
    };
    ctx.jobs.every(ctx.settings.intervalSeconds * 1000, 'monitoring.round', async () => { await round(); });
    ctx.lifecycle.onStart(() => { void round().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'first health round failed')); });
    // Stop waits for the rounds in flight (the job's, one from the API or the CLI): they read the model and write the outbox.
    ctx.lifecycle.onStop(async () => { await Promise.all(running); });

    ctx.extend(statusTiles, 'monitoring-asterisk', healthTile(store, (m) => m.group === 'asterisk', 'Asterisk', 40, (n) => `${n} server(s): Asterisk up, modules loaded, trunks reachable`));
    ctx.extend(statusTiles, 'monitoring-servers', healthTile(store, (m) => m.group === 'server', 'Server status', 50, (n) => `${n} server(s) within thresholds, services active`));
    ctx.extend(statusTiles, 'monitoring-routing', healthTile(store, (m) => m.group === 'routing', 'Routing', 35, (n) => `${n} server(s): policy routing as declared`));
    // Seed §2.0.6: the stats are collected (AMI poller), cron runs, the database answers.
    ctx.extend(statusTiles, 'monitoring-reporting', healthTile(store, (m) => m.group === 'reporting' || m.key === 'service:cron', 'Reporting', 60, (n) => `${n} server(s): AMI poller collecting, cron running, MySQL OK`));

    const visible = (user: Principal) => store.all().filter((h) => visibleTo(user, h));
    const one = (user: Principal, id: number) => {
      const h = store.get(id);
      if (!h || !visibleTo(user, h)) throw new NotFoundError(`no health of server ${id}`);
      return h;
    };
    ctx.http.route('GET', '/servers', 'monitoring.health:read', (c) => {
      const cluster = c.query.clusterId ? Number(c.query.clusterId) : undefined;
      const items = visible(c.user).filter((h) => cluster === undefined || h.clusterId === cluster);
      return { items, total: items.length };
    });
    ctx.http.route('GET', '/servers/:id', 'monitoring.health:read', (c) => one(c.user, Number(c.params.id)));
    ctx.http.route('GET', '/servers/:id/history', 'monitoring.health:read', (c) => {
      const h = one(c.user, Number(c.params.id));
      const since = c.query.since ? Date.parse(String(c.query.since)) : undefined;
      return { serverId: h.serverId, metrics: store.historyOf(h.serverId, Date.now(), Number.isNaN(since) ? undefined : since) };
    });
    /** The thresholds and units each visible cluster is held to (the site's, with its overrides). */
    ctx.http.route('GET', '/thresholds', 'monitoring.health:read', async (c) => {
      const clusters = (await model.clusters()).filter((cl) => visibleTo(c.user, { tenantId: cl.tenantId, siteId: cl.siteId, clusterId: cl.id }));
      return { intervalSeconds: ctx.settings.intervalSeconds, items: clusters.map((cl) => ({ clusterId: cl.id, cluster: cl.name, ...clusterRules(ctx.settings, cl.name) })) };
    });
    ctx.http.route('POST', '/round', 'monitoring.health:write', async (c) => {
      const cluster = c.query.clusterId ? Number(c.query.clusterId) : undefined;
      await round(cluster);
      const items = visible(c.user).filter((h) => cluster === undefined || h.clusterId === cluster);
      return { items, total: items.length };
    });

    // For the NOC's Prometheus: an API token of a user holding monitoring.metrics:read, from the allowed networks.
    const allowed = allowList(ctx.settings.metricsAllow);
    ctx.http.route('GET', '/metrics', 'monitoring.metrics:read', async (c) => {
      if (allowed && !allowed(c.koa.ip)) throw new ForbiddenError(`metrics are not served to ${c.koa.ip}`);
      c.koa.type = prom.registry.contentType;
      return prom.registry.metrics();
    });

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      round, clusters: async () => (await model.clusters()).map((c) => ({ id: c.id, name: c.name })), print: (l) => console.log(l),
    }));
  },
});
