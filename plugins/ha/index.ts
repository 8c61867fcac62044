import { join } from 'node:path';
import {
  coreServices, definePlugin, statusTiles, ValidationError, z, type Principal, type RouteContext,
} from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { haService, type HaGroupStatus, type HaService } from './api/index.ts';
import { HaEventSchema, haEntities, type HaGroup } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { CHILDREN, groupView, HaStore, parse, rowView, type ChildKind } from './store.ts';
import { renderGroup } from './nodeconfig.ts';
import { groupStatus, type NodeState } from './status.ts';
import { nodeProgram } from './node/main.ts';

const operator: Principal = { userId: 0, username: 'cli', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };
const FailoverBody = z.strictObject({ serverId: z.number().int().positive() });

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
    const s = ctx.settings;
    const store = new HaStore({ em: () => ctx.db.em(), clusters: () => model.clusters(), servers: (c) => model.servers(c) });
    const id = (c: RouteContext, key = 'id') => Number(c.params[key]);
    const record = (c: RouteContext, action: string, target: string, targetId: number, tenantId: number, before?: unknown, after?: unknown) => audit.record({
      action: `ha.${action}`, target: `ha.${target}`, targetId, before, after, username: c.user.username, userId: c.user.userId, tenantId, ip: c.koa.ip,
    });

    // --- groups ------------------------------------------------------------------------------
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
      const g = await store.createGroup(c.user, c.body);
      await record(c, 'group.create', 'group', g.id, g.tenantId, undefined, groupView(g));
      c.koa.status = 201;
      return groupView(g);
    });
    ctx.http.route('PUT', '/groups/:id', 'ha.group:write', async (c) => {
      const { before, after } = await store.updateGroup(c.user, id(c), c.body);
      await record(c, 'group.update', 'group', after.id, after.tenantId, groupView(before), groupView(after));
      return groupView(after);
    });
    ctx.http.route('DELETE', '/groups/:id', 'ha.group:write', async (c) => {
      const g = await store.removeGroup(c.user, id(c));
      await record(c, 'group.delete', 'group', g.id, g.tenantId, groupView(g));
      c.koa.status = 204;
    });

    // --- nodes, VIPs, synced paths, notification targets ----------------------------------
    for (const kind of Object.keys(CHILDREN) as ChildKind[]) {
      const label = kind.replace(/s$/, '');
      ctx.http.route('GET', `/groups/:id/${kind}`, 'ha.group:read', async (c) => {
        const items = (await store.children(c.user, kind, id(c))).map(rowView);
        return { items, total: items.length, page: 1, pageSize: items.length };
      });
      ctx.http.route('POST', `/groups/:id/${kind}`, 'ha.group:write', async (c) => {
        const { row, group } = await store.createChild(c.user, kind, id(c), c.body);
        await record(c, `${label}.create`, label, row.id, group.tenantId, undefined, rowView(row));
        c.koa.status = 201;
        return rowView(row);
      });
      ctx.http.route('GET', `/${kind}/:id`, 'ha.group:read', async (c) => rowView((await store.child(c.user, kind, id(c))).row));
      ctx.http.route('PUT', `/${kind}/:id`, 'ha.group:write', async (c) => {
        const { before, row, group } = await store.updateChild(c.user, kind, id(c), c.body);
        await record(c, `${label}.update`, label, row.id, group.tenantId, rowView(before), rowView(row));
        return rowView(row);
      });
      ctx.http.route('DELETE', `/${kind}/:id`, 'ha.group:write', async (c) => {
        const { row, group } = await store.removeChild(c.user, kind, id(c));
        await record(c, `${label}.delete`, label, row.id, group.tenantId, rowView(row));
        c.koa.status = 204;
      });
    }

    // --- rendering and deployment -------------------------------------------------------
    const rendered = async (g: HaGroup) => {
      const f = await store.full(g.id);
      return renderGroup({ group: g, ...f }, await model.servers(g.clusterId), s);
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
      await record(c, 'group.deploy', 'group', g.id, g.tenantId, undefined, results);
      return { results };
    });

    // --- status --------------------------------------------------------------------------
    const readJson = async (serverId: number, file: string) => JSON.parse(await ssh.readFile(serverId, join(s.stateDir, file)));
    const nodeState = async (serverId: number): Promise<NodeState> => {
      try {
        const [vrrp, check] = await Promise.all([readJson(serverId, 'vrrp.json').catch(() => ({})), readJson(serverId, 'check.json').catch(() => null)]);
        return { vrrp, check, reachable: true };
      } catch (e) {
        return { vrrp: {}, check: null, reachable: false, error: (e as Error).message };
      }
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
      await record(c, 'group.failover', 'group', g.id, g.tenantId, undefined, { serverId: body.serverId, ok });
      ctx.bus.publish(`acm.${g.tenantId}.${g.clusterId}.${body.serverId}.ha.failover`, { groupId: g.id, serverId: body.serverId, ok, by: c.user.username });
      await ctx.db.em().insert(HaEventSchema, { groupId: g.id, serverId: body.serverId, node: null, instance: null, state: 'FAILOVER', message: `operator ${c.user.username} moved the services off server ${body.serverId}${ok ? '' : ` (failed: ${(r.stderr || r.stdout).trim().slice(0, 200)})`}`, at: new Date() });
      return { ok, output: (r.stdout + r.stderr).trim().slice(0, 2000) };
    });

    // --- events (history from every node) -----------------------------------------------
    const offsets = new Map<number, number>();
    const collect = async () => {
      const em = ctx.db.em();
      for (const g of await store.allGroups()) {
        for (const n of (await store.full(g.id)).nodes) {
          const text = await ssh.readFile(n.serverId, join(s.stateDir, 'events.jsonl')).catch(() => null);
          if (text === null) continue;
          const from = offsets.get(n.serverId) ?? 0;
          const lines = text.split('\n').filter(Boolean);
          for (const l of lines.slice(from > lines.length ? 0 : from)) {
            try {
              const e = JSON.parse(l) as { at: string; node: string; instance: string; state: string; type: string };
              em.create(HaEventSchema, { groupId: g.id, serverId: n.serverId, node: e.node, instance: e.instance, state: e.state, message: `${e.node}: ${e.type.toLowerCase()} ${e.instance} is now ${e.state}`, at: new Date(e.at) });
              ctx.bus.publish(`acm.${g.tenantId}.${g.clusterId}.${n.serverId}.ha.state`, { groupId: g.id, ...e });
            } catch { /* a torn line: skipped */ }
          }
          offsets.set(n.serverId, lines.length);
        }
      }
      await em.flush();
    };
    if (s.pollSeconds > 0) ctx.jobs.every(s.pollSeconds * 1000, 'ha.collect', collect);
    ctx.http.route('POST', '/collect', 'ha.group:write', async () => { await collect(); return { ok: true }; });
    ctx.http.route('GET', '/events', 'ha.group:read', async (c) => {
      const groups = (await store.groups(c.user)).map((g) => g.id);
      const items = await ctx.db.em().find(HaEventSchema, { groupId: { $in: groups } }, { orderBy: { at: 'desc', id: 'desc' }, limit: Math.min(Number(c.query.limit ?? 200) || 200, 1000) });
      return { items: items.map((e) => ({ ...e, at: e.at.toISOString() })) };
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
      for (const cmd of nodeProgram().commands) group.addCommand(cmd);
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
