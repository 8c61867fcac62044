import { busSubject, coreServices, definePlugin, NotFoundError, parseInput, z, type Principal, type RouteContext } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { conferenceService, pinPolicies, type ConferenceService, type RoomView } from './api/index.ts';
import { RoomSchema, type Room } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { roomResource } from './rooms.ts';
import { conferenceFiles, conferencesContext } from './render.ts';
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

    // Rooms: list/get/create/update/delete/copy over HTTP and `acm conference rooms …`, from one declaration.
    const rooms = ctx.resources.define(roomResource({
      policies: () => ctx.registrations(pinPolicies),
      // The scheduler opens a room at once when it should be open now, and forgets a room that
      // left its number or cluster.
      async written({ before, after }) {
        if (before && (!after || before.number !== after.number || before.clusterId !== after.clusterId)) await scheduler.forget(before);
        if (after) await scheduler.run(new Date(), (r) => r.id === after.id);
      },
    }));
    const live = new LiveRooms();
    const scheduler = new Scheduler({
      rooms: () => rooms.all(), ami, logger: ctx.logger,
      // The open/closed flag is live state in AstDB, not in any rendered file: no ChangeSet entry.
      async setOpen(roomId, open, at) {
        await ctx.db.em().nativeUpdate(RoomSchema, { id: roomId }, { open, openChangedAt: at });
      },
    });
    // Live actions (mute, kick) change no row: their audit event is all they write.
    const record = (c: RouteContext, action: string, room: Room, after: unknown) => audit.record({
      action: `conference.room.${action}`, target: 'conference.room', targetId: room.id, after,
      username: c.user.username, userId: c.user.userId, tenantId: room.tenantId, ip: c.koa.ip,
    });
    const id = (c: RouteContext) => Number(c.params.id);

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
      const room = await rooms.row(user, roomId);
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
      const room = await rooms.row(c.user, id(c));
      const body = parseInput(MuteBody, c.body);
      await ami.action(serverFor(room, body.channel), body.muted ? 'ConfbridgeMute' : 'ConfbridgeUnmute', { Conference: room.number, Channel: body.channel });
      await record(c, body.muted ? 'mute' : 'unmute', room, { channel: body.channel });
      return { ok: true };
    });
    ctx.http.route('POST', '/rooms/:id/kick', 'conference.room:write', async (c) => {
      const room = await rooms.row(c.user, id(c));
      const body = parseInput(ChannelBody, c.body);
      await ami.action(serverFor(room, body.channel), 'ConfbridgeKick', { Conference: room.number, Channel: body.channel });
      await record(c, 'kick', room, { channel: body.channel });
      return { ok: true };
    });
    ctx.http.route('GET', '/rooms/:id/recordings', 'conference.room:read', async (c) => {
      const room = await rooms.row(c.user, id(c));
      const servers = (await model.servers(room.clusterId)).filter((s) => s.enabled).map((s) => s.id);
      return listRecordings(ssh, servers, settings.recordingsDir, room.number);
    });

    // --- scheduler -----------------------------------------------------------------------
    ctx.jobs.every(settings.scheduleEverySeconds * 1000, 'conference.schedule', async () => { await scheduler.run(new Date()); });
    ctx.http.route('POST', '/schedule/run', 'conference.room:write', () => scheduler.run(new Date()));

    // --- config --------------------------------------------------------------------------
    for (const file of conferenceFiles((clusterId) => rooms.all(clusterId), settings)) ctx.commit.file(file);

    // --- CLI -----------------------------------------------------------------------------
    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      participants: (user, roomId) => participants(user, roomId, ami.connected().length > 0),
      print: (line) => console.log(line),
    }));

    // --- service for other plugins -------------------------------------------------------
    const service: ConferenceService = {
      rooms: async (clusterId) => (await rooms.all(clusterId)).map((r) => rooms.view(r) as unknown as RoomView),
      participants: async (roomId) => {
        const room = (await rooms.all()).find((r) => r.id === roomId);
        if (!room) throw new NotFoundError(`no conference room ${roomId}`);
        return live.get(room.clusterId, room.number);
      },
      runSchedule: (at) => scheduler.run(at ?? new Date()),
      async target(roomId, em) {
        const r = em ? await em.findOne(RoomSchema, { id: roomId }) : (await rooms.all()).find((x) => x.id === roomId);
        return r ? { tenantId: r.tenantId, clusterId: r.clusterId, context: conferencesContext({ id: r.tenantId }), number: r.number } : null;
      },
    };
    ctx.provide(conferenceService, service);
  },
});
