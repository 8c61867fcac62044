import type Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { Acm } from '../app.ts';
import { parseInput } from '../model/crud-service.ts';
import { ChangeSetEntrySchema, RevisionSchema, type Revision } from '../model/entities.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../sdk/errors.ts';
import { visibleClusterIds } from '../model/visible-clusters.ts';
import { includeStubs, revisionDiff } from '../commit/revision-views.ts';
import type { Principal } from '../../sdk/plugin.ts';

/** `force`: push every file and reload every module even if unchanged (repairs drift `GET /api/verify` shows). */
const CommitInput = z.strictObject({ clusterId: z.number().int().positive().optional(), dryRun: z.boolean().default(false), force: z.boolean().default(false) });
const PageQuery = z.object({
  clusterId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});

/** Changes waiting, commits, revisions (the backups), their files and diffs, and rollback. */
export function commitRoutes(router: Router, acm: Acm, principal: (ctx: Koa.Context) => Principal): void {
  const need = (ctx: Koa.Context, permission: string) => {
    const p = principal(ctx);
    if (!p.can(permission)) throw new ForbiddenError(`missing permission ${permission}`);
    return p;
  };
  const revision = async (ctx: Koa.Context, user: Principal): Promise<Revision> => {
    const id = Number((ctx.params as { id: string }).id);
    const rev = Number.isInteger(id) ? await acm.orm.em.fork().findOne(RevisionSchema, { id }) : null;
    if (!rev || !(await visibleClusterIds(acm, user)).includes(rev.clusterId)) throw new NotFoundError(`no revision ${ctx.params.id}`);
    return rev;
  };

  router.get('/changes', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const q = parseInput(PageQuery, ctx.query);
    const clusters = await visibleClusterIds(acm, user, q.clusterId);
    // Tenant-wide edits (groups, ACLs) wait for every cluster of the tenant.
    const where = {
      revisionId: null,
      $or: [{ clusterId: { $in: clusters } }, ...(q.clusterId ? [] : [{ clusterId: null, ...(user.tenantId === null ? {} : { tenantId: user.tenantId }) }])],
    };
    const [items, total] = await acm.orm.em.fork().findAndCount(ChangeSetEntrySchema, where as never, { orderBy: { id: 'asc' }, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    ctx.body = { items, total, page: q.page, pageSize: q.pageSize };
  });

  router.post('/commit', async (ctx) => {
    const user = need(ctx, 'core.commit:write');
    acm.license.assertWritable();
    const input = parseInput(CommitInput, ctx.request.body ?? {});
    const clusters = await visibleClusterIds(acm, user, input.clusterId);
    const revisions = await acm.commits.commit({ user, ip: ctx.ip }, clusters, { dryRun: input.dryRun, allChanges: input.clusterId === undefined, force: input.force });
    await acm.audit.record({ action: input.dryRun ? 'commit.dry-run' : 'commit', target: 'cluster', targetId: input.clusterId ?? 'all', username: user.username, userId: user.userId, after: { revisions, ...(input.force ? { force: true } : {}) }, ip: ctx.ip });
    ctx.body = { revisions };
  });

  // Drift: what each server holds (file hashes over SSH, loaded state over AMI) against its deployed revision.
  router.get('/verify', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const q = parseInput(PageQuery, ctx.query);
    const clusters = await visibleClusterIds(acm, user, q.clusterId);
    const out = [];
    for (const id of clusters) out.push(await acm.commits.drift(id));
    ctx.body = { clusters: out };
  });

  // What each main config file of a cluster's servers must #include (core and plugin files).
  router.get('/commit/includes', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const q = parseInput(PageQuery, ctx.query);
    if (!q.clusterId) throw new ValidationError([{ field: 'clusterId', message: 'is required' }]);
    // Every cluster renders every declared file, so the lines are the same for all; asked per
    // cluster (and scope-checked) as the site sets up one cluster's servers at a time.
    await visibleClusterIds(acm, user, q.clusterId);
    ctx.body = includeStubs(acm);
  });

  router.get('/revisions', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const q = parseInput(PageQuery, ctx.query);
    const clusters = await visibleClusterIds(acm, user, q.clusterId);
    const [items, total] = await acm.orm.em.fork().findAndCount(RevisionSchema, { clusterId: { $in: clusters } }, { orderBy: { id: 'desc' }, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    ctx.body = { items, total, page: q.page, pageSize: q.pageSize };
  });

  router.get('/revisions/:id', async (ctx) => {
    ctx.body = await revision(ctx, need(ctx, 'core.revision:read'));
  });

  router.get('/revisions/:id/files', async (ctx) => {
    const rev = await revision(ctx, need(ctx, 'core.revision:read'));
    ctx.body = rev.files;
  });

  // File names hold a slash (acm/pjsip.acm.conf): match the rest of the path.
  router.get('/revisions/:id/files/*name', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const raw = (ctx.params as Record<string, string | string[]>).name;
    const name = Array.isArray(raw) ? raw.join('/') : decodeURIComponent(raw ?? '');
    const rev = await revision(ctx, user);
    const file = (await acm.commits.filesOf(acm.orm.em.fork(), rev)).find((f) => f.name === name);
    if (!file) throw new NotFoundError(`revision ${rev.id} has no file ${name}`);
    ctx.type = 'text/plain; charset=utf-8';
    // A file with secrets is shown masked: the whole file stays sealed (sealed_files).
    ctx.body = file.shown ?? file.content;
  });

  router.get('/revisions/:id/diff', async (ctx) => {
    const user = need(ctx, 'core.revision:read');
    const rev = await revision(ctx, user);
    const againstId = ctx.query.against === undefined ? rev.previousId : Number(ctx.query.against);
    let against: Revision | null = null;
    if (againstId) {
      ctx.params.id = String(againstId);
      against = await revision(ctx, user);
    }
    ctx.type = 'text/x-diff; charset=utf-8';
    ctx.body = await revisionDiff(acm, rev, against);
  });

  router.post('/revisions/:id/rollback', async (ctx) => {
    const user = need(ctx, 'core.commit:write');
    acm.license.assertWritable();
    const rev = await revision(ctx, user);
    const outcome = await acm.commits.rollback({ user, ip: ctx.ip }, rev.id);
    await acm.audit.record({ action: 'commit.rollback', target: 'revision', targetId: rev.id, username: user.username, userId: user.userId, after: outcome, ip: ctx.ip });
    ctx.body = { revisions: [outcome] };
  });
}
