import { busSubject, parseInput, visibleClusters as clustersOf, commitValidators, coreServices, definePlugin, extensionDialHooks, NotFoundError, type ClusterSnapshotView, type RouteContext } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { migrations } from './migrations/index.ts';
import { KeyManager, keyView } from './keys.ts';
import { loadPlan, type RoamingPlan } from './plan.ts';
import { fallbackStep, keyFiles, renderDundi, renderIax, renderRoamingDialplan } from './render.ts';
import { dundiVerifier, iaxVerifier, verifyKeys } from './verify.ts';
import { linkResource, roamerResource, standardNumberResource } from './resources.ts';
import { registerCli } from './cli.ts';
import { LinkBoard } from './live.ts';
import { LinkSchema, RoamerSchema, roamingEntities, StandardNumberSchema } from './entities.ts';
import { ReportQuery, roamingReport } from './report.ts';
import { entityId } from './names.ts';
import { statusTiles } from '../status/api/index.ts';
import { roamingService } from './api/index.ts';

/**
 * Roaming: the clusters of a tenant find each other's numbers. Linked clusters are IAX2 friends
 * signing with RSA keys acm makes and rotates; DUNDi answers which cluster has a roaming
 * extension or a standard number; the dialplan looks up numbers that live elsewhere and, for a
 * local number another site also answers, tries there when the local phone cannot take the call.
 */
