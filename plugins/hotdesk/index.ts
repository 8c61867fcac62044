import {
  busSubject, coreServices, definePlugin, extensionContexts, extensionDialHooks, objectNames, visibleClusters, type RouteContext,
} from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { hotdeskEntities, HotdeskSessionSchema, type HotdeskPhone } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { phoneResource } from './resources.ts';
import { DIALPLAN_FILE, dialSteps, phoneContexts, renderHotdesk, userCallerId, usersOf } from './render.ts';
import { Sessions } from './sessions.ts';
import { registerCli } from './cli.ts';
import { autoLogoutDue } from './auto-logout.ts';

/**
 * Hot desk: extensions named as hot-desk phones call with basic rights from a context of their own;
 * a user who logs in at one (`*80<extension>` + the voicemail PIN, the UI, the API, the CLI) gives
 * the phone the user's caller ID, account code and rights, and calls to the user ring there.
 * Who is where lives in AstDB (family acm-hotdesk), which the dialplan reads, and in acm's table.
 */
export default definePlugin({
  manifest,
  entities: hotdeskEntities,
  migrations,
  setup(ctx) {
    const ami = ctx.get(coreServices.ami);
    const model = ctx.get(coreServices.model);
    const em = () => ctx.db.em();
    const sessionsAt = async (phoneId: number) => em().count(HotdeskSessionSchema, { phoneId });
    const phones = ctx.resources.define(phoneResource(sessionsAt));
    const allPhones = (clusterId: number): Promise<HotdeskPhone[]> => phones.all(clusterId);

    ctx.events.toBrowsers({ event: 'sessions', permission: 'hotdesk.session:read' });
    const changed = (clusterId: number) => {
      void (async () => {
        const c = (await model.clusters()).find((x) => x.id === clusterId);
        if (!c) return;
        const items = (await sessions.all(clusterId)).map((r) => ({ id: r.id, phoneId: r.phoneId, userExtensionId: r.userExtensionId, since: r.since }));
        ctx.bus.publish(busSubject({ tenantId: c.tenantId, clusterId }, ctx.id, 'sessions'), { clusterId, sessions: items });
      })().catch((err: Error) => ctx.logger.warn({ err: err.message }, 'hot-desk sessions not published'));
    };
    const sessions = new Sessions({ em, phones, ami, model, audit: ctx.get(coreServices.audit), changed });

    // --- dialplan ------------------------------------------------------------------------
    ctx.commit.file({
      name: DIALPLAN_FILE, reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      note: 'acm renders the contexts hotdesk-<phone>, hotdesk-u-<user> and hotdesk-login (t<id>- prefixed for other tenants); hot-desk phones call from their own.',
      render: async (s) => renderHotdesk(s, await allPhones(s.cluster.id), ctx.settings),
    });
    ctx.extend(extensionContexts, 'hotdesk.phones', { contexts: async (s) => phoneContexts(s, await allPhones(s.cluster.id)) });
    ctx.extend(extensionDialHooks, 'hotdesk.ring-phone', { steps: async (s) => dialSteps(s, await allPhones(s.cluster.id), ctx.settings.ringOwnDevice) });

    // A log-in or log-out on the phone: the dialplan wrote AstDB and says so (UserEvent), acm keeps the session.
    ctx.ami.on('UserEvent', (e) => {
      const kind = e.fields.UserEvent === 'HotdeskLogin' ? 'login' : e.fields.UserEvent === 'HotdeskLogout' ? 'logout' : null;
      if (!kind || !e.clusterId) return;
      sessions.fromPhone(e.clusterId, e.serverId, kind, e.fields.Phone ?? '', e.fields.User ?? '')
        .catch((err: Error) => ctx.logger.warn({ err: err.message }, 'hot-desk event not kept'));
    });

    // --- sessions ------------------------------------------------------------------------
    const ip = (c: RouteContext) => c.koa.ip;
    const clusterOf = (c: RouteContext) => (c.query.clusterId ? Number(c.query.clusterId) : undefined);
    ctx.http.route('POST', '/login', 'hotdesk.session:write', (c) => sessions.login(c.user, c.body, 'api', ip(c)));
    ctx.http.route('POST', '/logout', 'hotdesk.session:write', (c) => sessions.logout(c.user, c.body, 'api', ip(c)));
    ctx.http.route('GET', '/sessions', 'hotdesk.session:read', async (c) => ({ items: await sessions.list(c.user, clusterOf(c)) }));
    const resyncAll = async () => {
      let n = 0;
      for (const s of ami.connected()) n += await sessions.resync(s.clusterId, s.serverId);
      return n;
    };
    ctx.http.route('POST', '/resync', 'hotdesk.session:write', async () => ({ sessions: await resyncAll() }));
    // A server that (re)connects gets acm's sessions again: after a rebuild its AstDB is empty, and a
    // log-in made while it was away (an HA standby) never reached it. Servers connect after start.
    ctx.bus.subscribe<{ serverId?: number; clusterId?: number; connected?: boolean }>('acm.*.*.*.server.status', (m) => {
      const { serverId, clusterId, connected } = m.data ?? {};
      if (!connected || !serverId || !clusterId) return;
      sessions.resync(clusterId, serverId).catch((err: Error) => ctx.logger.warn({ err: err.message, serverId }, 'hot-desk sessions not resynced'));
    });

    // --- status views (the seed's two tables) --------------------------------------------------
    /** Endpoints with a contact on some server of the cluster (PJSIPShowContacts). */
    const registered = async (clusterId: number): Promise<Set<string>> => {
      const out = new Set<string>();
      for (const s of ami.connected(clusterId)) {
        for (const item of await ami.list(s.serverId, 'PJSIPShowContacts', {}, ['No Contacts found']).catch(() => [])) {
          if (item.Endpoint) out.add(item.Endpoint);
        }
      }
      return out;
    };
    ctx.http.route('GET', '/status/phones', 'hotdesk.phone:read', async (c) => {
      const items = [];
      for (const cl of visibleClusters(c.user, await model.clusters()).filter((x) => !clusterOf(c) || x.id === clusterOf(c))) {
        const mine = await allPhones(cl.id);
        if (!mine.length) continue;
        const s = await model.snapshot(cl.id);
        const regs = await registered(cl.id);
        const rows = await sessions.all(cl.id);
        for (const p of mine) {
          const e = s.extensions.find((x) => x.id === p.extensionId);
          const at = rows.find((r) => r.phoneId === p.id);
          const user = at ? s.extensions.find((x) => x.id === at.userExtensionId) : undefined;
          items.push({
            id: p.id, clusterId: cl.id, cluster: cl.name, extension: e?.extension ?? null, name: e?.name ?? null, group: s.groups.find((g) => g.id === e?.groupId)?.name ?? null,
            desk: p.desk, registered: e ? regs.has(objectNames.endpoint(s.tenant, e)) : false,
            inUseBy: user ? { extension: user.extension, name: user.name, since: at!.since } : null,
          });
        }
      }
      return { items };
    });
    ctx.http.route('GET', '/status/users', 'hotdesk.session:read', async (c) => {
      const items = [];
      for (const cl of visibleClusters(c.user, await model.clusters()).filter((x) => !clusterOf(c) || x.id === clusterOf(c))) {
        const mine = await allPhones(cl.id);
        if (!mine.length) continue;
        const s = await model.snapshot(cl.id);
        const rows = await sessions.all(cl.id);
        for (const u of usersOf(s, mine)) {
          const at = rows.find((r) => r.userExtensionId === u.id);
          const phone = at ? s.extensions.find((x) => x.id === mine.find((p) => p.id === at.phoneId)?.extensionId) : undefined;
          const cid = userCallerId(u);
          items.push({
            extensionId: u.id, extension: u.extension, phone: phone?.extension ?? null, since: at?.since ?? null,
            callerIdName: cid.name, callerIdNumber: cid.num, group: s.groups.find((g) => g.id === u.groupId)?.name ?? null,
            accountCode: u.accountCode ?? null, clusterId: cl.id, cluster: cl.name,
          });
        }
      }
      return { items };
    });

    // --- automatic log-out ------------------------------------------------------------------
    let last = new Map<number, string>();
    const autoLogout = async (now: Date) => {
      const at = ctx.settings.autoLogoutAt;
      if (!at) return 0;
      let n = 0;
      for (const cl of await model.clusters()) {
        if (!(await sessions.all(cl.id)).length) continue; // nobody to log out: no snapshot to read
        const tz = (await model.snapshot(cl.id)).site.timezone ?? 'UTC';
        const due = autoLogoutDue(now, at, tz, last.get(cl.id));
        if (!due) continue;
        last = new Map(last).set(cl.id, due);
        n += await sessions.logoutAll(cl.id);
      }
      return n;
    };
    ctx.jobs.every(30_000, 'hotdesk.auto-logout', async () => { await autoLogout(new Date()); });
    ctx.http.route('POST', '/auto-logout/run', 'hotdesk.session:write', async (c) => {
      const now = typeof (c.body as { at?: unknown })?.at === 'string' ? new Date((c.body as { at: string }).at) : new Date();
      return { loggedOut: await autoLogout(now) };
    });

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      sessions, print: (l) => console.log(l),
      clusters: async () => (await model.clusters()).map((c) => ({ id: c.id, name: c.name })),
    }));
  },
});
