import { isIP } from 'node:net';
import {
  configText, ipSchema, ConflictError, NotFoundError, notifyTargetProblem, ValidationError, z,
  type ClusterView, type ConfigChange, type EntityManager, type EntitySchema, type FieldProblem, type PluginDb, type Principal,
  type ServerView, type WriteActor,
} from '../../sdk/index.ts';
import { NOTIFY_TYPES, SERVICES, VIP_KINDS } from './api/index.ts';
import {
  HaGroupSchema, HaNodeSchema, HaNotifyTargetSchema, HaSyncPathSchema, HaVipSchema,
  type HaGroup, type HaNode, type HaNotifyTarget, type HaSyncPath, type HaVip,
} from './entities.ts';

/** Written into keepalived.conf and probed by the agent: the strict form (no zone id, no leading zeros). */
const ip = ipSchema();
const iface = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'an interface name (letters, digits, _.-; at most 15)');
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits and _.- (at most 64)');
const absPath = z.string().max(255).regex(/^\/[A-Za-z0-9_./@+-]*$/, 'an absolute path of letters, digits and _./@+-').refine((p) => !p.split('/').includes('..'), 'must not contain ..');
const glob = z.string().min(1).max(120).regex(/^[A-Za-z0-9_.*?/@+-]+$/, 'a glob of letters, digits and _.*?/@+-');

export const GroupInput = z.strictObject({
  clusterId: z.number().int().positive(),
  name,
  description: configText(255).nullable().optional(),
  services: z.array(z.enum(SERVICES)).max(SERVICES.length).default(['ami', 'sip']),
  witness: ip.nullable().optional(),
  trunks: z.array(z.strictObject({ name, address: ip.nullable().optional(), interface: iface.nullable().optional() })
    .refine((t) => t.address || t.interface, 'needs an address or an interface')).max(20).default([]),
  sipPort: z.number().int().min(1).max(65535).default(5060),
  amiPort: z.number().int().min(1).max(65535).default(5038),
  // VRRPv3 counts centiseconds; a finer value would also come back rounded from MariaDB's FLOAT column.
  advertInt: z.number().min(0.1).max(60).multipleOf(0.01, 'in hundredths of a second').default(1),
  checkInterval: z.number().int().min(1).max(60).default(1),
  checkFall: z.number().int().min(1).max(20).default(2),
  checkRise: z.number().int().min(1).max(20).default(2),
});
export const NodeInput = z.strictObject({
  serverId: z.number().int().positive(),
  priority: z.number().int().min(1).max(254),
  interface: iface,
  sourceAddress: ip,
  replicationAddress: ip.nullable().optional(),
});
export const VipInput = z.strictObject({
  kind: z.enum(VIP_KINDS),
  address: ip,
  prefix: z.number().int().min(1).max(128),
  interface: iface.nullable().optional(),
  virtualRouterId: z.number().int().min(1).max(255),
}).superRefine((v, ctx) => {
  if (isIP(v.address) === 4 && v.prefix > 32) ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'at most 32 for IPv4' });
});
export const SyncPathInput = z.strictObject({ path: absPath, excludes: z.array(glob).max(50).default([]) });
export const NotifyTargetInput = z.strictObject({
  type: z.enum(NOTIFY_TYPES),
  target: configText(255).pipe(z.string().min(1)),
  enabled: z.boolean().default(true),
}).superRefine((t, ctx) => {
  const problem = notifyTargetProblem(t.type, t.target);
  if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
});

export function zodProblems(err: z.ZodError): FieldProblem[] {
  return err.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...i.path, k].join('.'), message: 'unknown field' }));
    return [{ field: i.path.join('.') || '(body)', message: i.message }];
  });
}

export function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new ValidationError(zodProblems(r.error));
  return r.data;
}

export function visibleClusters(user: Principal, clusters: readonly ClusterView[]): ClusterView[] {
  return clusters.filter((c) => {
    if (user.tenantId !== null && c.tenantId !== user.tenantId) return false;
    if (!user.scopes.length) return true;
    return user.scopes.some((s) => (s.type === 'cluster' ? c.id === s.id : s.type === 'site' ? c.siteId === s.id : false));
  });
}

const iso = (d: Date) => d.toISOString();
export const groupView = (g: HaGroup) => ({ ...g, createdAt: iso(g.createdAt), updatedAt: iso(g.updatedAt) });
export const rowView = <T extends { createdAt: Date; updatedAt: Date }>(r: T) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) });

export interface StoreDeps {
  em(): EntityManager;
  /** ctx.db.write: the row, its ChangeSet entry and its audit event in one transaction. */
  write: PluginDb['write'];
  clusters(): Promise<ClusterView[]>;
  servers(clusterId: number): Promise<ServerView[]>;
  /** Whether node.json carries the syslog notification targets (settings.syslogFrom is not `acm`). */
  syslogInNodeConfig: boolean;
}

