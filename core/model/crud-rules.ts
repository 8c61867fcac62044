import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { z } from 'zod';
import type { LicenseService } from '../../sdk/core-services.ts';
import { ForbiddenError, ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import type { ConfigChange, Principal } from '../../sdk/plugin.ts';
import { parseInput } from '../../sdk/validation.ts';
import { AuditEventSchema, ChangeSetEntrySchema, ExtensionSchema, TenantSchema } from './entities.ts';
import type { ParentLookup, ResourceDef } from './resources.ts';

/**
 * The rules every write of a core object follows, whether one row (CrudService) or many in one
 * transaction (batch, CSV import): permission, tenant and scope, license quota, and the
 * ChangeSet + audit entries.
 */

/** Rows of `res` the user may see, as a filter: their tenant, narrowed by their scopes. */
export function scopeWhere(user: Principal, res: ResourceDef): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (user.tenantId !== null) where[res.entity === TenantSchema ? 'id' : 'tenantId'] = user.tenantId;
  const ors = user.scopes
    .map((s) => ({ col: res.scopeColumns[s.type], id: s.id }))
    .filter((s): s is { col: string; id: number } => s.col !== undefined)
    .map((s) => ({ [s.col]: s.id }));
  if (ors.length) where.$or = ors;
  return where;
}

export function needPermission(user: Principal, res: ResourceDef, verb: 'read' | 'write'): void {
  const p = `${res.permission}:${verb}`;
  if (!user.can(p)) throw new ForbiddenError(`missing permission ${p}`);
  if (res.entity === TenantSchema && user.tenantId !== null && verb === 'write') throw new ForbiddenError('only the provider manages tenants');
}

/** Why `values` may not be written by a scoped user, or null. An update may keep a row its scope cannot place. */
export function scopeProblem(user: Principal, res: ResourceDef, values: Record<string, any>, existing: Record<string, any> | null = null): string | null {
  if (!user.scopes.length) return null;
  const mapped = user.scopes.some((s) => res.scopeColumns[s.type] && res.scopeColumns[s.type] !== 'id');
  if (!mapped) return existing ? null : `your scope does not allow creating ${res.name}`;
  const ok = user.scopes.some((s) => {
    const col = res.scopeColumns[s.type];
    return col !== undefined && col !== 'id' && values[col] === s.id;
  });
  return ok ? null : `this ${res.singular} would be outside your scope`;
}