export default definePlugin({
  manifest,
  entities: roamingEntities,
  migrations,
  setup(ctx) {
    const model = ctx.get(coreServices.model);
    const ami = ctx.get(coreServices.ami);
    const ssh = ctx.get(coreServices.ssh);
    const keys = new KeyManager(ctx.db);
    const settings = () => ctx.settings;

    const links = ctx.resources.define(linkResource(async (w) => {
      if (w.after) await keys.ensure(w.actor, w.after.tenantId, [w.after.clusterId, w.after.peerClusterId]);
    }));
    ctx.resources.define(roamerResource());
    ctx.resources.define(standardNumberResource());

    // One plan per cluster snapshot: every file, the target, the hook and the validator of one commit share it.
    const plans = new WeakMap<ClusterSnapshotView, Promise<RoamingPlan>>();
    const plan = (s: ClusterSnapshotView) => {
      let p = plans.get(s);
      if (!p) {
        p = loadPlan({ model, em: () => ctx.db.em() }, s);
        plans.set(s, p);
      }
      return p;
    };

    ctx.commit.file({
      name: 'acm/iax-roaming.conf', reload: 'chan_iax2.so', includeFrom: 'iax.conf', verify: iaxVerifier,
      render: async (s) => renderIax(s, await plan(s), settings()),
    });
    ctx.commit.file({
      name: 'acm/dundi-roaming.conf', reload: 'pbx_dundi.so', includeFrom: 'dundi.conf', verify: dundiVerifier,
      note: 'pbx_dundi reads only the first [general] and [mappings]: dundi.conf holds nothing but this include',
      render: async (s) => renderDundi(s, await plan(s), settings()),
    });
    ctx.commit.file({
      name: 'acm/extensions-roaming.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      render: async (s) => renderRoamingDialplan(s, await plan(s), settings()),
    });
    ctx.commit.target({
      name: 'keys',
      prune: true,
      render: async (s) => keyFiles(s, await plan(s), settings()),
      // res_crypto refuses a private key others may read; the push writes files 0644.
      async reload(server, files) {
        const secret = files.filter((f) => f.path.endsWith('.key')).map((f) => `'${f.path}'`);
        if (secret.length) {
          const r = await ssh.exec(server.id, `chmod 0600 ${secret.join(' ')}`);
          if (r.code !== 0) throw new Error(`chmod of the private keys on ${server.name} failed: ${(r.stderr || r.stdout).trim().slice(0, 200)}`);
        }
        // Asterisk answers the reload in words (and success even for a key it then refused: verify reads `keys show`).
        const out = (await ami.command(server.id, 'module reload res_crypto.so').catch((err: Error) => [err.message])).join(' ');
        if (!/reloaded successfully/.test(out)) throw new Error(`res_crypto.so did not reload on ${server.name}: ${out.slice(0, 200)}`);
      },
      verify: (server, files) => verifyKeys({ command: (cli) => ami.command(server.id, cli) }, files),
    });
    ctx.extend(extensionDialHooks, 'roaming.other-sites', {
      async unavailable(s) {
        const p = await plan(s);
        if (!p.self.signsWith) return new Map();
        return new Map([...p.fallback].map(([extensionId, num]) => [extensionId, [fallbackStep(s, num)]]));
      },
    });
    ctx.extend(commitValidators, 'roaming.plan', {
      async validate(s) {
        return (await plan(s)).problems.map((p) => ({ ...p, severity: 'error' as const }));
      },
    });

    // --- keys ----------------------------------------------------------------------------
    /** Clusters the caller sees through the links list (a key is seen with its cluster's links). */
    const visibleClusters = async (c: RouteContext) => {
      const page = await links.list(c.user, { pageSize: 1000 });
      return new Set(page.items.flatMap((l) => [l.clusterId as number, l.peerClusterId as number]));
    };
    ctx.http.route('GET', '/keys', 'roaming.key:read', async (c) => ({ items: (await keys.list(await visibleClusters(c))).map((k) => keyView(k)) }));
    const keyAction = (act: 'rotate' | 'activate') => async (c: RouteContext) => {
      const clusterId = Number(c.params.cluster);
      if (!(await visibleClusters(c)).has(clusterId)) throw new NotFoundError(`no linked cluster ${c.params.cluster}`);
      return keys[act]({ user: c.user, ip: c.koa.ip }, clusterId);
    };
    ctx.http.route('POST', '/keys/:cluster/rotate', 'roaming.key:write', keyAction('rotate'));
    ctx.http.route('POST', '/keys/:cluster/activate', 'roaming.key:write', keyAction('activate'));

    // --- live: the links as each server sees them ------------------------------------------------
    const board = new LinkBoard(ami);
    const pollLinks = async () => {
      const [tenants, clusters, rows] = await Promise.all([model.tenants(), model.clusters(), ctx.db.em().find(LinkSchema, {})]);
      const byId = new Map(clusters.map((x) => [x.id, x]));
      const tenantById = new Map(tenants.map((t) => [t.id, t]));
      const linked = new Map<number, typeof clusters>();
      for (const l of rows) {
        for (const [a, b] of [[l.clusterId, l.peerClusterId], [l.peerClusterId, l.clusterId]] as const) {
          const peer = byId.get(b);
          if (peer) linked.set(a, [...(linked.get(a) ?? []), peer]);
        }
      }
      const changed = await board.poll((id) => tenantById.get(byId.get(id)?.tenantId ?? -1), linked, entityId);
      for (const r of changed) {
        const cl = byId.get(r.clusterId);
        if (cl) ctx.bus.publish(busSubject({ tenantId: cl.tenantId, clusterId: cl.id, serverId: r.serverId }, ctx.id, 'link'), r);
      }
    };
    ctx.events.toBrowsers({ event: 'link', permission: 'roaming.link:read' });
    ctx.lifecycle.onStart(() => { pollLinks().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'link status not read')); });
    ctx.jobs.every(30_000, 'roaming.links', pollLinks);
    ctx.http.route('GET', '/link-status', 'roaming.link:read', async (c) => {
      const visible = await visibleClusters(c);
      if (c.query.refresh === '1') await pollLinks();
      return { items: board.list(visible) };
    });
    ctx.extend(statusTiles, 'roaming.links', { title: 'Inter-site links', order: 25, link: '/roaming', render: () => board.tile() });

    // --- the roaming view (seed §3.0.6) ----------------------------------------------------------
    const report = async (user: RouteContext['user'], query: unknown) => {
      const q = parseInput(ReportQuery, query);
      const clusters = clustersOf(user, await model.clusters());
      const snapshots = await Promise.all(clusters.map((x) => model.snapshot(x.id)));
      const em = ctx.db.em();
      const tenants = [...new Set(clusters.map((x) => x.tenantId))];
      const roamers = new Set((await em.find(RoamerSchema, { tenantId: { $in: tenants } })).map((r) => r.extensionId));
      const standard = new Map((await em.find(StandardNumberSchema, { tenantId: { $in: tenants } })).map((n) => [n.number, n.clusterIds]));
      return roamingReport(snapshots, roamers, standard, q);
    };
    ctx.http.route('GET', '/report', 'roaming.roamer:read', (c) => report(c.user, c.query));

    ctx.provide(roamingService, { links: (serverId) => board.list().filter((r) => serverId === undefined || r.serverId === serverId) });

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, { keys, report: (query) => report(cli.operator, query), links: async () => { await pollLinks(); return board.list(); }, print: (l) => console.log(l) }));
  },
});
