import {
  busSubject, coreServices, definePlugin, NotFoundError, z, type Principal, type RouteContext, type WriteActor,
} from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { conferenceService, pinPolicies, type ConferenceService } from './api/index.ts';
import { RoomSchema, type Room } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { RoomInput, RoomStore, parse, toView } from './rooms.ts';
import { conferenceFiles } from './render.ts';
import { LIVE_EVENTS, LiveRooms } from './live.ts';
import { Scheduler } from './scheduler.ts';
import { listRecordings } from './recordings.ts';
import { registerCli } from './cli.ts';

const ChannelBody = z.strictObject({ channel: z.string().min(1).max(200).regex(/^[^\r\n]+$/, 'one line') });
const MuteBody = ChannelBody.extend({ muted: z.boolean().default(true) });

/**
 * The conference manager: the SDK's reference plugin. It owns a table (entities + migrations),
 * serves routes under /api/plugins/conference, declares confbridge.conf and a dialplan file
 * rendered at every commit, follows ConfBridge AMI events, runs a scheduler job, adds CLI commands,
 * exposes an extension point (`conference.pinPolicies`) and provides a service.
 */
export default definePlugin({
  manifest,
  entities: [RoomSchema],
  migrations,
  setup(ctx) {
    const ami = ctx.get(coreServices.ami);
    const ssh = ctx.get(coreServices.ssh);
    const model = ctx.get(coreServices.model);
    const audit = ctx.get(coreServices.audit);
    const settings = ctx.settings;

    const store = new RoomStore({ em: () => ctx.db.em(), write: ctx.db.write, clusters: () => model.clusters(), policies: () => ctx.registrations(pinPolicies) });
    const live = new LiveRooms();
    const scheduler = new Scheduler({
      rooms: () => store.all(), setOpen: (id, open, at) => store.setOpen(id, open, at), ami, logger: ctx.logger,
    });
    // Live actions (mute, kick) change no row: their audit event is all they write.
    const record = (c: RouteContext, action: string, room: Room, after: unknown) => audit.record({
      action: `conference.room.${action}`, target: 'conference.room', targetId: room.id, after,
      username: c.user.username, userId: c.user.userId, tenantId: room.tenantId, ip: c.koa.ip,
    });
    const actor = (c: RouteContext): WriteActor => ({ user: c.user, ip: c.koa.ip });
    const id = (c: RouteContext) => Number(c.params.id);

    // --- rooms ---------------------------------------------------------------------------
    // The page's form is generated from the schema that validates the API (sdk/README §9).
    ctx.http.route('GET', '/schemas', 'conference.room:read', () => ({ RoomInput: z.toJSONSchema(RoomInput, { io: 'input', unrepresentable: 'any' }) }));
    ctx.http.route('GET', '/rooms', 'conference.room:read', (c) => store.list(c.user, c.query));
    ctx.http.route('GET', '/rooms/:id', 'conference.room:read', async (c) => toView(await store.row(c.user, id(c))));
    ctx.http.route('POST', '/rooms', 'conference.room:write', async (c) => {
      const room = await store.create(actor(c), c.body);
      await scheduler.run(new Date(), (r) => r.id === room.id);
      c.koa.status = 201;
      return toView(await store.row(c.user, room.id));
    });
    ctx.http.route('PUT', '/rooms/:id', 'conference.room:write', async (c) => {
      const { before, after } = await store.update(actor(c), id(c), c.body);
      if (before.number !== after.number || before.clusterId !== after.clusterId) await scheduler.forget(before);
      await scheduler.run(new Date(), (r) => r.id === after.id);
      return toView(await store.row(c.user, after.id));
    });
    ctx.http.route('DELETE', '/rooms/:id', 'conference.room:write', async (c) => {
      await scheduler.forget(await store.remove(actor(c), id(c)));
      c.koa.status = 204;
    });

    // --- live ----------------------------------------------------------------------------
    // Who is in a room reaches the browsers that may read rooms (the page's live view), placed
    // on the server that reported it: `{ clusterId, conference, participants }`, the whole list.
    ctx.events.toBrowsers({ event: 'participants', permission: 'conference.room:read' });
    for (const event of LIVE_EVENTS) {
      ctx.ami.on(event, (e) => {
        if (!live.handle(e)) return;
        const conference = e.fields.Conference!;
        ctx.bus.publish(busSubject(e, ctx.id, 'participants'), { clusterId: e.clusterId, conference, participants: live.get(e.clusterId, conference) });
      });
    }
    ctx.lifecycle.onStop(() => live.clear());

    const participants = async (user: Principal, roomId: number, refresh: boolean) => {
      const room = await store.row(user, roomId);
      if (refresh) return live.resync(ami, room.clusterId, room.number);
      return live.get(room.clusterId, room.number);
    };
    ctx.http.route('GET', '/rooms/:id/participants', 'conference.room:read', (c) =>
      participants(c.user, id(c), c.query.refresh === '1' || c.query.refresh === 'true'));

    /** The server a member is on: from its join event, else the first connected one of the cluster. */
    const serverFor = (room: Room, channel: string) => {
      const known = live.find(room.clusterId, room.number, channel)?.serverId;
      const server = known ?? ami.connected(room.clusterId)[0]?.serverId;
      if (server === undefined) throw new NotFoundError(`no connected server in cluster ${room.clusterId}`);
      return server;
    };
    ctx.http.route('POST', '/rooms/:id/mute', 'conference.room:write', async (c) => {
      const room = await store.row(c.user, id(c));
      const body = parse(MuteBody, c.body);
      await ami.action(serverFor(room, body.channel), body.muted ? 'ConfbridgeMute' : 'ConfbridgeUnmute', { Conference: room.number, Channel: body.channel });
      await record(c, body.muted ? 'mute' : 'unmute', room, { channel: body.channel });
      return { ok: true };
    });
    ctx.http.route('POST', '/rooms/:id/kick', 'conference.room:write', async (c) => {
      const room = await store.row(c.user, id(c));
      const body = parse(ChannelBody, c.body);
      await ami.action(serverFor(room, body.channel), 'ConfbridgeKick', { Conference: room.number, Channel: body.channel });
      await record(c, 'kick', room, { channel: body.channel });
      return { ok: true };
    });
    ctx.http.route('GET', '/rooms/:id/recordings', 'conference.room:read', async (c) => {
      const room = await store.row(c.user, id(c));
      const servers = (await model.servers(room.clusterId)).filter((s) => s.enabled).map((s) => s.id);
      return listRecordings(ssh, servers, settings.recordingsDir, room.number);
    });

    // --- scheduler -----------------------------------------------------------------------
    ctx.jobs.every(settings.scheduleEverySeconds * 1000, 'conference.schedule', async () => { await scheduler.run(new Date()); });
    ctx.http.route('POST', '/schedule/run', 'conference.room:write', () => scheduler.run(new Date()));

    // --- config --------------------------------------------------------------------------
    for (const file of conferenceFiles((clusterId) => store.all(clusterId), settings)) ctx.commit.file(file);

    // --- CLI -----------------------------------------------------------------------------
    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      list: (user, q) => store.list(user, q),
      create: async (user, body) => {
        const room = await store.create({ user }, body);
        await scheduler.run(new Date(), (r) => r.id === room.id);
        return toView(room);
      },
      remove: async (user, roomId) => { await scheduler.forget(await store.remove({ user }, roomId)); },
      participants: (user, roomId) => participants(user, roomId, ami.connected().length > 0),
      print: (line) => console.log(line),
    }));

    // --- service for other plugins -------------------------------------------------------
    const service: ConferenceService = {
      rooms: async (clusterId) => (await store.all(clusterId)).map(toView),
      participants: async (roomId) => {
        const room = (await store.all()).find((r) => r.id === roomId);
        if (!room) throw new NotFoundError(`no conference room ${roomId}`);
        return live.get(room.clusterId, room.number);
      },
      runSchedule: (at) => scheduler.run(at ?? new Date()),
    };
    ctx.provide(conferenceService, service);
  },
});
