/**
 * The demo's inbound routes (`inbound` of seed.yaml): business hours and the DIDs that reach
 * them, created through the inbound plugin's own API when it runs and has no routes yet — so the
 * call generator's calls arrive by DID and go through business hours to the queues.
 */
import type { Acm } from '../app.ts';
import { ClusterSchema, TrunkSchema } from '../model/entities.ts';
import { DEMO_SEED_PRINCIPAL, type InboundDestinationSeed, type InboundHoursSeed, type InboundRouteSeed } from './seed.ts';
import { withPluginApi } from './plugin-api.ts';

const I = '/api/plugins/inbound';

/** Returns how many routes it created. */
export async function startDemoInbound(acm: Acm, inbound: { hours: readonly InboundHoursSeed[]; routes: readonly InboundRouteSeed[] }): Promise<number> {
  if (!acm.kernel.isActive('inbound') || !acm.kernel.isActive('queues') || !inbound.routes.length) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    if ((await call('GET', `${I}/routes`)).total > 0) return 0;
    const em = acm.orm.em.fork();
    const clusters = new Map((await em.find(ClusterSchema, {})).map((c) => [c.name, c.id]));
    const trunks = new Map((await em.find(TrunkSchema, {})).map((t) => [`${t.clusterId}/${t.name}`, t.id]));
    const queues = new Map(((await call('GET', '/api/plugins/queues/queues?pageSize=1000')).items as { id: number; clusterId: number; name: string }[]).map((q) => [`${q.clusterId}/${q.name}`, q.id]));
    const hours = new Map<string, number>();
    // Names stand in for ids; the API checks the rest (a wrong name answers 422 on its field).
    const destination = (cluster: string, { queue, hours: h, ...d }: InboundDestinationSeed) =>
      d.type === 'queue' ? { ...d, queueId: queues.get(`${clusters.get(cluster)}/${queue}`) } : d.type === 'hours' ? { ...d, hoursId: hours.get(h ?? '') } : d;
    for (const { cluster, destinations, ...h } of inbound.hours) {
      const body = { ...h, destinations: Object.fromEntries(Object.entries(destinations).map(([k, d]) => [k, destination(cluster, d)])) };
      hours.set(h.name, (await call('POST', `${I}/hours`, body)).id);
    }
    for (const { cluster, trunk, destination: d, ...r } of inbound.routes) {
      const clusterId = clusters.get(cluster);
      await call('POST', `${I}/routes`, { ...r, clusterId, ...(trunk ? { trunkId: trunks.get(`${clusterId}/${trunk}`) } : {}), destination: destination(cluster, d) });
    }
    return inbound.routes.length;
  });
}
