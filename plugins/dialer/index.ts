import { coreServices, definePlugin } from '../../sdk/index.ts';
import { queuesService } from '../queues/api/index.ts';
import { recordingsService } from '../recordings/api/index.ts';
import { manifest } from './manifest.ts';
import { dialerEntities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { campaignResource, dncResource } from './resources.ts';

/**
 * Outbound campaigns: leads imported from CSV, dialled through ARI (Stasis app `acm-dialer`) under
 * the campaign's calling hours, DNC lists and abandon-rate cap, answered calls to a queue.
 */
export default definePlugin({
  manifest,
  entities: dialerEntities,
  migrations,
  setup(ctx) {
    const model = ctx.get(coreServices.model);
    const queues = ctx.get(queuesService);
    const campaigns = ctx.resources.define(campaignResource(() => queues, () => ctx.find(recordingsService)));
    ctx.resources.define(dncResource(async () => (await model.tenants())[0]?.id));
    void campaigns;
  },
});
