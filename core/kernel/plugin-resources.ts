import type { Manifest } from '../../sdk/manifest.ts';
import type { PluginCli, PluginHttp, WriteActor } from '../../sdk/plugin.ts';
import { PluginError } from '../../sdk/errors.ts';
import type { Resource, ResourceDeclaration } from '../../sdk/resources.ts';
import type { CrudService } from '../model/crud-service.ts';
import { resourceDef, resources as coreResources, type ResourceDef } from '../model/resources.ts';
import { registerResourceCommands } from '../cli/resource-commands.ts';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const PARENT_COLUMNS = { provider: [], tenant: ['tenantId'], site: ['tenantId', 'siteId'], cluster: ['tenantId', 'siteId', 'clusterId'] } as const;

/**
 * `ctx.resources.define` of one plugin: checks the declaration, mounts its routes and commands
 * through the plugin's own `http` and `cli` (so they come and go with the plugin) and answers the
 * handle its code uses. `defs` collects the plugin's resources for the OpenAPI document.
 */
export function definePluginResource(
  plugin: { id: string; manifest: Pick<Manifest, 'permissions'>; http: PluginHttp; cli: PluginCli; crud: CrudService; defs: ResourceDef[] },
  declaration: ResourceDeclaration<any>,
): Resource<any> {
  const { id, crud } = plugin;
  const fail = (why: string): never => { throw new PluginError(`plugin "${id}": resource "${declaration.name}" ${why}`); };
  if (!NAME.test(declaration.name) || !NAME.test(declaration.singular)) fail('needs a name and singular of lower-case letters, digits and dashes');
  if (plugin.defs.some((d) => d.name === declaration.name)) fail('is declared twice');
  if (declaration.parent === 'provider') fail('cannot use the provider parent (tenants are the core\'s)');
  let parentDef: ResourceDef | undefined;
  if (typeof declaration.parent === 'object') {
    parentDef = defsOf.get(declaration.parent.resource);
    if (!parentDef || !plugin.defs.includes(parentDef)) fail('names a parent resource this plugin has not declared');
  }
  const def = resourceDef(id, declaration, parentDef);
  for (const verb of ['read', 'write']) {
    if (!plugin.manifest.permissions.includes(`${def.permission}:${verb}`)) fail(`needs permission "${def.permission}:${verb}" in the manifest`);
  }
  const props = def.entity.meta.properties as Record<string, unknown>;
  const parentColumns = typeof def.parent === 'object'
    ? [def.parent.column, ...['tenantId', 'siteId', 'clusterId'].filter((c) => c in (parentDef!.entity.meta.properties as object))]
    : PARENT_COLUMNS[def.parent];
  const missing = [...parentColumns, 'createdAt', 'updatedAt', ...def.search, ...def.secrets, ...def.unique.flat(), ...def.filters]
    .filter((c) => !(c in props));
  if (missing.length) fail(`names columns its entity lacks: ${[...new Set(missing)].join(', ')}`);
  plugin.defs.push(def);

  const handle: Resource<any> = {
    declaration,
    list: (user, query) => crud.list(user, def, query),
    get: (user, rowId) => crud.get(user, def, rowId),
    row: (user, rowId) => crud.row(user, def, rowId),
    all: (clusterId) => crud.all(def, clusterId),
    view: (row) => JSON.parse(JSON.stringify(crud.serialize(def, row))) as Record<string, unknown>,
    create: (actor, body) => crud.create(actor, def, body, coreResources),
    update: (actor, rowId, body) => crud.update(actor, def, rowId, body, coreResources),
    copy: (actor, rowId, body) => crud.copy(actor, def, rowId, body, coreResources),
    remove: (actor, rowId) => crud.remove(actor, def, rowId),
  };

  const read = `${def.permission}:read`;
  const write = `${def.permission}:write`;
  const base = `/${def.name}`;
  const actor = (c: { user: WriteActor['user']; koa: { ip: string } }): WriteActor => ({ user: c.user, ip: c.koa.ip });
  const rowId = (c: { params: Record<string, string> }) => Number(c.params.id);
  plugin.http.route('GET', base, read, (c) => handle.list(c.user, c.query));
  plugin.http.route('POST', base, write, async (c) => {
    const out = await handle.create(actor(c), c.body);
    c.koa.status = 201;
    return out;
  });
  plugin.http.route('GET', `${base}/:id`, read, (c) => handle.get(c.user, rowId(c)));
  plugin.http.route('PUT', `${base}/:id`, write, (c) => handle.update(actor(c), rowId(c), c.body));
  plugin.http.route('DELETE', `${base}/:id`, write, async (c) => {
    await handle.remove(actor(c), rowId(c));
    c.koa.status = 204;
  });
  plugin.http.route('POST', `${base}/:id/copy`, write, async (c) => {
    const out = await handle.copy(actor(c), rowId(c), c.body);
    c.koa.status = 201;
    return out;
  });

  plugin.cli.commands((group, cli) => registerResourceCommands(group, def, async (fn) => {
    const who = { user: cli.operator };
    await fn({
      list: (q) => handle.list(who.user, q), get: (i) => handle.get(who.user, i),
      create: (body) => handle.create(who, body), update: (i, body) => handle.update(who, i, body),
      copy: (i, body) => handle.copy(who, i, body), remove: (i) => handle.remove(who, i),
    });
  }));
  defsOf.set(handle, def);
  return handle;
}

/** Each handle's def, so a later declaration can name it as its parent. */
const defsOf = new WeakMap<Resource<any>, ResourceDef>();
