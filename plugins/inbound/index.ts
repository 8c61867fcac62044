import { commitValidators, definePlugin, type ClusterSnapshotView } from '../../sdk/index.ts';
import { conferenceService, type ConferenceTarget } from '../conference/api/index.ts';
import { recordingsService } from '../recordings/api/index.ts';
import { queuesService, type QueueTarget } from '../queues/api/index.ts';
import { announcementResource } from './announcements.ts';
import type { Destination } from './destination.ts';
import { inboundEntities } from './entities.ts';
import type { Lookups } from './graph.ts';
import { mailboxFile, mailboxResource } from './mailboxes.ts';
import { manifest } from './manifest.ts';
import { migrations } from './migrations/index.ts';
import { inboundFile, ivrDestinations, type InboundData } from './render.ts';
import { hoursResource, ivrResource, routeResource } from './resources.ts';
import { inboundValidator } from './validate.ts';

/**
 * Inbound routing: business hours with holidays, IVR menus, announcements, group mailboxes and
 * routes from a trunk's DIDs, as SDK resources, rendered into one dialplan file (and the
 * mailboxes into a voicemail.conf file); every destination is checked when it is written (queues,
 * rooms, menus, hours, announcements and mailboxes that exist, no loop) and again before each
 * commit (nothing deleted since). Queues and rooms are the queues and conference plugins' (their api/).
 */
export default definePlugin({
  manifest,
  entities: inboundEntities,
  migrations,
  setup(ctx) {
    const queuesApi = ctx.get(queuesService);
    // Conference is optional: rooms are looked up at each use, so enabling or disabling it later counts.
    const look: Lookups = {
      queue: (id, em) => queuesApi.target(id, em),
      room: async (id, em) => (await ctx.find(conferenceService)?.target(id, em)) ?? null,
      roomsRunning: () => ctx.find(conferenceService) !== undefined,
      recordings: () => ctx.find(recordingsService),
    };
    const hours = ctx.resources.define(hoursResource(look));
    const ivrs = ctx.resources.define(ivrResource(look));
    const routes = ctx.resources.define(routeResource(look));
    const announcements = ctx.resources.define(announcementResource(look));
    const mailboxes = ctx.resources.define(mailboxResource(look));

    const data = async (s: ClusterSnapshotView): Promise<InboundData> => {
      const d = {
        hours: (await hours.all()).filter((h) => h.tenantId === s.tenant.id),
        ivrs: await ivrs.all(s.cluster.id),
        routes: await routes.all(s.cluster.id),
        announcements: await announcements.all(s.cluster.id),
        mailboxes: await mailboxes.all(s.cluster.id),
      };
      const all: Destination[] = [
        ...d.hours.flatMap((h) => Object.values(h.destinations)), ...d.ivrs.flatMap(ivrDestinations), ...d.announcements.map((a) => a.then),
        ...d.routes.map((r) => r.destination),
      ];
      const queues = new Map<number, QueueTarget>();
      for (const id of new Set(all.flatMap((x) => (x.type === 'queue' ? [x.queueId] : [])))) {
        const q = await look.queue(id);
        if (q) queues.set(id, q);
      }
      const rooms = new Map<number, ConferenceTarget>();
      for (const id of new Set(all.flatMap((x) => (x.type === 'conference' ? [x.roomId] : [])))) {
        const r = await look.room(id);
        if (r) rooms.set(id, r);
      }
      return { ...d, queues, rooms };
    };
    ctx.commit.file(inboundFile(data));
    ctx.commit.file(mailboxFile((s) => mailboxes.all(s.cluster.id)));
    ctx.extend(commitValidators, 'inbound.destinations', inboundValidator(data, look));
  },
});