export type ChildKind = 'nodes' | 'vips' | 'sync-paths' | 'notify-targets';
/** `entity`: the ChangeSet entity and audit target; `entity` also names the audit actions (`ha.node.create`). */
interface ChildDef { schema: EntitySchema<any>; input: z.ZodType; label: string; entity: string }
export const CHILDREN: Record<ChildKind, ChildDef> = {
  nodes: { schema: HaNodeSchema, input: NodeInput, label: 'node', entity: 'ha.node' },
  vips: { schema: HaVipSchema, input: VipInput, label: 'VIP', entity: 'ha.vip' },
  'sync-paths': { schema: HaSyncPathSchema, input: SyncPathInput, label: 'synced path', entity: 'ha.sync-path' },
  'notify-targets': { schema: HaNotifyTargetSchema, input: NotifyTargetInput, label: 'notification target', entity: 'ha.notify-target' },
};

/** HA groups and their nodes, VIPs, synced paths and notification targets, scoped to the caller. */
export class HaStore {
  constructor(private deps: StoreDeps) {}

  async clusterIds(user: Principal): Promise<number[]> {
    return visibleClusters(user, await this.deps.clusters()).map((c) => c.id);
  }

  async groups(user: Principal, clusterId?: number): Promise<HaGroup[]> {
    const ids = await this.clusterIds(user);
    return this.deps.em().find(HaGroupSchema, { clusterId: { $in: clusterId ? ids.filter((i) => i === clusterId) : ids } }, { orderBy: { name: 'asc', id: 'asc' } });
  }

  async allGroups(): Promise<HaGroup[]> {
    return this.deps.em().find(HaGroupSchema, {}, { orderBy: { id: 'asc' } });
  }

  async group(user: Principal, id: number): Promise<HaGroup> {
    return groupIn(this.deps.em(), await this.clusterIds(user), id);
  }

  /** A group with everything under it. */
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

  /** Inside a write only its `em` may query: what the checks need from the model is read before. */
  private async checkGroup(em: EntityManager, clusters: ClusterView[], data: z.output<typeof GroupInput>, id?: number): Promise<ClusterView> {
    const cluster = clusters.find((c) => c.id === data.clusterId);
    if (!cluster) throw new ValidationError([{ field: 'clusterId', message: `no cluster ${data.clusterId}` }]);
    const twin = await em.findOne(HaGroupSchema, { clusterId: data.clusterId, name: data.name, ...(id ? { id: { $ne: id } } : {}) });
    if (twin) throw new ConflictError(`HA group ${data.name} already exists in cluster ${cluster.name}`);
    return cluster;
  }

  private async writable(actor: WriteActor): Promise<ClusterView[]> {
    return visibleClusters(actor.user, await this.deps.clusters());
  }

