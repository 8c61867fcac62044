import { busSubject, coreServices, definePlugin, NotFoundError, objectNames, type RouteContext } from '../../sdk/index.ts';
import { statusTiles } from '../status/api/index.ts';
import { manifest } from './manifest.ts';
import { queuesService, type AgentView, type QueuesService } from './api/index.ts';
import { queueEntities, type QueueMember } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { memberResource, queueResource } from './resources.ts';
import { queueFiles, queueName } from './render.ts';
import { AGENT_EVENTS, AgentBoard } from './agents.ts';
import { AgentActions } from './agent-actions.ts';
import { registerCli } from './cli.ts';

/**
 * ACD queues: queues and static members as SDK resources, rendered into queues.conf and a
 * dialplan context; agents log in, pause with a reason and log out from the phone, the UI, the
 * API and the CLI; the live board follows app_queue's events and reaches browsers.
 */
export default definePlugin({
  manifest,
  entities: queueEntities,
  migrations,
  setup(ctx) {
    const ami = ctx.get(coreServices.ami);
    const model = ctx.get(coreServices.model);
    const reasons = () => ctx.settings.pauseReasons;

    const queues = ctx.resources.define(queueResource());
    const members = ctx.resources.define(memberResource(queues));
    const data = async (clusterId: number) => ({ queues: await queues.all(clusterId), members: (await members.all(clusterId)) as QueueMember[] });
    for (const file of queueFiles(data, () => ctx.settings.featureCodes, reasons)) ctx.commit.file(file);

    // --- agents ------------------------------------------------------------------------
    // Asterisk names queues and interfaces; the UI and API act on acm's ids. Refreshed at each resync.
    let names = new Map<string, Pick<AgentView, 'queueId' | 'extensionId'>>();
    const nameKey = (clusterId: number, what: string) => `${clusterId}|${what}`;
    const learnNames = async () => {
      const next = new Map<string, Pick<AgentView, 'queueId' | 'extensionId'>>();
      for (const c of await model.clusters()) {
        const qs = await queues.all(c.id);
        if (!qs.length) continue;
        const s = await model.snapshot(c.id);
        for (const q of qs) next.set(nameKey(c.id, `q:${queueName(s, q)}`), { queueId: q.id, extensionId: null });
        for (const e of s.extensions) next.set(nameKey(c.id, `e:PJSIP/${objectNames.endpoint(s.tenant, e)}`), { queueId: null, extensionId: e.id });
      }
      names = next;
    };
    // A queue or an extension written anywhere (this plugin, the core, a batch): learn again, once per burst.
    let relearn: NodeJS.Timeout | undefined;
    ctx.bus.subscribe('acm.*.*.*.model.changed', () => {
      clearTimeout(relearn);
      relearn = setTimeout(() => { void learnNames().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'queue names not refreshed')); }, 200);
      relearn.unref();
    });
    ctx.lifecycle.onStop(() => clearTimeout(relearn));
    const board = new AgentBoard((clusterId, queue, iface) => ({
      queueId: names.get(nameKey(clusterId, `q:${queue}`))?.queueId ?? null,
      extensionId: names.get(nameKey(clusterId, `e:${iface}`))?.extensionId ?? null,
    }));
    const actions = new AgentActions({ queues, ami, model, reasons });
    ctx.events.toBrowsers({ event: 'agent', permission: 'queues.agent:read' });
    for (const event of AGENT_EVENTS) {
      ctx.ami.on(event, (e) => {
        for (const a of board.handle(e)) ctx.bus.publish(busSubject(e, ctx.id, 'agent'), a);
      });
    }
    /** QueueStatus of each connected server: the board after a start or a reconnect. */
    const resync = async () => {
      await learnNames();
      for (const s of ami.connected()) {
        const items = await ami.list(s.serverId, 'QueueStatus').catch(() => null);
        if (items) board.resync(s.clusterId, s.serverId, items);
      }
    };
    ctx.lifecycle.onStart(() => { void resync(); });
    ctx.jobs.every(60_000, 'queues.resync', resync);

    const clusterOf = (c: RouteContext) => (c.query.clusterId ? Number(c.query.clusterId) : undefined);
    ctx.http.route('GET', '/agents', 'queues.agent:read', async (c) => {
      const visible = new Set((await queues.list(c.user, { pageSize: 1000 })).items.map((q) => q.clusterId as number));
      return { items: board.list(clusterOf(c)).filter((a) => visible.has(a.clusterId)), reasons: reasons() };
    });
    ctx.http.route('POST', '/agents/login', 'queues.agent:write', (c) => actions.login(c.user, c.body));
    ctx.http.route('POST', '/agents/logout', 'queues.agent:write', (c) => actions.logout(c.user, c.body));
    ctx.http.route('POST', '/agents/pause', 'queues.agent:write', (c) => actions.pause(c.user, c.body, true));
    ctx.http.route('POST', '/agents/unpause', 'queues.agent:write', (c) => actions.pause(c.user, c.body, false));
    ctx.http.route('POST', '/agents/resync', 'queues.agent:read', async () => { await resync(); return { ok: true }; });

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, { actions, board, print: (l) => console.log(l) }));

    // --- home page -------------------------------------------------------------------------
    ctx.extend(statusTiles, 'queues', {
      title: 'Queues', order: 30, link: '/queues',
      render() {
        const all = board.list();
        if (!all.length) return { state: 'unknown', summary: 'no queue members yet' };
        const per = new Map<string, { available: number; paused: number; busy: number }>();
        for (const a of all) {
          const k = a.queue;
          const p = per.get(k) ?? { available: 0, paused: 0, busy: 0 };
          if (a.state === 'available') p.available++;
          else if (a.state === 'paused') p.paused++;
          else if (a.state === 'busy') p.busy++;
          per.set(k, p);
        }
        const empty = [...per].filter(([, p]) => p.available === 0).map(([q]) => q);
        return {
          state: empty.length === per.size ? 'red' : empty.length ? 'orange' : 'green',
          summary: empty.length ? `no agent available in ${empty.join(', ')}` : `${per.size} queue(s) with agents available`,
          details: Object.fromEntries(per),
        };
      },
    });

    const service: QueuesService = {
      agents: (clusterId) => board.list(clusterId),
      async asteriskName(queueId) {
        const q = (await queues.all()).find((x) => x.id === queueId);
        if (!q) throw new NotFoundError(`no queue ${queueId}`);
        return { clusterId: q.clusterId, name: queueName(await model.snapshot(q.clusterId), q) };
      },
    };
    ctx.provide(queuesService, service);
  },
});