/** Answers "is this parent there, for this user?", remembering each answer for the unit of work. */
export function parentLookup(em: EntityManager, user: Principal, all: ResourceDef[]): ParentLookup {
  const cache = new Map<string, Promise<Record<string, any> | null>>();
  let tenant: Promise<number> | undefined;
  return {
    visible(entity, id) {
      const key = `${entity.meta.className}:${id}`;
      let hit = cache.get(key);
      if (!hit) {
        const res = all.find((r) => r.entity === entity);
        const where = res ? scopeWhere(user, res) : user.tenantId !== null ? { tenantId: user.tenantId } : {};
        hit = em.findOne(entity, { $and: [where, { id }] } as FilterQuery<any>) as Promise<Record<string, any> | null>;
        cache.set(key, hit);
      }
      return hit;
    },
    visibleIn(def, id) {
      const key = `${def.changeEntity}:${id}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = Number.isInteger(id) ? em.findOne(def.entity, { $and: [scopeWhere(user, def), { id }] } as FilterQuery<any>) as Promise<Record<string, any> | null> : Promise.resolve(null);
        cache.set(key, hit);
      }
      return hit;
    },
    defaultTenantId() {
      tenant ??= em.find(TenantSchema, {}, { orderBy: { id: 'asc' }, limit: 1 }).then(([t]) => {
        if (!t) throw new ValidationError([{ field: 'tenantId', message: 'no tenant exists yet' }]);
        return t.id;
      });
      return tenant;
    },
  };
}

/**
 * The fields a partial write (PUT, copy overrides) names, each checked by its own schema: only
 * those keys come back, so a field with a schema default that the body does not name is not
 * filled in (zod's `partial()` would fill it). `null` stays null, for the caller to clear with.
 */
export function parsePatch(input: z.ZodObject<any>, body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError([{ field: '(body)', message: 'expected an object' }]);
  const named = Object.entries(body).filter(([, v]) => v !== undefined);
  const shape = input.shape as Record<string, z.ZodType>;
  const fields = Object.fromEntries(named.filter(([k]) => Object.hasOwn(shape, k)).map(([k]) => [k, shape[k]!]));
  return parseInput(z.strictObject(fields), Object.fromEntries(named)) as Record<string, unknown>;
}

/** Refuses extensions beyond the license's number. */
export async function assertExtensionQuota(em: EntityManager, license: LicenseService, adding: number): Promise<void> {
  const max = license.info().maxExtensions;
  if (max !== null && (await em.count(ExtensionSchema, {})) + adding > max) throw new ForbiddenError(`the license allows ${max} extensions`);
}

/** The row as the API answers: secrets replaced by `<field>Set`. */
export function serializeRow(res: ResourceDef, row: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (res.secrets.includes(k)) out[`${k}Set`] = v !== null && v !== undefined && v !== '';
    else out[k] = v;
  }
  return out;
}

/**
 * The ChangeSet entries ("changes waiting") and the audit event of one write, in the caller's
 * transaction: for the clusters the row affected before and after (a moved row changes both).
 */
export function recordWrite(
  em: EntityManager, actor: { user: Principal; ip?: string | null }, res: ResourceDef, action: 'create' | 'update' | 'delete',
  before: Record<string, any> | null, after: Record<string, any> | null, note?: string,
): void {
  const row = (after ?? before)!;
  const sides = [before, after].filter((r): r is Record<string, any> => r !== null).map((r) => res.clustersOf(r));
  const clusterIds = sides.some((c) => c === null) ? null : [...new Set(sides.flatMap((c) => c!))];
  const snapshot = (r: Record<string, any> | null) => (r ? serializeRow(res, { ...r }) : null);
  recordChange(em, actor, {
    entity: res.changeEntity, action, id: row.id, tenantId: res.entity === TenantSchema ? row.id : row.tenantId,
    clusterIds, before: snapshot(before), after: snapshot(after),
  }, note);
}

/**
 * The ChangeSet entries and the audit event of one changed object (core or plugin), in the
 * caller's transaction: one entry per cluster, or one tenant-wide entry (`clusterIds: null`).
 */
export function recordChange(em: EntityManager, actor: { user: Principal; ip?: string | null }, change: ConfigChange, note?: string): void {
  const { user } = actor;
  const after = change.after ?? null;
  for (const clusterId of change.clusterIds ?? [null]) {
    em.create(ChangeSetEntrySchema, {
      tenantId: change.tenantId, clusterId, entity: change.entity, entityId: change.id, action: change.action,
      before: change.before ?? null, after, userId: user.userId, username: user.username, createdAt: new Date(),
    });
  }
  em.create(AuditEventSchema, {
    at: new Date(), tenantId: change.tenantId, userId: user.userId, username: user.username, action: `${change.entity}.${change.action}`,
    target: change.entity, targetId: String(change.id), before: change.before ?? null, after: note ? { ...after, note } : after, ip: actor.ip ?? null,
    label: auditLabel(change.after ?? change.before),
  });
}

/** The fields an object is known by, in the order people name it: number, then name. */
const LABEL_FIELDS = ['extension', 'number', 'did', 'name', 'username', 'host'];

/** The object's number and name for the audit log (an id means nothing to someone searching for 6102). */
export function auditLabel(object: object | null | undefined): string | null {
  if (!object) return null;
  const values = LABEL_FIELDS.map((f) => (object as Record<string, unknown>)[f])
    .filter((v): v is string | number => (typeof v === 'string' && v !== '') || typeof v === 'number');
  const label = [...new Set(values.map(String))].join(' ');
  return label ? label.slice(0, 120) : null;
}

const keyOf = (cols: string[], row: Record<string, any>) => JSON.stringify(cols.map((c) => row[c] ?? null));

/**
 * Uniqueness (`res.unique`) of rows against the table and against each other. A row's problems
 * name `<label>.<field>` (or just the field without a label); `selfId` is the row being updated.
 */
export async function uniqueProblems(
  em: EntityManager, res: ResourceDef, rows: { label?: string; values: Record<string, any>; selfId?: number }[],
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const name = (r: { label?: string }, field: string) => (r.label ? `${r.label}.${field}` : field);
  for (const cols of res.unique) {
    const field = cols[cols.length - 1]!;
    const wanted = [...new Set(rows.map((r) => r.values[field]).filter((v) => v !== null && v !== undefined))];
    const existing = new Map<string, number[]>();
    for (let i = 0; i < wanted.length; i += 500) {
      const where: Record<string, unknown> = { [field]: { $in: wanted.slice(i, i + 500) } };
      for (const c of cols.slice(0, -1)) where[c] = { $in: [...new Set(rows.map((r) => r.values[c]))] };
      const found = (await em.find(res.entity, where as FilterQuery<any>, { fields: ['id', ...cols] as never })) as Record<string, any>[];
      for (const f of found) existing.set(keyOf(cols, f), [...(existing.get(keyOf(cols, f)) ?? []), f.id]);
    }
    const inBatch = new Map<string, string>();
    const where = cols.includes('clusterId') ? ' in this cluster' : '';
    for (const r of rows) {
      if (r.values[field] === null || r.values[field] === undefined) continue;
      const k = keyOf(cols, r.values);
      const clash = (existing.get(k) ?? []).find((id) => id !== r.selfId);
      if (clash !== undefined) problems.push({ field: name(r, field), message: `"${r.values[field]}" is already used${where} (${res.singular} ${clash})` });
      else if (inBatch.has(k)) problems.push({ field: name(r, field), message: `"${r.values[field]}" is also given by ${inBatch.get(k)}` });
      else inBatch.set(k, r.label ?? 'another row');
    }
  }
  return problems;
}
