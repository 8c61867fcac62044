import type { MikroORM } from '@mikro-orm/core';
import { NotFoundError } from '../../sdk/errors.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { CrudService } from './crud-service.ts';
import { ClusterSchema } from './entities.ts';
import { resource } from './resources.ts';

/** Ids of the clusters the user may see (tenant and scope), optionally just one of them (API and CLI). */
export async function visibleClusterIds(deps: { orm: MikroORM; crud: CrudService }, user: Principal, only?: number): Promise<number[]> {
  const where = deps.crud.scopeWhere(user, resource('clusters'));
  const rows = await deps.orm.em.fork().find(ClusterSchema, { $and: [where, only ? { id: only } : {}] } as never, { orderBy: { id: 'asc' } });
  if (only && !rows.length) throw new NotFoundError(`no cluster ${only}`);
  return rows.map((c) => c.id);
}
