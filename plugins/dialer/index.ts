import { busSubject, coreServices, definePlugin, parseInput, ValidationError, z, type Principal, type RouteContext } from '../../sdk/index.ts';
import { queuesService } from '../queues/api/index.ts';
import { recordingsService } from '../recordings/api/index.ts';
import { manifest } from './manifest.ts';
import { dialerEntities, LEAD_STATUSES, LeadSchema } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { campaignResource, dncResource } from './resources.ts';
import { campaignReport, importIntoCampaign, resultsCsv } from './leads/store.ts';
import { STASIS_APP } from './runner/campaign-runner.ts';
import { ACTIONS, DialerManager, writeState, type CampaignAction } from './runner/manager.ts';
import { registerCli } from './cli.ts';

/** JSON `{ csv }` (the core takes 2 MB of JSON), or the file itself as text/plain (up to 20 MB). */
const ImportBody = z.strictObject({ csv: z.string().min(1, 'the CSV is empty') });
const LeadQuery = z.object({
  status: z.enum(LEAD_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});

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
    const ari = ctx.get(coreServices.ari);
    const audit = ctx.get(coreServices.audit);
    const queues = ctx.get(queuesService);
    const campaigns = ctx.resources.define(campaignResource(() => queues, () => ctx.find(recordingsService)));
    ctx.resources.define(dncResource(async () => (await model.tenants())[0]?.id));

    ctx.events.toBrowsers({ event: 'progress', permission: 'dialer.campaign:read' });
    const manager = new DialerManager({
      ari, queues: () => queues, model, em: () => ctx.db.em(), now: () => Date.now(), settings: () => ctx.settings,
      publish: (p) => ctx.bus.publish(busSubject({ tenantId: p.tenantId, clusterId: p.clusterId }, ctx.id, 'progress'), p),
      log: (msg, extra) => ctx.logger.info(extra ?? {}, msg),
    });
    let off = () => {};
    ctx.lifecycle.onStart(() => { off = ari.app(STASIS_APP, (e) => manager.onEvent(e)); });
    ctx.lifecycle.onStop(async () => { off(); await manager.close(); });
    ctx.jobs.every(ctx.settings.tickMs, 'dialer.tick', () => manager.tick());

    /** Start, pause or stop, with the audit event; `live`: in the server (the CLI writes the row, the server's runner follows). */
    const act = async (user: Principal, id: number, action: CampaignAction, live: boolean) => {
      const c = await campaigns.row(user, id);
      const em = ctx.db.em();
      let result: unknown;
      if (live) result = await manager.act(c, action);
      else {
        await manager.check(em, c, action, false);
        await writeState(em, c, ACTIONS[action].to);
        result = { campaignId: id, state: ACTIONS[action].to };
      }
      await audit.record({ action: `dialer.campaign.${action}`, target: 'dialer-campaign', targetId: id, before: { state: c.state }, after: { state: ACTIONS[action].to },
        username: user.username, userId: user.userId, tenantId: c.tenantId });
      return result;
    };
    const id = (c: RouteContext) => Number(c.params.id);
    for (const action of Object.keys(ACTIONS) as CampaignAction[]) {
      ctx.http.route('POST', `/campaigns/:id/${action}`, 'dialer.campaign:write', (c) => act(c.user, id(c), action, true));
    }
    const PreviewBody = z.strictObject({ extensionId: z.number().int().positive() });
    const preview = (step: 'next' | 'dial' | 'skip') => async (c: RouteContext) => {
      const { extensionId } = parseInput(PreviewBody, c.body);
      const camp = await campaigns.row(c.user, id(c));
      const result = await manager.preview(camp, step, extensionId, c.params.leadId ? Number(c.params.leadId) : undefined);
      if (step !== 'next') await audit.record({ action: `dialer.preview.${step}`, target: 'dialer-lead', targetId: c.params.leadId, after: { extensionId },
        username: c.user.username, userId: c.user.userId, tenantId: camp.tenantId });
      return step === 'next' ? { lead: result } : result;
    };
    ctx.http.route('POST', '/campaigns/:id/preview/next', 'dialer.campaign:write', preview('next'));
    ctx.http.route('POST', '/campaigns/:id/preview/:leadId/dial', 'dialer.campaign:write', preview('dial'));
    ctx.http.route('POST', '/campaigns/:id/preview/:leadId/skip', 'dialer.campaign:write', preview('skip'));
    ctx.http.route('GET', '/campaigns/:id/status', 'dialer.campaign:read', async (c) => manager.progress(await campaigns.row(c.user, id(c))));
    ctx.http.route('GET', '/status', 'dialer.campaign:read', async (c) => {
      // The list filters by the caller's tenant and scopes; the rows come in one read.
      const visible = new Set((await campaigns.list(c.user, { pageSize: 1000 })).items.map((v) => v.id as number));
      const rows = (await campaigns.all()).filter((r) => visible.has(r.id));
      return { items: await Promise.all(rows.map((r) => manager.progress(r))) };
    });
    const importLeadsInto = async (user: Principal, campaignId: number, csv: string) => {
      const c = await campaigns.row(user, campaignId);
      const report = await importIntoCampaign(ctx.db.em(), c, csv);
      if ('error' in report) throw new ValidationError([{ field: 'csv', message: report.error }]);
      await audit.record({ action: 'dialer.leads.import', target: 'dialer-campaign', targetId: c.id, after: { imported: report.imported, skipped: report.skipped.length },
        username: user.username, userId: user.userId, tenantId: c.tenantId });
      return report;
    };
    ctx.http.route('POST', '/campaigns/:id/leads', 'dialer.campaign:write', (c) => importLeadsInto(c.user, id(c), typeof c.body === 'string' ? c.body : parseInput(ImportBody, c.body).csv));
    ctx.http.route('GET', '/campaigns/:id/leads', 'dialer.campaign:read', async (c) => {
      const camp = await campaigns.row(c.user, id(c));
      const q = parseInput(LeadQuery, c.query);
      const where = { campaignId: camp.id, ...(q.status ? { status: q.status } : {}) };
      const [items, total] = await ctx.db.em().findAndCount(LeadSchema, where, { orderBy: { line: 'asc' }, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
      return { items, total, page: q.page, pageSize: q.pageSize };
    });
    ctx.http.route('GET', '/campaigns/:id/results.csv', 'dialer.campaign:read', async (c) => {
      const camp = await campaigns.row(c.user, id(c));
      c.koa.type = 'text/csv; charset=utf-8';
      c.koa.set('Content-Disposition', `attachment; filename="campaign-${camp.id}-results.csv"`);
      return resultsCsv(ctx.db.em(), camp.id);
    });
    ctx.http.route('GET', '/campaigns/:id/report', 'dialer.campaign:read', async (c) => campaignReport(ctx.db.em(), (await campaigns.row(c.user, id(c))).id));

    ctx.cli.commands((group, cli) => registerCli(group, {
      act: (cid, action) => act(cli.operator, cid, action, false),
      progress: async (cid) => manager.progress(await campaigns.row(cli.operator, cid)),
      importLeads: (cid, csv) => importLeadsInto(cli.operator, cid, csv),
      results: async (cid) => resultsCsv(ctx.db.em(), (await campaigns.row(cli.operator, cid)).id),
      report: async (cid) => campaignReport(ctx.db.em(), (await campaigns.row(cli.operator, cid)).id),
      print: (l) => console.log(l),
    }));
  },
});
