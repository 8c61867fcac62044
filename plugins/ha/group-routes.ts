import { z } from '../../sdk/index.ts';
import { actorOf as actor, idParam as id, type HaDeps } from './deps.ts';
import { CHILDREN, GroupInput, groupView, rowView, type ChildKind } from './store.ts';

/** CRUD of HA groups and their children (nodes, VIPs, synced paths, notification targets). */
export function registerGroupRoutes({ ctx, store }: HaDeps): void {
  // --- groups ------------------------------------------------------------------------------
  // The page's form is generated from the schema that validates the API (sdk/README §9).
  ctx.http.route('GET', '/schemas', 'ha.group:read', () => ({ GroupInput: z.toJSONSchema(GroupInput, { io: 'input', unrepresentable: 'any' }) }));
  ctx.http.route('GET', '/groups', 'ha.group:read', async (c) => {
    const clusterId = c.query.clusterId ? Number(c.query.clusterId) : undefined;
    const items = (await store.groups(c.user, clusterId)).map(groupView);
    return { items, total: items.length, page: 1, pageSize: items.length };
  });
  ctx.http.route('GET', '/groups/:id', 'ha.group:read', async (c) => {
    const g = await store.group(c.user, id(c));
    const f = await store.full(g.id);
    return { ...groupView(g), nodes: f.nodes.map(rowView), vips: f.vips.map(rowView), syncPaths: f.syncPaths.map(rowView), notifyTargets: f.notifyTargets.map(rowView) };
  });
  ctx.http.route('POST', '/groups', 'ha.group:write', async (c) => {
    const g = await store.createGroup(actor(c), c.body);
    c.koa.status = 201;
    return groupView(g);
  });
  ctx.http.route('PUT', '/groups/:id', 'ha.group:write', async (c) => {
    return groupView((await store.updateGroup(actor(c), id(c), c.body)).after);
  });
  ctx.http.route('DELETE', '/groups/:id', 'ha.group:write', async (c) => {
    await store.removeGroup(actor(c), id(c));
    c.koa.status = 204;
  });

  // --- nodes, VIPs, synced paths, notification targets ----------------------------------
  for (const kind of Object.keys(CHILDREN) as ChildKind[]) {
    ctx.http.route('GET', `/groups/:id/${kind}`, 'ha.group:read', async (c) => {
      const items = (await store.children(c.user, kind, id(c))).map(rowView);
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    ctx.http.route('POST', `/groups/:id/${kind}`, 'ha.group:write', async (c) => {
      const { row } = await store.createChild(actor(c), kind, id(c), c.body);
      c.koa.status = 201;
      return rowView(row);
    });
    ctx.http.route('GET', `/${kind}/:id`, 'ha.group:read', async (c) => rowView((await store.child(c.user, kind, id(c))).row));
    ctx.http.route('PUT', `/${kind}/:id`, 'ha.group:write', async (c) => rowView((await store.updateChild(actor(c), kind, id(c), c.body)).row));
    ctx.http.route('DELETE', `/${kind}/:id`, 'ha.group:write', async (c) => {
      await store.removeChild(actor(c), kind, id(c));
      c.koa.status = 204;
    });
  }
}
