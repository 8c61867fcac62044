/**
 * The demo's ACD queues (`queues` of seed.yaml), created through the queues plugin's own API —
 * the resource kit's routes a browser uses — when the plugin runs and has none yet.
 */
import type { Acm } from '../app.ts';
import { ClusterSchema, ExtensionSchema, GroupSchema } from '../model/entities.ts';
import { DEMO_SEED_PRINCIPAL, type QueueSeed } from './seed.ts';
import { withPluginApi } from './plugin-api.ts';

const Q = '/api/plugins/queues';

/** Returns how many queues it created. */
export async function startDemoQueues(acm: Acm, queues: readonly QueueSeed[]): Promise<number> {
  if (!acm.kernel.isActive('queues') || !queues.length) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    if ((await call('GET', `${Q}/queues`)).total > 0) return 0;
    const em = acm.orm.em.fork();
    const clusters = new Map((await em.find(ClusterSchema, {})).map((c) => [c.name, c.id]));
    const groups = new Map((await em.find(GroupSchema, {})).map((g) => [g.name, g.id]));
    const extensions = new Map((await em.find(ExtensionSchema, {})).map((e) => [`${e.clusterId}/${e.extension}`, e.id]));
    for (const { cluster, members, ...queue } of queues) {
      const clusterId = clusters.get(cluster);
      const q = await call('POST', `${Q}/queues`, { ...queue, clusterId });
      for (const m of members) {
        const target = 'group' in m ? { kind: 'group', targetId: groups.get(m.group) } : { kind: 'extension', targetId: extensions.get(`${clusterId}/${m.extension}`) };
        await call('POST', `${Q}/members`, { queueId: q.id, ...target, ...(m.penalty === undefined ? {} : { penalty: m.penalty }) });
      }
    }
    return queues.length;
  });
}
