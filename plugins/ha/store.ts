import { isIP } from 'node:net';
import {
  configText, ipSchema, ConflictError, NotFoundError, notifyTargetProblem, ValidationError, z,
  type ClusterView, type EntityManager, type EntitySchema, type FieldProblem, type Principal, type ServerView,
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
  clusters(): Promise<ClusterView[]>;
  servers(clusterId: number): Promise<ServerView[]>;
}

export type ChildKind = 'nodes' | 'vips' | 'sync-paths' | 'notify-targets';
interface ChildDef { schema: EntitySchema<any>; input: z.ZodType; label: string }
export const CHILDREN: Record<ChildKind, ChildDef> = {
  nodes: { schema: HaNodeSchema, input: NodeInput, label: 'node' },
  vips: { schema: HaVipSchema, input: VipInput, label: 'VIP' },
  'sync-paths': { schema: HaSyncPathSchema, input: SyncPathInput, label: 'synced path' },
  'notify-targets': { schema: HaNotifyTargetSchema, input: NotifyTargetInput, label: 'notification target' },
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

  async group(user: Principal, id: number, em = this.deps.em()): Promise<HaGroup> {
    const g = Number.isInteger(id) ? await em.findOne(HaGroupSchema, { id }) : null;
    if (!g || !(await this.clusterIds(user)).includes(g.clusterId)) throw new NotFoundError(`no HA group ${id}`);
    return g;
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

  private async checkGroup(user: Principal, data: z.output<typeof GroupInput>, id?: number): Promise<ClusterView> {
    const cluster = visibleClusters(user, await this.deps.clusters()).find((c) => c.id === data.clusterId);
    if (!cluster) throw new ValidationError([{ field: 'clusterId', message: `no cluster ${data.clusterId}` }]);
    const twin = await this.deps.em().findOne(HaGroupSchema, { clusterId: data.clusterId, name: data.name, ...(id ? { id: { $ne: id } } : {}) });
    if (twin) throw new ConflictError(`HA group ${data.name} already exists in cluster ${cluster.name}`);
    return cluster;
  }

  async createGroup(user: Principal, body: unknown): Promise<HaGroup> {
    const data = parse(GroupInput, body);
    const cluster = await this.checkGroup(user, data);
    const em = this.deps.em();
    const g = em.create(HaGroupSchema, { ...data, tenantId: cluster.tenantId, description: data.description ?? null, witness: data.witness ?? null } as HaGroup);
    await em.flush();
    return g;
  }

  async updateGroup(user: Principal, id: number, body: unknown): Promise<{ before: HaGroup; after: HaGroup }> {
    const em = this.deps.em();
    const g = await this.group(user, id, em);
    const before = { ...g };
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
    const { id: _i, tenantId: _t, createdAt: _c, updatedAt: _u, ...base } = g;
    const data = parse(GroupInput, { ...base, ...(body as object) });
    if (data.clusterId !== g.clusterId) throw new ValidationError([{ field: 'clusterId', message: 'a group cannot move to another cluster' }]);
    await this.checkGroup(user, data, id);
    Object.assign(g, { ...data, description: data.description ?? null, witness: data.witness ?? null });
    await em.flush();
    return { before, after: g };
  }

  async removeGroup(user: Principal, id: number): Promise<HaGroup> {
    const em = this.deps.em();
    const g = await this.group(user, id, em);
    for (const def of Object.values(CHILDREN)) await em.nativeDelete(def.schema, { groupId: id });
    em.remove(g);
    await em.flush();
    return g;
  }

  private async checkChild(kind: ChildKind, g: HaGroup, data: any, id?: number): Promise<void> {
    const em = this.deps.em();
    const other = id ? { id: { $ne: id } } : {};
    if (kind === 'nodes') {
      const server = (await this.deps.servers(g.clusterId)).find((s) => s.id === data.serverId);
      if (!server) throw new ValidationError([{ field: 'serverId', message: `no server ${data.serverId} in the group's cluster` }]);
      if (await em.findOne(HaNodeSchema, { groupId: g.id, serverId: data.serverId, ...other })) throw new ConflictError(`server ${server.name} is already a node of ${g.name}`);
      if (await em.findOne(HaNodeSchema, { groupId: g.id, priority: data.priority, ...other })) throw new ValidationError([{ field: 'priority', message: 'another node of the group has this priority; priorities must differ' }]);
    }
    if (kind === 'vips' && await em.findOne(HaVipSchema, { groupId: g.id, virtualRouterId: data.virtualRouterId, ...other })) {
      throw new ConflictError(`virtual_router_id ${data.virtualRouterId} is already used in ${g.name}`);
    }
    if (kind === 'vips' && await em.findOne(HaVipSchema, { address: data.address, ...other })) throw new ConflictError(`VIP ${data.address} is already configured`);
  }

  async children(user: Principal, kind: ChildKind, groupId: number): Promise<any[]> {
    await this.group(user, groupId);
    return this.deps.em().find(CHILDREN[kind].schema, { groupId }, { orderBy: { id: 'asc' } });
  }

  async child(user: Principal, kind: ChildKind, id: number, em = this.deps.em()): Promise<{ row: any; group: HaGroup }> {
    const row = Number.isInteger(id) ? await em.findOne(CHILDREN[kind].schema, { id }) : null;
    if (!row) throw new NotFoundError(`no ${CHILDREN[kind].label} ${id}`);
    const group = await this.group(user, row.groupId, em).catch(() => { throw new NotFoundError(`no ${CHILDREN[kind].label} ${id}`); });
    return { row, group };
  }

  async createChild(user: Principal, kind: ChildKind, groupId: number, body: unknown): Promise<{ row: any; group: HaGroup }> {
    const group = await this.group(user, groupId);
    const data = parse(CHILDREN[kind].input, body);
    await this.checkChild(kind, group, data);
    const em = this.deps.em();
    const row = em.create(CHILDREN[kind].schema, { ...(data as object), groupId } as never);
    await em.flush();
    return { row, group };
  }

  async updateChild(user: Principal, kind: ChildKind, id: number, body: unknown): Promise<{ before: any; row: any; group: HaGroup }> {
    const em = this.deps.em();
    const { row, group } = await this.child(user, kind, id, em);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
    const before = { ...row };
    const { id: _i, groupId: _g, createdAt: _c, updatedAt: _u, ...base } = row;
    const data = parse(CHILDREN[kind].input, { ...base, ...(body as object) });
    await this.checkChild(kind, group, data, id);
    Object.assign(row, data);
    await em.flush();
    return { before, row, group };
  }

  async removeChild(user: Principal, kind: ChildKind, id: number): Promise<{ row: any; group: HaGroup }> {
    const em = this.deps.em();
    const r = await this.child(user, kind, id, em);
    em.remove(r.row);
    await em.flush();
    return r;
  }
}
