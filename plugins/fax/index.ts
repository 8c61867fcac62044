import { definePlugin } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { faxEntities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { faxNumberResource, faxSenderResource } from './resources.ts';
import { renderFaxDialplan } from './render.ts';

/**
 * The fax gateway (issue 16), first part: fax DIDs per cluster and the senders allowed per
 * tenant, the job table, and the rendered inbound (ReceiveFAX) and outbound (SendFAX) contexts.
 * E-mail to fax, fax to e-mail and the queue runner are not built yet.
 */
export default definePlugin({
  manifest,
  entities: faxEntities,
  migrations,
  setup(ctx) {
    const numbers = ctx.resources.define(faxNumberResource());
    ctx.resources.define(faxSenderResource());
    ctx.commit.file({
      name: 'acm/extensions-fax.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      note: 'acm renders the contexts acm-fax-in (fax DIDs: ReceiveFAX) and acm-fax-out (SendFAX for Originate), t<id>- prefixed for other tenants.',
      render: async (s) => renderFaxDialplan(s, await numbers.all(s.cluster.id), ctx.settings.spoolDir),
    });
  },
});
