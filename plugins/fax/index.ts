import { definePlugin } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { faxEntities } from './entities.ts';
import { listJobs, registerCli } from './jobs.ts';
import { FaxResults } from './result.ts';
import { recordReceived } from './inbound.ts';
import { migrations } from './migrations/index.ts';
import { faxNumberResource, faxSenderResource } from './resources.ts';
import { renderFaxDialplan } from './render.ts';

/**
 * The fax gateway (issue 16), first part: fax DIDs per cluster and the senders allowed per
 * tenant, the job table, and the rendered inbound (ReceiveFAX) and outbound (SendFAX) contexts.
 * Received faxes are logged as jobs from their AMI events. E-mail to fax, fax to e-mail and the
 * queue runner are not built yet.
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

    const results = new FaxResults();
    for (const name of ['Newexten', 'VarSet', 'SendFAX', 'ReceiveFAX', 'Hangup']) {
      ctx.ami.on(name, (e) => {
        const o = results.handle(e);
        if (o) recordReceived(ctx.db.em(), ctx.settings.spoolDir, o, e).catch((err: unknown) => ctx.logger.warn({ err }, 'fax: a received fax could not be logged'));
      });
    }

    ctx.http.route('GET', '/jobs', 'fax.job:read', async (c) => {
      const items = await listJobs(ctx.db.em(), c.user);
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, () => ctx.db.em(), (l) => console.log(l)));
  },
});
