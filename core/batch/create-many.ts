import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import type { LicenseService } from '../../sdk/core-services.ts';
import { ConflictError, ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import type { Actor } from '../model/crud-service.ts';
import { ExtensionSchema } from '../model/entities.ts';
import { coreRefs, type Placement, type ResourceDef } from '../model/resources.ts';
import {
  assertExtensionQuota, needPermission, parentLookup, recordWrite, scopeProblem, serializeRow, uniqueProblems,
} from '../model/crud-rules.ts';

/**
 * Creating many rows of one resource in ONE transaction, with the same rules as
 * `CrudService.create` (permission, license, placement and visibility of the parent, scope,
 * uniqueness, the resource's own checks, the extension quota) and the same ChangeSet and audit
 * entries — but every problem of every row is collected first and nothing is written unless all
 * rows are good. CrudService opens its own transaction per row, so batch and CSV import use this.
 *
 * Inputs must already be parsed with `res.input` (the one schema of the object).
 */
export interface ManyRow {
  input: Record<string, any>;
  /** Prefix for this row's problems, e.g. `line 5` → field `line 5.extension`. */
  label: string;
}

export interface CreateManyOptions {
  /** Check everything, write nothing. */
  dryRun?: boolean;
  /** Written into each audit entry's `after.note`. */
  note?: string;
  /** Called as rows are written (every `chunk` rows and at the end). */
  onProgress?: (done: number, total: number) => void;
  chunk?: number;
}

export interface CreateManyResult { created: number; items: Record<string, unknown>[] }

const problemOf = (label: string, p: FieldProblem): FieldProblem => ({ field: `${label}.${p.field}`, message: p.message });

/**
 * Places and checks every row, then (unless dryRun) creates them all in one transaction.
 * Throws ValidationError listing every problem of every row (fields prefixed by the row label);
 * nothing is written then.
 */
export async function createMany(
  orm: MikroORM, license: LicenseService, actor: Actor, res: ResourceDef, all: ResourceDef[],
  rows: ManyRow[], opts: CreateManyOptions = {},
): Promise<CreateManyResult> {
  needPermission(actor.user, res, 'write');
  if (!opts.dryRun) license.assertWritable();
  const chunk = Math.max(1, opts.chunk ?? 250);
  try {
    return await orm.em.fork().transactional(async (em) => {
      const lookup = parentLookup(em, actor.user, all);
      const props = res.entity.meta.properties as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const placed: { label: string; values: Record<string, any> }[] = [];
      const checks = new Map<string, Promise<FieldProblem[]>>();
      for (const r of rows) {
        const placement: Placement | FieldProblem = await res.place(r.input, lookup, actor.user);
        if ('field' in placement) {
          problems.push(problemOf(r.label, placement));
          continue;
        }
        const values = Object.fromEntries(Object.entries({ ...r.input, ...placement }).filter(([k]) => k in props && k !== 'id')) as Record<string, any>;
        const scope = scopeProblem(actor.user, res, values);
        if (scope) {
          problems.push({ field: `${r.label}.(scope)`, message: scope });
          continue;
        }
        if (res.check) {
          // The extension check depends on the group and tenant only: ask once per pair.
          const key = res.entity === ExtensionSchema ? `${values.tenantId}:${values.groupId ?? ''}` : `${placed.length}`;
          let c = checks.get(key);
          if (!c) {
            c = Promise.resolve(res.check(em, values, null, coreRefs(lookup)));
            checks.set(key, c);
          }
          const own = await c;
          if (own.length) {
            problems.push(...own.map((p) => problemOf(r.label, p)));
            continue;
          }
        }
        placed.push({ label: r.label, values });
      }
      problems.push(...(await uniqueProblems(em, res, placed)));
      if (problems.length) throw new ValidationError(problems, `${problems.length} problem(s); nothing was written`);
      if (opts.dryRun) return { created: 0, items: [] };
      if (res.entity === ExtensionSchema) await assertExtensionQuota(em, license, placed.length);
      const items: Record<string, unknown>[] = [];
      const total = placed.length;
      opts.onProgress?.(0, total);
      for (let i = 0; i < total; i += chunk) {
        const now = new Date();
        const created = placed.slice(i, i + chunk).map((p) => em.create(res.entity, { ...p.values, createdAt: now, updatedAt: now }) as Record<string, any>);
        await em.flush();
        for (const row of created) {
          recordWrite(em, actor, res, 'create', null, row, opts.note);
          items.push(serializeRow(res, row));
        }
        await em.flush();
        em.clear();
        opts.onProgress?.(Math.min(total, i + chunk), total);
      }
      return { created: total, items };
    });
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new ConflictError(`a ${res.singular} conflicts with an existing one; nothing was written`);
    throw err;
  }
}
