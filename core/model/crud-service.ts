import { UniqueConstraintViolationException, type EntityManager, type FilterQuery, type MikroORM } from '@mikro-orm/core';
import { z } from 'zod';
import type { Principal } from '../../sdk/plugin.ts';
import type { LicenseService } from '../../sdk/core-services.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import { AuditEventSchema, ChangeSetEntrySchema, ExtensionSchema, TenantSchema } from './entities.ts';
import { ListQuery } from './schemas.ts';
import { containsText } from './search.ts';
import type { ParentLookup, ResourceDef } from './resources.ts';

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

export interface Actor { user: Principal; ip?: string | null }

/** Turns a zod failure into field problems a person can act on. */
export function zodProblems(err: z.ZodError): FieldProblem[] {
  return err.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: [...i.path, k].join('.'), message: 'unknown field' }));
    return [{ field: i.path.join('.') || '(body)', message: i.message }];
  });
}

export function parseInput<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new ValidationError(zodProblems(r.error));
  return r.data;
}

/**
 * Create, read, update, delete and copy for every core object, with tenant and scope
 * isolation, license checks, ChangeSet entries and the audit log in the same transaction.
 */
export class CrudService {
  constructor(private orm: MikroORM, private license: LicenseService) {}

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  /** Rows of `res` the user may see, as a filter. */
  scopeWhere(user: Principal, res: ResourceDef): Record<string, unknown> {
    const where: Record<string, unknown> = {};
    if (user.tenantId !== null) where[res.entity === TenantSchema ? 'id' : 'tenantId'] = user.tenantId;
    const ors = user.scopes
      .map((s) => ({ col: res.scopeColumns[s.type], id: s.id }))
      .filter((s): s is { col: string; id: number } => s.col !== undefined)
      .map((s) => ({ [s.col]: s.id }));
    if (ors.length) where.$or = ors;
    return where;
  }

  private need(user: Principal, res: ResourceDef, verb: 'read' | 'write'): void {
    const p = `${res.permission}:${verb}`;
    if (!user.can(p)) throw new ForbiddenError(`missing permission ${p}`);
    if (res.entity === TenantSchema && user.tenantId !== null && verb === 'write') throw new ForbiddenError('only the provider manages tenants');
  }

