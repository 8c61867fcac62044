import { UniqueConstraintViolationException, type EntityManager, type FilterQuery, type MikroORM } from '@mikro-orm/core';
import type { Principal } from '../../sdk/plugin.ts';
import type { LicenseService } from '../../sdk/core-services.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../sdk/errors.ts';
import { parseInput } from '../../sdk/validation.ts';
import { ExtensionSchema, TenantSchema } from './entities.ts';
import { assertExtensionQuota, needPermission, parentLookup, parsePatch, recordWrite, scopeProblem, scopeWhere, serializeRow, uniqueProblems } from './crud-rules.ts';
import { ListQuery } from './schemas.ts';
import { containsText } from './search.ts';
import { coreRefs, type ResourceDef } from './resources.ts';
import type { ResourceWrite } from '../../sdk/resources.ts';
import type { ModelChanged } from './plugin-writes.ts';

/** The fields of `body` that `checked` (its parsed patch) names, as sent: parsed once more with the whole object. */
function rawFields(body: unknown, checked: Record<string, unknown>): Record<string, unknown> {
  const b = body as Record<string, unknown>;
  return Object.fromEntries(Object.keys(checked).map((k) => [k, b[k]]));
}

export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

export interface Actor { user: Principal; ip?: string | null }

export { parseInput, zodProblems } from '../../sdk/validation.ts';

/**
 * Create, read, update, delete and copy for every core object, with tenant and scope
 * isolation, license checks, ChangeSet entries and the audit log in the same transaction.
 */
export class CrudService {
  /**
   * `changed` hears of every committed write, e.g. to refresh live state and connections;
   * `failed` of a resource's `afterWrite` that threw (the write stands).
   */
  constructor(
    private orm: MikroORM, private license: LicenseService,
    private changed: (change: ModelChanged) => void = () => undefined,
    private failed: (res: ResourceDef, err: unknown) => void = () => undefined,
  ) {}

  private async committed(res: ResourceDef, write: ResourceWrite): Promise<void> {
    const row = (write.after ?? write.before)!;
    const sides = [write.before, write.after].filter((r): r is Record<string, any> => r !== null).map((r) => res.clustersOf(r));
    this.changed({
      entity: res.changeEntity, tenantId: res.entity === TenantSchema ? row.id : row.tenantId,
      clusterIds: sides.some((c) => c === null) ? null : [...new Set(sides.flatMap((c) => c!))],
    });
    try {
      await res.afterWrite?.(write);
    } catch (err) {
      this.failed(res, err);
    }
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  /** Rows of `res` the user may see, as a filter. */
  scopeWhere(user: Principal, res: ResourceDef): Record<string, unknown> {
    return scopeWhere(user, res);
  }

  private need(user: Principal, res: ResourceDef, verb: 'read' | 'write'): void {
    needPermission(user, res, verb);
  }

  serialize(res: ResourceDef, row: Record<string, any>): Record<string, unknown> {
    return serializeRow(res, row);
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
    let orderBy: Record<string, 'asc' | 'desc'> = { [res.defaultSort]: 'asc', ...(res.defaultSort === 'id' ? {} : { id: 'asc' }) };
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
    return this.serialize(res, await this.row(user, res, id));
  }

  /** Every row of `res` (no user: for renderers, jobs and services), optionally of one cluster, in its default order. */
  async all(res: ResourceDef, clusterId?: number): Promise<Record<string, any>[]> {
    const orderBy = { [res.defaultSort]: 'asc', ...(res.defaultSort === 'id' ? {} : { id: 'asc' }) } as Record<string, 'asc'>;
    return (await this.em().find(res.entity, (clusterId === undefined ? {} : { clusterId }) as FilterQuery<any>, { orderBy })) as Record<string, any>[];
  }

  /** The stored row, secrets included, of one the user may see. */
  async row(user: Principal, res: ResourceDef, id: number): Promise<Record<string, any>> {
    this.need(user, res, 'read');
    return this.find(this.em(), user, res, id);
  }

  async create(actor: Actor, res: ResourceDef, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const input = parseInput(res.input, body) as Record<string, any>;
    return this.write(actor, res, all, 'create', null, input);
  }

  /**
   * Changes exactly the fields `body` names: a field it does not name keeps its stored value,
   * schema default or not; `null` clears a nullable field. The merged object is validated whole.
   */
  async update(actor: Actor, res: ResourceDef, id: number, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const em = this.em();
    const existing = await this.find(em, actor.user, res, id);
    const patch = rawFields(body, parsePatch(res.input, body));
    // Re-check the whole object, so rules across fields hold after the change.
    const input = parseInput(res.input, { ...this.inputFields(res, existing), ...patch }) as Record<string, any>;
    return this.write(actor, res, all, 'update', existing, input, { named: Object.keys(patch) });
  }

  /** A new row like `id`: every field as stored, but for the copy's own (`copyDefaults`) and what `body` names. */
  async copy(actor: Actor, res: ResourceDef, id: number, body: unknown, all: ResourceDef[]): Promise<Record<string, unknown>> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const existing = await this.find(this.em(), actor.user, res, id);
    const overrides = rawFields(body, parsePatch(res.input, body));
    const merged = { ...this.inputFields(res, existing), ...res.copyDefaults(existing), ...overrides };
    const input = parseInput(res.input, merged) as Record<string, any>;
    return this.write(actor, res, all, 'create', null, input, { note: `copy of ${res.singular} ${id}` });
  }

