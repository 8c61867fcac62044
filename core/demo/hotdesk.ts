/**
 * The demo's hot desk (`hotdesk` of seed.yaml), through the hotdesk plugin's own API: the phones
 * when the plugin runs and has none yet; the log-ins once the servers are connected (a log-in
 * writes AstDB on every server of the cluster).
 */
import type { Acm } from '../app.ts';
import { ClusterSchema, ExtensionSchema } from '../model/entities.ts';
import { DEMO_SEED_PRINCIPAL, type HotdeskSeed } from './seed.ts';
import { withPluginApi } from './plugin-api.ts';

const H = '/api/plugins/hotdesk';

export async function startDemoHotdesk(acm: Acm, seed: HotdeskSeed): Promise<number> {
  if (!acm.kernel.isActive('hotdesk') || !seed.phones.length) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    if ((await call('GET', `${H}/phones`)).total > 0) return 0;
    const em = acm.orm.em.fork();
    const clusters = new Map((await em.find(ClusterSchema, {})).map((c) => [c.name, c.id]));
    const extensions = new Map((await em.find(ExtensionSchema, {})).map((e) => [`${e.clusterId}/${e.extension}`, e.id]));
    for (const { cluster, extension, ...phone } of seed.phones) {
      const clusterId = clusters.get(cluster);
      await call('POST', `${H}/phones`, { clusterId, extensionId: extensions.get(`${clusterId}/${extension}`), ...phone });
    }
    return seed.phones.length;
  });
}

/** The seed's log-ins that are not there yet (after the deploy: the servers are connected). */
export async function loginDemoHotdesk(acm: Acm, seed: HotdeskSeed): Promise<number> {
  if (!acm.kernel.isActive('hotdesk') || !seed.sessions.length) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    if ((await call('GET', `${H}/sessions`)).items.length > 0) return 0;
    const clusters = new Map((await acm.orm.em.fork().find(ClusterSchema, {})).map((c) => [c.name, c.id]));
    for (const s of seed.sessions) await call('POST', `${H}/login`, { clusterId: clusters.get(s.cluster), user: s.user, phone: s.phone });
    return seed.sessions.length;
  });
}
