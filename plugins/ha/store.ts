import { NotFoundError, visibleTo, type EntityManager, type Principal, type Resource } from '../../sdk/index.ts';
import {
  HaGroupSchema, HaNodeSchema, HaNotifyTargetSchema, HaSyncPathSchema, HaVipSchema,
  type HaGroup, type HaNode, type HaNotifyTarget, type HaSyncPath, type HaVip,
} from './entities.ts';

/** The name the HA actions (node-actions.ts) use for the SDK's parseInput. */
export { parseInput as parse } from '../../sdk/index.ts';

/**
 * Reads of HA groups and what is under them for the plugin's own routes, jobs and commands; the
 * writes (and the CRUD routes and commands) are the resource kit's (resources.ts).
 */
export class HaStore {
  constructor(private deps: { em(): EntityManager; groups: Resource<HaGroup> }) {}

  /** The groups the user may see, by name, optionally of one cluster. */
  async groups(user: Principal, clusterId?: number): Promise<HaGroup[]> {
    return (await this.deps.groups.all(clusterId)).filter((g) => visibleTo(user, g));
  }

  allGroups(): Promise<HaGroup[]> {
    return this.deps.groups.all();
  }

  /** One group the user may see; 404 otherwise. */
  async group(user: Principal, id: number): Promise<HaGroup> {
    const g = Number.isInteger(id) ? await this.deps.em().findOne(HaGroupSchema, { id }) : null;
    if (!g || !visibleTo(user, g)) throw new NotFoundError(`no HA group ${id}`);
    return g;
  }

  /** What is under a group, nodes by priority (the primary first). */
  async full(groupId: number) {
    const em = this.deps.em();
    const [nodes, vips, syncPaths, notifyTargets] = await Promise.all([
      em.find(HaNodeSchema, { groupId }, { orderBy: { priority: 'desc', id: 'asc' } }),
      em.find(HaVipSchema, { groupId }, { orderBy: { virtualRouterId: 'asc' } }),
      em.find(HaSyncPathSchema, { groupId }, { orderBy: { path: 'asc' } }),
      em.find(HaNotifyTargetSchema, { groupId }, { orderBy: { id: 'asc' } }),
    ]);
    return { nodes: nodes as HaNode[], vips: vips as HaVip[], syncPaths: syncPaths as HaSyncPath[], notifyTargets: notifyTargets as HaNotifyTarget[] };
  }
}
