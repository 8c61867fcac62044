import {
  configText, ConflictError, ForbiddenError, NotFoundError, parseInput, raw, ValidationError, visibleClusters, z,
  type ClusterView, type ConfigChange, type EntityManager, type FieldProblem, type FilterQuery, type PluginDb, type Principal,
  type WriteActor,
} from '../../sdk/index.ts';
import { RECURRENCES, VIDEO_MODES, type PinPolicy, type RoomView } from './api/index.ts';
import { RoomSchema, type Room } from './entities.ts';

const when = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date and time, e.g. 2026-05-30T09:00:00Z')
  .transform((s) => new Date(s));
const pin = z.string().regex(/^[0-9]{1,16}$/, '1 to 16 digits');
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** What a client may send. PINs: absent = keep, null = remove (on update). */
export const RoomInput = z.strictObject({
  clusterId: z.number().int().positive(),
  number: z.string().regex(/^[0-9]{2,20}$/, '2 to 20 digits'),
  startsAt: when,
  endsAt: opt(when),
  recurrence: z.enum(RECURRENCES).default('none'),
  durationMinutes: opt(z.number().int().min(1).max(1440)),
  externalNumber: opt(z.string().regex(/^\+?[0-9]{2,31}$/, 'digits with an optional leading +')),
  owner: opt(configText(80)),
  account: opt(configText(80)),
  description: opt(configText(255)),
  maxUsers: opt(z.number().int().min(1).max(1000)),
  userPin: opt(pin),
  adminPin: opt(pin),
  record: z.boolean().default(false),
  videoMode: z.enum(VIDEO_MODES).default('none'),
}).superRefine((v, ctx) => {
  if (v.endsAt && v.endsAt.getTime() <= v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  if (v.userPin && v.adminPin && v.userPin === v.adminPin) ctx.addIssue({ code: 'custom', path: ['adminPin'], message: 'must differ from the user PIN' });
  if (v.durationMinutes && v.recurrence === 'none') ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'only for recurring rooms (use endsAt)' });
});
export type RoomInputData = z.output<typeof RoomInput>;

export const ListQuery = z.object({
  q: z.string().max(200).optional(),
  sort: z.string().max(40).optional(),
  clusterId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});

const SORTABLE = ['number', 'clusterId', 'startsAt', 'endsAt', 'recurrence', 'owner', 'account', 'description', 'maxUsers', 'open', 'createdAt', 'updatedAt'];
const SEARCHED: (keyof Room)[] = ['number', 'description', 'owner', 'account', 'externalNumber'];

/** The SDK's parser: 422 naming each bad field. */
export const parse = parseInput;

