import { coreServices, definePlugin } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { haService, type HaService } from './api/index.ts';
import { haEntities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { HaStore } from './store.ts';
import { childResources, groupResource } from './resources.ts';
import type { HaDeps } from './deps.ts';
import { registerStatus } from './node-status.ts';
import { registerOutbox } from './notify-outbox.ts';
import { registerNodeActions } from './node-actions.ts';
import { registerDeployTarget } from './deploy-target.ts';
import { registerHistory } from './event-history.ts';
import { registerSync } from './sync-rounds.ts';
import { registerTile } from './tile.ts';
import { registerCli } from './cli.ts';

/**
 * High availability: HA groups of a cluster's servers share VIPs through keepalived (VRRP).
 * acm renders keepalived.conf + node.json per node, and a commit of the cluster deploys them
 * (a deploy target: revision, diff, rollback); on the nodes the
 * agent (node/, `acm-ha`) is keepalived's track_script (`check`) and notify script (`notify`);
 * acm collects what the nodes report (vrrp.json, check.json, events.jsonl) for /status, the
 * status tile and the event history.
 */
export default definePlugin({
  manifest,
  entities: haEntities,
  migrations,
  setup(ctx) {
    const model = ctx.get(coreServices.model);
    const s = ctx.settings;
    // Groups and what is under them: routes, `acm ha <groups|nodes|vips|sync-paths|notify-targets> …`, OpenAPI and writes.
    const groups = ctx.resources.define(groupResource);
    for (const child of childResources(groups, { servers: (c, em) => model.servers(c, em), syslogInNodeConfig: s.syslogFrom !== 'acm' })) ctx.resources.define(child);
    const store = new HaStore({ em: () => ctx.db.em(), groups });
    const d: HaDeps = {
      ctx, s, store, model, ssh: ctx.get(coreServices.ssh), audit: ctx.get(coreServices.audit), notifier: ctx.get(coreServices.notifier),
      outbox: ctx.get(coreServices.outbox),
    };
    const statusOf = registerStatus(d);
    const outbox = registerOutbox(d);
    registerNodeActions(d, outbox);
    registerDeployTarget(d);
    const collect = registerHistory(d, outbox);
    const sync = registerSync(d, outbox, statusOf);
    registerTile(d, statusOf);
    registerCli(d, collect, statusOf, sync);

    const service: HaService = { status: async (clusterId) => statusOf(await groups.all(clusterId)) };
    ctx.provide(haService, service);
  },
});
