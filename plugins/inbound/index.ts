import { commitValidators, definePlugin, type ClusterSnapshotView, type EntityManager } from '../../sdk/index.ts';
import { queuesService, type QueueTarget } from '../queues/api/index.ts';
import type { Destination } from './destination.ts';
import { inboundEntities } from './entities.ts';
import { manifest } from './manifest.ts';
import { migrations } from './migrations/index.ts';
import { inboundFile, ivrDestinations, type InboundData } from './render.ts';
import { hoursResource, ivrResource, routeResource } from './resources.ts';
import { inboundValidator } from './validate.ts';

/**
 * Inbound routing: business hours with holidays, IVR menus and routes from a trunk's DIDs, as SDK
 * resources, rendered into one dialplan file; every destination is checked when it is written
 * (queues, menus and hours that exist, no menu loop) and again before each commit (nothing deleted since).
 */
export default definePlugin({
  manifest,
  entities: inboundEntities,
  migrations,
  setup(ctx) {
    const queuesApi = ctx.get(queuesService);
    const queue = (id: number, em?: EntityManager) => queuesApi.target(id, em);
    const hours = ctx.resources.define(hoursResource(queue));
    const ivrs = ctx.resources.define(ivrResource(queue));
    const routes = ctx.resources.define(routeResource(queue));

    const data = async (s: ClusterSnapshotView): Promise<InboundData> => {
      const d = {
        hours: (await hours.all()).filter((h) => h.tenantId === s.tenant.id),
        ivrs: await ivrs.all(s.cluster.id),
        routes: await routes.all(s.cluster.id),
      };
      const all: Destination[] = [...d.hours.flatMap((h) => Object.values(h.destinations)), ...d.ivrs.flatMap(ivrDestinations), ...d.routes.map((r) => r.destination)];
      const queues = new Map<number, QueueTarget>();
      for (const id of new Set(all.flatMap((x) => (x.type === 'queue' ? [x.queueId] : [])))) {
        const q = await queue(id);
        if (q) queues.set(id, q);
      }
      return { ...d, queues };
    };
    ctx.commit.file(inboundFile(data));
    ctx.extend(commitValidators, 'inbound.destinations', inboundValidator(data));
  },
});