  async remove(actor: Actor, res: ResourceDef, id: number): Promise<void> {
    this.need(actor.user, res, 'write');
    this.license.assertWritable();
    const before = await this.em().transactional(async (em) => {
      const row = await this.find(em, actor.user, res, id);
      for (const child of res.children) {
        if (child.cascade) {
          await em.nativeDelete(child.entity, { [child.column]: id });
          continue;
        }
        const n = await em.count(child.entity, { [child.column]: id });
        if (n) throw new ConflictError(`${res.singular} ${id} still has ${n} ${child.label}; delete or move them first`);
      }
      const stored = { ...row };
      em.remove(row);
      recordWrite(em, actor, res, 'delete', stored, null);
      return stored;
    });
    await this.committed(res, { action: 'delete', before, after: null, actor });
  }

  /** The input-schema fields of a stored row (ids of parents included). */
  private inputFields(res: ResourceDef, row: Record<string, any>): Record<string, unknown> {
    const keys = Object.keys(res.input.shape);
    // As a client would send them: input schemas take dates as ISO 8601 text.
    return Object.fromEntries(keys.filter((k) => row[k] !== undefined && row[k] !== null).map((k) => [k, row[k] instanceof Date ? row[k].toISOString() : row[k]]));
  }

  private async write(
    actor: Actor, res: ResourceDef, all: ResourceDef[], kind: 'create' | 'update',
    existing: Record<string, any> | null, input: Record<string, any>, opts: { named?: string[]; note?: string } = {},
  ): Promise<Record<string, unknown>> {
    try {
      const out = await this.em().transactional(async (em) => {
        const lookup = parentLookup(em, actor.user, all);
        const placement = await res.place(input, lookup, actor.user);
        if ('field' in placement) throw new ValidationError([placement]);
        const props = res.entity.meta.properties as Record<string, unknown>;
        const values = Object.fromEntries(Object.entries({ ...input, ...placement }).filter(([k]) => k in props && k !== 'id')) as Record<string, any>;
        const outOfScope = scopeProblem(actor.user, res, values, existing);
        if (outOfScope) throw new ForbiddenError(outOfScope);
        const problems = [...(await uniqueProblems(em, res, [{ values, selfId: existing?.id }])), ...((await res.check?.(em, values, existing, coreRefs(lookup))) ?? [])];
        if (problems.length) throw new ValidationError(problems);
        if (kind === 'create' && res.entity === ExtensionSchema) await assertExtensionQuota(em, this.license, 1);
        let row: Record<string, any>;
        if (existing) {
          const managed = await em.findOneOrFail(res.entity, { id: existing.id });
          // The checks above saw the whole row; only the named fields and the placement are written.
          const named = new Set([...(opts.named ?? []), ...Object.keys(placement)]);
          em.assign(managed, Object.fromEntries(Object.entries(values).filter(([k]) => named.has(k))));
          row = managed as Record<string, any>;
        } else {
          row = em.create(res.entity, { ...values, createdAt: new Date(), updatedAt: new Date() }) as Record<string, any>;
        }
        await em.flush();
        recordWrite(em, actor, res, kind, existing, row, opts.note);
        return { view: this.serialize(res, row), stored: { ...row } };
      });
      await this.committed(res, { action: kind, before: existing ? { ...existing } : null, after: out.stored, actor });
      if (!res.afterWrite) return out.view;
      // The hook may have changed the row (a scheduler opening a room): answer what is stored now.
      const now = await this.em().findOne(res.entity, { id: out.stored.id } as FilterQuery<any>);
      return now ? this.serialize(res, now as Record<string, any>) : out.view;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`${res.singular} conflicts with an existing one`);
      throw err;
    }
  }
}
