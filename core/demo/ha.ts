/**
 * The demo's HA groups: one per cluster pair (`haGroups` of seed.yaml), created through the ha
 * plugin's own HTTP API, and on every start the simulated nodes' reports (what keepalived's
 * notify script and the health check leave on a real node), so the Service availability tile
 * and the HA page show each pair live from the first minute. The simulated nodes also answer
 * what a commit runs on an HA node (the ha plugin's deploy target): keepalived reloads, takes
 * the file and runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Acm } from '../app.ts';
import type { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { ClusterSchema, ServerSchema } from '../model/entities.ts';
import { DEMO_SEED_PRINCIPAL, type HaGroupSeed } from './seed.ts';
import { withPluginApi } from './plugin-api.ts';

const HA = '/api/plugins/ha';

/**
 * Creates the seed's HA groups (their nodes and VIPs) when the ha plugin runs and has none yet
 * — so a demo started before HA groups were seeded gets them too — then writes each simulated
 * node's vrrp.json and check.json: the primary holds every VIP, the secondary backs it up, both
 * checks pass. Returns how many groups it created.
 */
export async function startDemoHa(acm: Acm, groups: readonly HaGroupSeed[], simulators: ReadonlyMap<string, SimulatedAsterisk>): Promise<number> {
  if (!acm.kernel.isActive('ha')) return 0;
  return withPluginApi(acm, DEMO_SEED_PRINCIPAL, async (call) => {
    let created = 0;
    if ((await call('GET', `${HA}/groups`)).total === 0 && groups.length) {
      const em = acm.orm.em.fork();
      const clusterIds = new Map((await em.find(ClusterSchema, {})).map((c) => [c.name, c.id]));
      const serverIds = new Map((await em.find(ServerSchema, {})).map((s) => [s.name, s.id]));
      for (const { cluster, nodes, vips, ...group } of groups) {
        const g = await call('POST', `${HA}/groups`, { ...group, clusterId: clusterIds.get(cluster) });
        for (const { server, ...node } of nodes) await call('POST', `${HA}/nodes`, { groupId: g.id, ...node, serverId: serverIds.get(server) });
        for (const vip of vips) await call('POST', `${HA}/vips`, { ...vip, groupId: g.id });
        created++;
      }
    }
    // What a node reports (the agent's files in its stateDir), from the node.json acm renders for it.
    const at = new Date().toISOString();
    for (const g of (await call('GET', `${HA}/groups`)).items as { id: number }[]) {
      const config = await call('GET', `${HA}/groups/${g.id}/config`, undefined, [422]); // a group short of nodes or VIPs has none
      for (const item of (config?.items ?? []) as { server: string; paths: { keepalived: string }; node: { stateDir: string; primary: boolean; vips: { instance: string }[] } }[]) {
        const sim = simulators.get(item.server);
        if (!sim) continue;
        sim.onExec('systemctl reload-or-restart keepalived', () => ({ code: 0 }));
        sim.onExec(`keepalived --config-test -f '${item.paths.keepalived}'`, () => ({ code: 0 }));
        sim.onExec('systemctl is-active keepalived', () => ({ code: 0, stdout: 'active\n' }));
        const dir = join(sim.fsRoot, item.node.stateDir);
        mkdirSync(dir, { recursive: true });
        const state = item.node.primary ? 'MASTER' : 'BACKUP';
        writeFileSync(join(dir, 'vrrp.json'), JSON.stringify(Object.fromEntries(item.node.vips.map((v) => [v.instance, { state, at }]))));
        writeFileSync(join(dir, 'check.json'), JSON.stringify({ ok: true, at, items: [{ name: 'demo', ok: true, detail: 'simulated node' }] }));
      }
    }
    return created;
  });
}
