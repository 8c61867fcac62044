import { busSubject, commitValidators, coreServices, definePlugin, NotFoundError, objectNames, type AmiEvent, type CommitProblem, type RouteContext } from '../../sdk/index.ts';
import { promptProblem, recordingsService } from '../recordings/api/index.ts';
import { statusTiles } from '../status/api/index.ts';
import { manifest } from './manifest.ts';
import { queuesService, type AgentView, type QueuesService } from './api/index.ts';
import { queueEntities, QueueSchema, type CtiHook, type QueueMember } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { ctiHookResource, memberResource, queueResource } from './resources.ts';
import { queueFiles, queueName, queuesContext } from './render.ts';
import { AGENT_EVENTS, AgentBoard } from './agents.ts';
import { CALLER_EVENTS, QueueStats } from './stats.ts';
import { CtiPublisher } from './cti.ts';
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

    const recordings = () => ctx.find(recordingsService);
    const queues = ctx.resources.define(queueResource(recordings));
    const members = ctx.resources.define(memberResource(queues));
    const ctiHooks = ctx.resources.define(ctiHookResource());
    const data = async (clusterId: number) => ({ queues: await queues.all(clusterId), members: (await members.all(clusterId)) as QueueMember[] });
    for (const file of queueFiles(data, () => ctx.settings.featureCodes, reasons)) ctx.commit.file(file);
    // A recording deleted since a queue named it: app_queue would announce nothing.
    ctx.extend(commitValidators, 'queues.announcements', {
      async validate(s) {
        const problems: CommitProblem[] = [];
        for (const q of await queues.all(s.cluster.id)) {
          const why = q.periodicAnnounce ? await promptProblem(recordings(), q.tenantId, q.periodicAnnounce) : null;
          if (why) problems.push({ object: `queue ${q.name}`, field: 'periodicAnnounce', message: why, severity: 'error' });
        }
        return problems;
      },
    });

    // --- agents ------------------------------------------------------------------------
    // Asterisk names queues and interfaces; the UI and API act on acm's ids. Refreshed at each resync.
    let names = new Map<string, Pick<AgentView, 'queueId' | 'extensionId'>>();
    let levels = new Map<string, number>();
    let hooks: CtiHook[] = [];
    const nameKey = (clusterId: number, what: string) => `${clusterId}|${what}`;
    const learnNames = async () => {
      const next = new Map<string, Pick<AgentView, 'queueId' | 'extensionId'>>();
      const nextLevels = new Map<string, number>();
      for (const c of await model.clusters()) {
        const qs = await queues.all(c.id);
        if (!qs.length) continue;
        const s = await model.snapshot(c.id);
        for (const q of qs) {
          next.set(nameKey(c.id, `q:${queueName(s, q)}`), { queueId: q.id, extensionId: null });
          nextLevels.set(nameKey(c.id, queueName(s, q)), q.serviceLevel);
        }
        for (const e of s.extensions) next.set(nameKey(c.id, `e:PJSIP/${objectNames.endpoint(s.tenant, e)}`), { queueId: null, extensionId: e.id });
      }
      names = next;
      levels = nextLevels;
      hooks = (await ctiHooks.all()).filter((h) => h.enabled);
    };
    // A queue or an extension written anywhere (this plugin, the core, a batch): learn again, once per burst.
    let relearn: NodeJS.Timeout | undefined;
    let learning: Promise<void> | undefined;
    ctx.bus.subscribe('acm.*.*.*.model.changed', () => {
      clearTimeout(relearn);
      relearn = setTimeout(() => {
        learning = learnNames().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'queue names not refreshed'));
      }, 200);
      relearn.unref();
    });
    // Stop waits for a pass in flight: a query after the database closed would reopen it.
    ctx.lifecycle.onStop(async () => { clearTimeout(relearn); await learning; });
    const board = new AgentBoard((clusterId, queue, iface) => ({
      queueId: names.get(nameKey(clusterId, `q:${queue}`))?.queueId ?? null,
      extensionId: names.get(nameKey(clusterId, `e:${iface}`))?.extensionId ?? null,
    }));
    const actions = new AgentActions({ queues, ami, model, reasons });
    // A queue acm does not render (the site's own) counts with app_queue's default service level.
    const stats = new QueueStats((clusterId, queue) => levels.get(nameKey(clusterId, queue)) ?? 0);
    ctx.events.toBrowsers({ event: 'queue', permission: 'queues.queue:read' });
    /** A queue's summary row to the bus (browsers, wallboards): after its callers or its agents changed. */
    const publishQueue = (e: AmiEvent, queue: string) => {
      const [row] = stats.summary(board.list(e.clusterId), e.clusterId).filter((q) => q.queue === queue);
      if (row) ctx.bus.publish(busSubject(e, ctx.id, 'queue'), row);
    };
    for (const event of CALLER_EVENTS) {
      ctx.ami.on(event, (e) => { if (stats.handle(e)) publishQueue(e, e.fields.Queue!); });
    }
    ctx.events.toBrowsers({ event: 'agent', permission: 'queues.agent:read' });
    const cti = new CtiPublisher(ctx.get(coreServices.outbox), () => hooks, ctx.logger);
    for (const event of AGENT_EVENTS) {
      ctx.ami.on(event, (e) => {
        const changed = board.handle(e);
        for (const a of changed) {
          ctx.bus.publish(busSubject(e, ctx.id, 'agent'), a);
          cti.agent(e, a);
        }
        // Available/paused/busy counts move with the members.
        for (const q of new Set(changed.map((a) => a.queue))) publishQueue(e, q);
      });
    }
    ctx.ami.on('AgentCalled', (e) => cti.offered(e, board.list(e.clusterId).find((a) => a.queue === e.fields.Queue && a.interface === e.fields.Interface)));
    /** QueueStatus of each connected server: the board after a start or a reconnect. */
    const resync = async () => {
      await learnNames();
      for (const s of ami.connected()) {
        const items = await ami.list(s.serverId, 'QueueStatus').catch(() => null);
        if (!items) continue;
        board.resync(s.clusterId, s.serverId, items);
        stats.resync(s.clusterId, items);
      }
    };
    ctx.lifecycle.onStart(() => resync().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'agent board not synced')));
    ctx.jobs.every(60_000, 'queues.resync', resync);

    const clusterOf = (c: RouteContext) => (c.query.clusterId ? Number(c.query.clusterId) : undefined);
    ctx.http.route('GET', '/agents', 'queues.agent:read', async (c) => {
      const visible = new Set((await queues.list(c.user, { pageSize: 1000 })).items.map((q) => q.clusterId as number));
      return { items: board.list(clusterOf(c)).filter((a) => visible.has(a.clusterId)), reasons: reasons() };
    });
    ctx.http.route('GET', '/summary', 'queues.queue:read', async (c) => {
      const visible = new Set((await queues.list(c.user, { pageSize: 1000 })).items.map((q) => q.clusterId as number));
      return { items: stats.summary(board.list(), clusterOf(c)).filter((q) => visible.has(q.clusterId)) };
    });
    ctx.http.route('POST', '/agents/login', 'queues.agent:write', (c) => actions.login(c.user, c.body));
    ctx.http.route('POST', '/agents/logout', 'queues.agent:write', (c) => actions.logout(c.user, c.body));
    ctx.http.route('POST', '/agents/pause', 'queues.agent:write', (c) => actions.pause(c.user, c.body, true));
    ctx.http.route('POST', '/agents/unpause', 'queues.agent:write', (c) => actions.pause(c.user, c.body, false));
    ctx.http.route('POST', '/agents/resync', 'queues.agent:read', async () => { await resync(); return { ok: true }; });

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      actions, board, resync, print: (l) => console.log(l),
      summary: (clusterId) => stats.summary(board.list(clusterId), clusterId),
      clusters: async () => (await model.clusters()).map((c) => ({ id: c.id, name: c.name })),
    }));

    // --- home page -------------------------------------------------------------------------
    ctx.extend(statusTiles, 'queues', {
      title: 'Queues', order: 30, link: '/queues',
      render() {
        const rows = stats.summary(board.list());
        if (!rows.length) return { state: 'unknown', summary: 'no queues seen yet' };
        const empty = rows.filter((q) => q.available === 0 && (q.callers > 0 || q.loggedIn === 0));
        const waiting = rows.reduce((n, q) => n + q.callers, 0);
        const longest = Math.max(...rows.map((q) => q.longestWaitSeconds));
        return {
          state: empty.some((q) => q.callers > 0) ? 'red' : empty.length ? 'orange' : 'green',
          summary: empty.length ? `no agent available in ${empty.map((q) => q.queue).join(', ')}` : `${waiting} call(s) waiting, longest ${longest} s`,
          details: Object.fromEntries(rows.map((q) => [q.queue, { callers: q.callers, longestWaitSeconds: q.longestWaitSeconds, serviceLevelPercent: q.serviceLevelPercent, available: q.available, paused: q.paused, busy: q.busy }])),
        };
      },
    });

    const service: QueuesService = {
      agents: (clusterId) => board.list(clusterId),
      summary: (clusterId) => stats.summary(board.list(clusterId), clusterId),
      async asteriskName(queueId) {
        const q = (await queues.all()).find((x) => x.id === queueId);
        if (!q) throw new NotFoundError(`no queue ${queueId}`);
        return { clusterId: q.clusterId, name: queueName(await model.snapshot(q.clusterId), q) };
      },
      async target(queueId, em) {
        const q = em ? await em.findOne(QueueSchema, { id: queueId }) : (await queues.all()).find((x) => x.id === queueId);
        return q ? { tenantId: q.tenantId, clusterId: q.clusterId, context: queuesContext({ id: q.tenantId }), number: q.number } : null;
      },
    };
    ctx.provide(queuesService, service);
  },
});