  serialize(res: ResourceDef, row: Record<string, any>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (res.secrets.includes(k)) out[`${k}Set`] = v !== null && v !== undefined && v !== '';
      else out[k] = v;
    }
    return out;
  }

  private lookup(em: EntityManager, user: Principal, resources: (e: unknown) => ResourceDef | undefined): ParentLookup {
    return {
      visible: async (entity, id) => {
        const res = resources(entity);
        const where = res ? this.scopeWhere(user, res) : user.tenantId !== null ? { tenantId: user.tenantId } : {};
        return (await em.findOne(entity, { $and: [where, { id }] } as FilterQuery<any>)) as Record<string, any> | null;
      },
      defaultTenantId: async () => {
        const [t] = await em.find(TenantSchema, {}, { orderBy: { id: 'asc' }, limit: 1 });
        if (!t) throw new ValidationError([{ field: 'tenantId', message: 'no tenant exists yet' }]);
        return t.id;
      },
    };
  }

  async list(user: Principal, res: ResourceDef, rawQuery: Record<string, unknown>): Promise<Page<Record<string, unknown>>> {
    this.need(user, res, 'read');
    const q = parseInput(ListQuery, rawQuery);
    const em = this.em();
    const props = Object.keys(res.entity.meta.properties);
    const where: Record<string, unknown> = this.scopeWhere(user, res);
    const and: Record<string, unknown>[] = [];
    for (const f of res.filters) {
      const v = rawQuery[f];
      if (v === undefined || v === '') continue;
      const n = Number(v);
      if (!Number.isInteger(n)) throw new ValidationError([{ field: f, message: 'expected an id' }]);
      and.push({ [f]: n });
    }
    if (q.q) and.push(containsText(this.orm, res.entity.meta.className, res.search, q.q));
    if (and.length) where.$and = and;
    let orderBy: Record<string, 'asc' | 'desc'> = { id: 'asc' };
    if (q.sort) {
      const desc = q.sort.startsWith('-');
      const col = desc ? q.sort.slice(1) : q.sort;
      if (!props.includes(col) || res.secrets.includes(col)) throw new ValidationError([{ field: 'sort', message: `cannot sort by "${col}"` }]);
      orderBy = { [col]: desc ? 'desc' : 'asc', ...(col === 'id' ? {} : { id: 'asc' }) };
    }
    const [rows, total] = await em.findAndCount(res.entity, where as FilterQuery<any>, {
      orderBy, limit: q.pageSize, offset: (q.page - 1) * q.pageSize,
    });
    return { items: rows.map((r) => this.serialize(res, r as Record<string, any>)), total, page: q.page, pageSize: q.pageSize };
  }

  private async find(em: EntityManager, user: Principal, res: ResourceDef, id: number): Promise<Record<string, any>> {
    if (!Number.isInteger(id) || id < 1) throw new NotFoundError(`no ${res.singular} ${id}`);
    const row = await em.findOne(res.entity, { $and: [this.scopeWhere(user, res), { id }] } as FilterQuery<any>);
    if (!row) throw new NotFoundError(`no ${res.singular} ${id}`);
    return row as Record<string, any>;
  }

  async get(user: Principal, res: ResourceDef, id: number): Promise<Record<string, unknown>> {
    this.need(user, res, 'read');
    return this.serialize(res, await this.find(this.em(), user, res, id));
  }

  async create(actor: Actor, res: ResourceDef, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const input = parseInput(res.input, body) as Record<string, any>;
    return this.write(actor, res, all, 'create', null, input);
  }

  async update(actor: Actor, res: ResourceDef, id: number, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const em = this.em();
    const existing = await this.find(em, actor.user, res, id);
    const patch = parseInput(res.input.partial(), body) as Record<string, any>;
    // Re-check the whole object, so rules across fields hold after the change.
    const merged = { ...this.inputFields(res, existing), ...patch };
    const input = parseInput(res.input, merged) as Record<string, any>;
    return this.write(actor, res, all, 'update', existing, input);
  }

  async copy(actor: Actor, res: ResourceDef, id: number, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const existing = await this.find(this.em(), actor.user, res, id);
    const overrides = parseInput(res.input.partial(), body) as Record<string, any>;
    const merged = { ...this.inputFields(res, existing), ...res.copyDefaults(existing), ...overrides };
    for (const [k, v] of Object.entries(merged)) if (v === null) delete merged[k];
    const input = parseInput(res.input, merged) as Record<string, any>;
    return this.write(actor, res, all, 'create', null, input, `copy of ${res.singular} ${id}`);
  }

  async remove(actor: Actor, res: ResourceDef, id: number): Promise<void> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    await this.em().transactional(async (em) => {
      const row = await this.find(em, actor.user, res, id);
      for (const child of res.children ?? []) {
        const n = await em.count(child.entity, { [child.column]: id });
        if (n) throw new ConflictError(`${res.singular} ${id} still has ${n} ${child.label}; delete or move them first`);
      }
      em.remove(row);
      this.record(em, actor, res, 'delete', row, null);
    });
  }

  /** The input-schema fields of a stored row (ids of parents included). */
  private inputFields(res: ResourceDef, row: Record<string, any>): Record<string, unknown> {
    const keys = Object.keys(res.input.shape);
    return Object.fromEntries(keys.filter((k) => row[k] !== undefined && row[k] !== null).map((k) => [k, row[k]]));
  }

  private async write(
    actor: Actor, res: ResourceDef, all: ResourceDef[], kind: 'create' | 'update',
    existing: Record<string, any> | null, input: Record<string, any>, note?: string,
  ): Promise<Record<string, unknown>> {
    const byEntity = (e: unknown) => all.find((r) => r.entity === e);
    try {
      return await this.em().transactional(async (em) => {
        const placement = await res.place(input, this.lookup(em, actor.user, byEntity), actor.user);
        if ('field' in placement) throw new ValidationError([placement]);
        const props = res.entity.meta.properties as Record<string, unknown>;
        const values = Object.fromEntries(Object.entries({ ...input, ...placement }).filter(([k]) => k in props && k !== 'id')) as Record<string, any>;
        this.assertInScope(actor.user, res, values, existing);
        const problems = [...(await this.uniqueProblems(em, res, values, existing?.id)), ...((await res.check?.(em, values)) ?? [])];
        if (problems.length) throw new ValidationError(problems);
        if (kind === 'create' && res.entity === ExtensionSchema) await this.assertExtensionQuota(em);
        let row: Record<string, any>;
        const before = existing ? this.serialize(res, { ...existing }) : null;
        if (existing) {
          const managed = await em.findOneOrFail(res.entity, { id: existing.id });
          em.assign(managed, values);
          row = managed as Record<string, any>;
        } else {
          row = em.create(res.entity, { ...values, createdAt: new Date(), updatedAt: new Date() }) as Record<string, any>;
        }
        await em.flush();
        this.record(em, actor, res, kind, before, row, note);
        return this.serialize(res, row);
      });
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`${res.singular} conflicts with an existing one`);
      throw err;
    }
  }

  private assertInScope(user: Principal, res: ResourceDef, values: Record<string, any>, existing: Record<string, any> | null): void {
    if (!user.scopes.length) return;
    const ok = (row: Record<string, any>) => user.scopes.some((s) => {
      const col = res.scopeColumns[s.type];
      return col !== undefined && col !== 'id' && row[col] === s.id;
    });
    const mapped = user.scopes.some((s) => res.scopeColumns[s.type] && res.scopeColumns[s.type] !== 'id');
    if (!mapped) {
      if (!existing) throw new ForbiddenError(`your scope does not allow creating ${res.name}`);
      return;
    }
    if (!ok(values)) throw new ForbiddenError(`this ${res.singular} would be outside your scope`);
  }

  private async uniqueProblems(em: EntityManager, res: ResourceDef, values: Record<string, any>, selfId?: number): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    for (const cols of res.unique) {
      const where = Object.fromEntries(cols.map((c) => [c, values[c]]));
      const clash = (await em.findOne(res.entity, where as FilterQuery<any>)) as Record<string, any> | null;
      if (clash && clash.id !== selfId) {
        const field = cols[cols.length - 1]!;
        problems.push({ field, message: `"${values[field]}" is already used${cols.includes('clusterId') ? ' in this cluster' : ''} (${res.singular} ${clash.id})` });
      }
    }
    return problems;
  }

  private async assertExtensionQuota(em: EntityManager): Promise<void> {
    const max = this.license.info().maxExtensions;
    if (max !== null && (await em.count(ExtensionSchema, {})) >= max) {
      throw new ForbiddenError(`the license allows ${max} extensions`);
    }
  }

  private record(em: EntityManager, actor: Actor, res: ResourceDef, action: 'create' | 'update' | 'delete', before: Record<string, any> | null, after: Record<string, any> | null, note?: string): void {
    const row = (after ?? before)!;
    const tenantId = res.entity === TenantSchema ? row.id : row.tenantId;
    const snapshot = (r: Record<string, any> | null) => (r ? this.serialize(res, { ...r }) : null);
    em.create(ChangeSetEntrySchema, {
      tenantId, clusterId: res.clusterOf(row), entity: res.singular, entityId: row.id, action,
      before: snapshot(before), after: snapshot(after), userId: actor.user.userId, username: actor.user.username, createdAt: new Date(),
    });
    em.create(AuditEventSchema, {
      at: new Date(), tenantId, userId: actor.user.userId, username: actor.user.username, action: `${res.singular}.${action}`,
      target: res.singular, targetId: String(row.id), before: snapshot(before), after: note ? { ...snapshot(after), note } : snapshot(after), ip: actor.ip ?? null,
    });
  }
}