  async createGroup(actor: WriteActor, body: unknown): Promise<HaGroup> {
    const data = parse(GroupInput, body);
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const cluster = await this.checkGroup(em, clusters, data);
      const g = em.create(HaGroupSchema, { ...data, tenantId: cluster.tenantId, description: data.description ?? null, witness: data.witness ?? null } as HaGroup);
      await em.flush();
      changed(groupChange('create', g, null, groupView(g)));
      return g;
    });
  }

  async updateGroup(actor: WriteActor, id: number, body: unknown): Promise<{ before: HaGroup; after: HaGroup }> {
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const g = await groupIn(em, clusters.map((c) => c.id), id);
      const before = { ...g };
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
      const { id: _i, tenantId: _t, createdAt: _c, updatedAt: _u, ...base } = g;
      const data = parse(GroupInput, { ...base, ...(body as object) });
      if (data.clusterId !== g.clusterId) throw new ValidationError([{ field: 'clusterId', message: 'a group cannot move to another cluster' }]);
      await this.checkGroup(em, clusters, data, id);
      Object.assign(g, { ...data, description: data.description ?? null, witness: data.witness ?? null });
      await em.flush();
      changed(groupChange('update', g, groupView(before), groupView(g)));
      return { before, after: g };
    });
  }

  async removeGroup(actor: WriteActor, id: number): Promise<HaGroup> {
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const g = await groupIn(em, clusters.map((c) => c.id), id);
      for (const def of Object.values(CHILDREN)) await em.nativeDelete(def.schema, { groupId: id });
      em.remove(g);
      await em.flush();
      changed(groupChange('delete', g, groupView(g), null));
      return g;
    });
  }

  private async checkChild(em: EntityManager, kind: ChildKind, g: HaGroup, servers: ServerView[], data: any, id?: number): Promise<void> {
    const other = id ? { id: { $ne: id } } : {};
    if (kind === 'nodes') {
      const server = servers.find((s) => s.id === data.serverId);
      if (!server) throw new ValidationError([{ field: 'serverId', message: `no server ${data.serverId} in the group's cluster` }]);
      if (await em.findOne(HaNodeSchema, { groupId: g.id, serverId: data.serverId, ...other })) throw new ConflictError(`server ${server.name} is already a node of ${g.name}`);
      if (await em.findOne(HaNodeSchema, { groupId: g.id, priority: data.priority, ...other })) throw new ValidationError([{ field: 'priority', message: 'another node of the group has this priority; priorities must differ' }]);
    }
    if (kind === 'vips' && await em.findOne(HaVipSchema, { groupId: g.id, virtualRouterId: data.virtualRouterId, ...other })) {
      throw new ConflictError(`virtual_router_id ${data.virtualRouterId} is already used in ${g.name}`);
    }
    if (kind === 'vips' && await em.findOne(HaVipSchema, { address: data.address, ...other })) throw new ConflictError(`VIP ${data.address} is already configured`);
  }

  /**
   * The clusters whose deployed HA files a child row changes. keepalived.conf and node.json are
   * rendered from the group, its nodes and VIPs, and (when the nodes send syslog themselves) its
   * syslog notification targets; synced paths drive the sync job only, other targets acm's own
   * notifications: those are audited, not waiting for a commit.
   */
  private childClusters(kind: ChildKind, g: HaGroup, rows: ({ type?: string } | null)[]): number[] {
    if (kind === 'nodes' || kind === 'vips') return [g.clusterId];
    if (kind === 'notify-targets' && this.deps.syslogInNodeConfig && rows.some((r) => r?.type === 'syslog')) return [g.clusterId];
    return [];
  }

  private childChange(kind: ChildKind, action: ConfigChange['action'], g: HaGroup, row: any, before: any, after: any): ConfigChange {
    return {
      entity: CHILDREN[kind].entity, action, id: row.id, tenantId: g.tenantId, clusterIds: this.childClusters(kind, g, [before, after]),
      before: before && rowView(before), after: after && rowView(after),
    };
  }

  async children(user: Principal, kind: ChildKind, groupId: number): Promise<any[]> {
    await this.group(user, groupId);
    return this.deps.em().find(CHILDREN[kind].schema, { groupId }, { orderBy: { id: 'asc' } });
  }

  async child(user: Principal, kind: ChildKind, id: number): Promise<{ row: any; group: HaGroup }> {
    return childIn(this.deps.em(), await this.clusterIds(user), kind, id);
  }

  async createChild(actor: WriteActor, kind: ChildKind, groupId: number, body: unknown): Promise<{ row: any; group: HaGroup }> {
    const group = await this.group(actor.user, groupId);
    const data = parse(CHILDREN[kind].input, body);
    const servers = await this.deps.servers(group.clusterId);
    return this.deps.write(actor, async ({ em, changed }) => {
      await this.checkChild(em, kind, group, servers, data);
      const row = em.create(CHILDREN[kind].schema, { ...(data as object), groupId } as never);
      await em.flush();
      changed(this.childChange(kind, 'create', group, row, null, row));
      return { row, group };
    });
  }

  async updateChild(actor: WriteActor, kind: ChildKind, id: number, body: unknown): Promise<{ before: any; row: any; group: HaGroup }> {
    const found = await this.child(actor.user, kind, id);
    const servers = await this.deps.servers(found.group.clusterId);
    return this.deps.write(actor, async ({ em, changed }) => {
      const { row, group } = await childIn(em, [found.group.clusterId], kind, id);
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
      const before = { ...row };
      const { id: _i, groupId: _g, createdAt: _c, updatedAt: _u, ...base } = row;
      const data = parse(CHILDREN[kind].input, { ...base, ...(body as object) });
      await this.checkChild(em, kind, group, servers, data, id);
      Object.assign(row, data);
      await em.flush();
      changed(this.childChange(kind, 'update', group, row, before, row));
      return { before, row, group };
    });
  }

  async removeChild(actor: WriteActor, kind: ChildKind, id: number): Promise<{ row: any; group: HaGroup }> {
    const found = await this.child(actor.user, kind, id);
    return this.deps.write(actor, async ({ em, changed }) => {
      const r = await childIn(em, [found.group.clusterId], kind, id);
      em.remove(r.row);
      await em.flush();
      changed(this.childChange(kind, 'delete', r.group, r.row, r.row, null));
      return r;
    });
  }
}

/** A group on one of `clusterIds`; 404 otherwise. */
async function groupIn(em: EntityManager, clusterIds: number[], id: number): Promise<HaGroup> {
  const g = Number.isInteger(id) ? await em.findOne(HaGroupSchema, { id }) : null;
  if (!g || !clusterIds.includes(g.clusterId)) throw new NotFoundError(`no HA group ${id}`);
  return g;
}

async function childIn(em: EntityManager, clusterIds: number[], kind: ChildKind, id: number): Promise<{ row: any; group: HaGroup }> {
  const row = Number.isInteger(id) ? await em.findOne(CHILDREN[kind].schema, { id }) : null;
  if (!row) throw new NotFoundError(`no ${CHILDREN[kind].label} ${id}`);
  const group = await groupIn(em, clusterIds, row.groupId).catch(() => { throw new NotFoundError(`no ${CHILDREN[kind].label} ${id}`); });
  return { row, group };
}

/** Every field of a group ends up in keepalived.conf or node.json of its nodes. */
function groupChange(action: ConfigChange['action'], g: HaGroup, before: object | null, after: object | null): ConfigChange {
  return { entity: 'ha.group', action, id: g.id, tenantId: g.tenantId, clusterIds: [g.clusterId], before, after };
}
