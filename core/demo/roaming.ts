/**
 * The demo's roaming (`roaming` of seed.yaml), created through the roaming plugin's own API when
 * the plugin runs and has no link yet: the links (which make the clusters' keys), the roaming
 * extensions and the standard numbers.
 */
import type { Acm } from '../app.ts';
import { ClusterSchema, ExtensionSchema } from '../model/entities.ts';
import { DEMO_SEED_PRINCIPAL, type RoamingSeed } from './seed.ts';
import { withPluginApi } from './plugin-api.ts';

const R = '/api/plugins/roaming';

/** Returns how many links it made. */
export async function startDemoRoaming(acm: Acm, seed: RoamingSeed): Promise<number> {
  if (!acm.kernel.isActive('roaming') || (seed.links !== 'all' && !seed.links.length)) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    if ((await call('GET', `${R}/links`)).total > 0) return 0;
    const em = acm.orm.em.fork();
    const all = await em.find(ClusterSchema, {}, { orderBy: { id: 'asc' } });
    const id = new Map(all.map((c) => [c.name, c.id]));
    const pairs = seed.links === 'all'
      ? all.flatMap((a, i) => all.slice(i + 1).filter((b) => b.tenantId === a.tenantId).map((b) => [a.name, b.name] as const))
      : seed.links;
    for (const [a, b] of pairs) await call('POST', `${R}/links`, { clusterId: id.get(a), peerClusterId: id.get(b) });
    const extensions = new Map((await em.find(ExtensionSchema, {})).map((e) => [`${e.clusterId}/${e.extension}`, e.id]));
    for (const r of seed.roamers) await call('POST', `${R}/roamers`, { extensionId: extensions.get(`${id.get(r.cluster)}/${r.extension}`) });
    for (const n of seed.standardNumbers) await call('POST', `${R}/standard-numbers`, { number: n.number, name: n.name, clusterIds: n.clusters.map((c) => id.get(c)) });
    return pairs.length;
  });
}