export function toView(r: Room): RoomView {
  return {
    id: r.id, tenantId: r.tenantId, clusterId: r.clusterId, number: r.number,
    startsAt: r.startsAt.toISOString(), endsAt: r.endsAt ? r.endsAt.toISOString() : null,
    recurrence: r.recurrence as RoomView['recurrence'], durationMinutes: r.durationMinutes ?? null,
    externalNumber: r.externalNumber ?? null, owner: r.owner ?? null, account: r.account ?? null,
    description: r.description ?? null, maxUsers: r.maxUsers ?? null,
    userPinSet: !!r.userPin, adminPinSet: !!r.adminPin, record: r.record, videoMode: r.videoMode as RoomView['videoMode'],
    open: r.open, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}


export interface RoomStoreDeps {
  em(): EntityManager;
  /** ctx.db.write: a room's row, its ChangeSet entries and its audit event in one transaction. */
  write: PluginDb['write'];
  clusters(): Promise<ClusterView[]>;
  policies(): ReadonlyMap<string, PinPolicy>;
}

/** Rooms: list/get/create/update/delete with validation, scope checks and the PIN policies. */
export class RoomStore {
  constructor(private deps: RoomStoreDeps) {}

  private async clusterIds(user: Principal): Promise<number[]> {
    return visibleClusters(user, await this.deps.clusters()).map((c) => c.id);
  }

  async list(user: Principal, rawQuery: unknown) {
    const q = parse(ListQuery, rawQuery);
    const ids = await this.clusterIds(user);
    const and: FilterQuery<Room>[] = [{ clusterId: { $in: q.clusterId ? ids.filter((i) => i === q.clusterId) : ids } }];
    if (q.q) {
      const needle = q.q.toLowerCase();
      const props = this.deps.em().getMetadata().get('ConferenceRoom').properties as unknown as Record<string, { fieldNames: string[] }>;
      and.push({ $or: SEARCHED.map((c) => ({ [raw((alias: string) => `instr(lower(${alias}.${props[c]!.fieldNames[0]}), ?)`, [needle])]: { $gt: 0 } })) } as FilterQuery<Room>);
    }
    let orderBy: Record<string, 'asc' | 'desc'> = { number: 'asc', id: 'asc' };
    if (q.sort) {
      const desc = q.sort.startsWith('-');
      const col = desc ? q.sort.slice(1) : q.sort;
      if (!SORTABLE.includes(col)) throw new ValidationError([{ field: 'sort', message: `cannot sort by "${col}"` }]);
      orderBy = { [col]: desc ? 'desc' : 'asc', id: 'asc' };
    }
    const em = this.deps.em();
    const [rows, total] = await em.findAndCount(RoomSchema, { $and: and }, { orderBy, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { items: rows.map(toView), total, page: q.page, pageSize: q.pageSize };
  }

  /** The stored row (with PINs) of a room the caller may see; 404 otherwise. */
  async row(user: Principal, id: number): Promise<Room> {
    return rowIn(this.deps.em(), await this.clusterIds(user), id);
  }

  async all(clusterId?: number): Promise<Room[]> {
    return this.deps.em().find(RoomSchema, clusterId ? { clusterId } : {}, { orderBy: { number: 'asc' } });
  }

  private async checked(em: EntityManager, clusters: ClusterView[], body: unknown, existing?: Room): Promise<{ data: RoomInputData; cluster: ClusterView }> {
    let merged: unknown = body;
    if (existing) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
      const b = body as Record<string, unknown>;
      const base = toView(existing);
      merged = {
        clusterId: base.clusterId, number: base.number, startsAt: base.startsAt, endsAt: base.endsAt, recurrence: base.recurrence,
        durationMinutes: base.durationMinutes, externalNumber: base.externalNumber, owner: base.owner, account: base.account,
        description: base.description, maxUsers: base.maxUsers, record: base.record, videoMode: base.videoMode,
        userPin: existing.userPin ?? null, adminPin: existing.adminPin ?? null, ...b,
      };
    }
    const data = parse(RoomInput, merged);
    const cluster = clusters.find((c) => c.id === data.clusterId);
    if (!cluster) throw new ValidationError([{ field: 'clusterId', message: `no cluster ${data.clusterId}` }]);
    const problems: FieldProblem[] = [];
    for (const [kind, value] of [['user', data.userPin], ['admin', data.adminPin]] as const) {
      if (!value) continue;
      for (const [key, policy] of [...this.deps.policies().entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const msg = await policy.check({ pin: value, kind, room: { number: data.number, clusterId: cluster.id, tenantId: cluster.tenantId } });
        if (msg) problems.push({ field: `${kind}Pin`, message: `${msg} (policy ${key})` });
      }
    }
    if (problems.length) throw new ValidationError(problems);
    const twin = await em.findOne(RoomSchema, { clusterId: cluster.id, number: data.number, ...(existing ? { id: { $ne: existing.id } } : {}) });
    if (twin) throw new ConflictError(`room ${data.number} already exists on cluster ${cluster.name}`);
    if (data.externalNumber) {
      const did = await em.findOne(RoomSchema, { clusterId: cluster.id, externalNumber: data.externalNumber, ...(existing ? { id: { $ne: existing.id } } : {}) });
      if (did) throw new ConflictError(`external number ${data.externalNumber} already leads to room ${did.number}`);
    }
    return { data, cluster };
  }

  private assign(row: Partial<Room>, data: RoomInputData, cluster: ClusterView): void {
    Object.assign(row, {
      tenantId: cluster.tenantId, siteId: cluster.siteId, clusterId: cluster.id, number: data.number,
      startsAt: data.startsAt, endsAt: data.endsAt ?? null, recurrence: data.recurrence, durationMinutes: data.durationMinutes ?? null,
      externalNumber: data.externalNumber ?? null, owner: data.owner ?? null, account: data.account ?? null,
      description: data.description ?? null, maxUsers: data.maxUsers ?? null, userPin: data.userPin ?? null,
      adminPin: data.adminPin ?? null, record: data.record, videoMode: data.videoMode,
    });
  }

  /** The clusters the actor may write to, read before the transaction (inside it only its own `em` may query). */
  private async writable(actor: WriteActor): Promise<ClusterView[]> {
    return visibleClusters(actor.user, await this.deps.clusters());
  }

  async create(actor: WriteActor, body: unknown): Promise<Room> {
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const { data, cluster } = await this.checked(em, clusters, body);
      const row = em.create(RoomSchema, { open: false } as Room);
      this.assign(row, data, cluster);
      await em.flush();
      changed(roomChange('create', row, null, toView(row)));
      return row;
    });
  }

  async update(actor: WriteActor, id: number, body: unknown): Promise<{ before: RoomView; after: Room }> {
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const row = await rowIn(em, clusters.map((c) => c.id), id);
      const before = toView(row);
      const { data, cluster } = await this.checked(em, clusters, body, row);
      this.assign(row, data, cluster);
      await em.flush();
      changed(roomChange('update', row, before, toView(row)));
      return { before, after: row };
    });
  }

  async remove(actor: WriteActor, id: number): Promise<Room> {
    const clusters = await this.writable(actor);
    return this.deps.write(actor, async ({ em, changed }) => {
      const row = await rowIn(em, clusters.map((c) => c.id), id);
      if (!actor.user.can('conference.room:write')) throw new ForbiddenError('missing permission conference.room:write');
      const before = toView(row);
      em.remove(row);
      await em.flush();
      changed(roomChange('delete', row, before, null));
      return row;
    });
  }

  /** The scheduler's open/closed flag: live state in AstDB, not in any rendered file, so no ChangeSet entry. */
  async setOpen(id: number, open: boolean, at: Date): Promise<void> {
    const em = this.deps.em();
    const row = await em.findOne(RoomSchema, { id });
    if (!row) return;
    row.open = open;
    row.openChangedAt = at;
    await em.flush();
  }
}

/** The stored row (with PINs) of a room on one of `clusterIds`; 404 otherwise. */
async function rowIn(em: EntityManager, clusterIds: number[], id: number): Promise<Room> {
  const row = Number.isInteger(id) ? await em.findOne(RoomSchema, { id }) : null;
  if (!row || !clusterIds.includes(row.clusterId)) throw new NotFoundError(`no conference room ${id}`);
  return row;
}

/** A room changes the files of its cluster, and of the cluster it left when it moved. */
function roomChange(action: ConfigChange['action'], row: Room, before: RoomView | null, after: RoomView | null): ConfigChange {
  const clusterIds = [...new Set([before?.clusterId ?? row.clusterId, row.clusterId])];
  return { entity: 'conference.room', action, id: row.id, tenantId: row.tenantId, clusterIds, before, after };
}
