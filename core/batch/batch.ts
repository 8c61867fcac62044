import { randomBytes, randomInt } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import { z } from 'zod';
import type { Acm } from '../app.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import { busSubject } from '../../sdk/bus.ts';
import { MODEL_CHANGED_SUBJECT } from '../bus/subjects.ts';
import { zodProblems, type Actor } from '../model/crud-service.ts';
import { ClusterSchema, ExtensionSchema, GroupSchema, TenantSchema, TrunkSchema, type Cluster, type Extension } from '../model/entities.ts';
import { ExtensionInput } from '../model/schemas.ts';
import { resource, resources } from '../model/resources.ts';
import { mailboxKey, patternToRegExp } from '../commit/render/common.ts';
import { FEATURE_CODES, outboundRoutes } from '../commit/render/dialplan.ts';
import { parkingOf } from '../commit/render/features.ts';
import type { ClusterSnapshotView, ExtensionView } from '../../sdk/commit.ts';
import { createMany, type ManyRow } from './create-many.ts';
import { needPermission } from '../model/crud-rules.ts';
import { addTo } from '../util/group.ts';

/**
 * Batch configuration: many extensions at once from a template (a group's template extension,
 * or any extension), numbered `from`..`to` in each chosen cluster. `validateBatch` answers
 * `{valid, problems, count}` without writing; `submitBatch` creates all or nothing.
 */

/** Largest number of extensions one batch may create (numbers × clusters). */
export const MAX_BATCH = 10_000;
/** Bus subject of progress events `{done, total}` while a batch or an import is written. */
export const BATCH_PROGRESS_SUBJECT = busSubject({}, 'batch', 'progress');

const id = z.coerce.number().int().positive();
const digits = z.union([z.string(), z.number().int().nonnegative()]).transform(String)
  .pipe(z.string().regex(/^[0-9]{1,20}$/, 'digits only (at most 20)'));

export const BatchInput = z.strictObject({
  templateGroupId: id.optional(),
  templateExtensionId: id.optional(),
  from: digits,
  to: digits,
  clusterIds: z.array(id).min(1, 'choose at least one cluster').max(200),
  /** Name of each new extension: `{n}` the number, `{cluster}` the cluster name, `{i}` 1, 2, 3… */
  namePattern: z.string().min(1).max(200).optional(),
}).refine((b) => (b.templateGroupId === undefined) !== (b.templateExtensionId === undefined), {
  message: 'give exactly one of templateGroupId and templateExtensionId', path: ['templateGroupId'],
});
export type BatchRequest = z.output<typeof BatchInput>;

export interface BatchValidation { valid: boolean; problems: FieldProblem[]; count: number }

/** Fields that identify one person or one phone: never taken from the template. */
const PER_EXTENSION = [
  'clusterId', 'name', 'extension', 'callerId', 'defaultUser', 'authUser', 'secret', 'vmSecret', 'md5Secret', 'mailbox',
  'fromUser', 'defaultIp', 'phoneMac', 'phoneProv', 'callbackExtension', 'cfwdSet', 'cfwdTo',
] as const;

/** A fresh SIP secret (24 characters, base64url) and a fresh 6-digit voicemail PIN. */
export function freshSecret(): string {
  return randomBytes(18).toString('base64url');
}
export function freshPin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** `6100, 6101, 6102, 6110` → `6100-6102, 6110` (numbers of equal length, sorted). */
export function compressNumbers(numbers: readonly string[], max = 12): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const ranges: string[] = [];
  let start = sorted[0];
  let prev = sorted[0];
  const flush = () => { if (start !== undefined) ranges.push(start === prev ? start : `${start}-${prev}`); };
  for (const n of sorted.slice(1)) {
    if (/^[0-9]+$/.test(n) && /^[0-9]+$/.test(prev!) && n.length === prev!.length && BigInt(n) === BigInt(prev!) + 1n) {
      prev = n;
      continue;
    }
    flush();
    start = n;
    prev = n;
  }
  flush();
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')} and ${ranges.length - max} more` : ranges.join(', ');
}

/**
 * What each of `numbers` would collide with in the dialplan of `clusterId` (besides other
 * extensions): the feature codes and the parking lot the renderer writes into the tenant's
 * internal context, and the outbound patterns of the cluster's trunks. The same rules as the
 * commit validator (core/commit/validate.ts §6), asked before anything is created.
 */
export async function dialplanConflicts(em: EntityManager, clusterId: number, numbers: readonly string[]): Promise<Map<string, string>> {
  const cluster = await em.findOneOrFail(ClusterSchema, { id: clusterId });
  const tenant = await em.findOneOrFail(TenantSchema, { id: cluster.tenantId });
  const trunks = await em.find(TrunkSchema, { clusterId }, { orderBy: { id: 'asc' } });
  const reserved = new Map<string, string>();
  for (const code of Object.keys(FEATURE_CODES)) reserved.set(code, `feature code ${code} (${FEATURE_CODES[code]})`);
  const parking = parkingOf(tenant);
  reserved.set(parking.parkext, `the park extension of parking lot ${parking.lot}`);
  for (let n = parking.first; n <= parking.last; n++) reserved.set(String(n), `the spaces ${parking.first}-${parking.last} of parking lot ${parking.lot}`);
  const routes = outboundRoutes({ trunks } as unknown as ClusterSnapshotView).map((r) => {
    let re: RegExp | null = null;
    try { re = patternToRegExp(r.pattern); } catch { /* the commit validator reports a broken pattern */ }
    return { re, text: `outbound pattern ${r.pattern} of ${r.trunks.map((t) => `trunk ${t.name}`).join(', ')}` };
  });
  const out = new Map<string, string>();
  for (const n of numbers) {
    const r = reserved.get(n) ?? routes.find((x) => x.re?.test(n))?.text;
    if (r) out.set(n, r);
  }
  return out;
}

/** Groups a reason → numbers map into one problem per reason. */
function conflictProblems(field: string, where: string, conflicts: Map<string, string>): FieldProblem[] {
  const byReason = new Map<string, string[]>();
  for (const [n, why] of conflicts) addTo(byReason, why, n);
  return [...byReason].map(([why, ns]) => ({ field, message: `${where}: ${ns.length === 1 ? 'number' : 'numbers'} ${compressNumbers(ns)} would collide with ${why}` }));
}

/** Identical problems of many rows as one, naming the first row and how many more. */
function collapse(problems: FieldProblem[], labels: readonly string[]): FieldProblem[] {
  const known = new Set(labels);
  const labelOf = (field: string) => {
    for (let i = field.indexOf('.'); i > 0; i = field.indexOf('.', i + 1)) if (known.has(field.slice(0, i))) return field.slice(0, i);
    return undefined;
  };
  const groups = new Map<string, { first: FieldProblem; n: number }>();
  for (const p of problems) {
    const label = labelOf(p.field);
    const key = `${label ? p.field.slice(label.length + 1) : p.field}\u0000${p.message}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { first: p, n: 1 });
  }
  return [...groups.values()].map(({ first, n }) => (n === 1 ? first : { field: first.field, message: `${first.message} (and ${n - 1} more like it)` }));
}

interface Plan { problems: FieldProblem[]; rows: ManyRow[]; count: number; request?: BatchRequest }

/** The template's input fields (what a copy keeps), and the tenant it belongs to. */
async function template(em: EntityManager, acm: Acm, user: Principal, req: BatchRequest): Promise<{ fields: Record<string, unknown>; tenantId: number } | FieldProblem> {
  const extRes = resource('extensions');
  const keep = (e: Extension) => {
    const fields: Record<string, unknown> = {};
    for (const k of Object.keys(ExtensionInput.shape)) {
      const v = (e as unknown as Record<string, unknown>)[k];
      if (v !== null && v !== undefined && !(PER_EXTENSION as readonly string[]).includes(k)) fields[k] = v;
    }
    // A template with a mailbox gives each new extension its own box (its number, same context).
    if (e.mailbox) fields.mailbox = `{n}${e.mailbox.includes('@') ? e.mailbox.slice(e.mailbox.indexOf('@')) : ''}`;
    return fields;
  };
  if (req.templateExtensionId !== undefined) {
    const e = await em.findOne(ExtensionSchema, { $and: [acm.crud.scopeWhere(user, extRes), { id: req.templateExtensionId }] } as FilterQuery<Extension>);
    if (!e) return { field: 'templateExtensionId', message: `no extension ${req.templateExtensionId}` };
    return { fields: keep(e), tenantId: e.tenantId };
  }
  const g = await em.findOne(GroupSchema, { $and: [acm.crud.scopeWhere(user, resource('groups')), { id: req.templateGroupId }] } as FilterQuery<any>);
  if (!g) return { field: 'templateGroupId', message: `no group ${req.templateGroupId}` };
  let fields: Record<string, unknown> = {};
  if (g.templateExtensionId) {
    const e = await em.findOne(ExtensionSchema, { id: g.templateExtensionId, tenantId: g.tenantId });
    if (!e) return { field: 'templateGroupId', message: `the template extension ${g.templateExtensionId} of group ${g.name} does not exist` };
    fields = keep(e);
  }
  return { fields: { ...fields, groupId: g.id }, tenantId: g.tenantId };
}

async function plan(acm: Acm, user: Principal, body: unknown): Promise<Plan> {
  const parsed = BatchInput.safeParse(body ?? {});
  if (!parsed.success) return { problems: zodProblems(parsed.error), rows: [], count: 0 };
  const req = parsed.data;
  const problems: FieldProblem[] = [];
  const clusterIds = [...new Set(req.clusterIds)];
  // The range.
  const numbers: string[] = [];
  if (req.from.length !== req.to.length) problems.push({ field: 'to', message: `"${req.to}" has ${req.to.length} digits, "${req.from}" has ${req.from.length}: use numbers of the same length` });
  else if (BigInt(req.from) > BigInt(req.to)) problems.push({ field: 'to', message: `${req.to} is below ${req.from}` });
  else {
    const span = BigInt(req.to) - BigInt(req.from) + 1n;
    if (span * BigInt(clusterIds.length) > BigInt(MAX_BATCH)) {
      problems.push({ field: 'to', message: `${span} numbers × ${clusterIds.length} cluster(s) is more than ${MAX_BATCH} extensions in one batch` });
    } else {
      for (let n = BigInt(req.from); n <= BigInt(req.to); n++) numbers.push(n.toString().padStart(req.from.length, '0'));
    }
  }
  const count = numbers.length * clusterIds.length;
  const em = acm.orm.em.fork();
  // The template, and each cluster.
  const tpl = await template(em, acm, user, req);
  if ('field' in tpl) problems.push(tpl);
  const clusters: Cluster[] = [];
  const visible = acm.crud.scopeWhere(user, resource('clusters'));
  for (const [i, cid] of clusterIds.entries()) {
    const c = await em.findOne(ClusterSchema, { $and: [visible, { id: cid }] } as FilterQuery<Cluster>);
    if (!c) problems.push({ field: `clusterIds.${i}`, message: `no cluster ${cid}` });
    else if (!('field' in tpl) && c.tenantId !== tpl.tenantId) problems.push({ field: `clusterIds.${i}`, message: `cluster ${c.name} belongs to another tenant than the template` });
    else clusters.push(c);
  }
  if (problems.length || 'field' in tpl) return { problems, rows: [], count, request: req };

  // Numbers free in every cluster, and consistent with the dialplan.
  const wanted = new Set(numbers);
  for (const c of clusters) {
    const where = `cluster ${c.name}`;
    const field = `clusterIds.${clusterIds.indexOf(c.id)}`;
    const used = await em.find(ExtensionSchema, { clusterId: c.id, extension: { $gte: req.from, $lte: req.to } }, { fields: ['id', 'extension'] });
    const taken = used.map((e) => e.extension).filter((n) => wanted.has(n));
    if (taken.length) problems.push({ field, message: `${where}: ${taken.length === 1 ? 'number' : 'numbers'} ${compressNumbers(taken)} ${taken.length === 1 ? 'is' : 'are'} already used` });
    problems.push(...conflictProblems(field, where, await dialplanConflicts(em, c.id, numbers)));
  }
  // One mailbox per user across the tenant's clusters.
  if (tpl.fields.mailbox) {
    if (clusters.length > 1) problems.push({ field: 'clusterIds', message: 'the template gives each extension a mailbox: the same numbers on several clusters would define each mailbox more than once (a roaming user needs one)' });
    const tenant = await em.findOneOrFail(TenantSchema, { id: tpl.tenantId });
    const keyOf = (mailbox: string) => { try { return mailboxKey(tenant, { mailbox } as ExtensionView); } catch { return null; } };
    const mine = new Map(numbers.map((n) => [keyOf(String(tpl.fields.mailbox).replace('{n}', n)), n]));
    const clash: string[] = [];
    for (const e of await em.find(ExtensionSchema, { tenantId: tpl.tenantId, mailbox: { $ne: null } }, { fields: ['id', 'mailbox'] })) {
      const n = mine.get(keyOf(e.mailbox!));
      if (n !== undefined) clash.push(n);
    }
    if (clash.length) problems.push({ field: 'from', message: `mailboxes ${compressNumbers(clash)} already exist in this tenant` });
  }
  if (problems.length) return { problems, rows: [], count, request: req };

  // The rows, each parsed with THE extension schema.
  const pattern = req.namePattern ?? 'Extension {n}';
  const rows: ManyRow[] = [];
  const rowProblems: FieldProblem[] = [];
  for (const c of clusters) {
    numbers.forEach((n, i) => {
      const fill = (s: string) => s.replaceAll('{n}', n).replaceAll('{cluster}', c.name).replaceAll('{i}', String(i + 1));
      const input: Record<string, unknown> = { ...tpl.fields, clusterId: c.id, extension: n, name: fill(pattern), secret: freshSecret(), vmSecret: freshPin() };
      if (typeof tpl.fields.mailbox === 'string') input.mailbox = fill(tpl.fields.mailbox);
      const label = `${c.name}/${n}`;
      const r = ExtensionInput.safeParse(input);
      if (!r.success) {
        for (const p of zodProblems(r.error)) {
          const field = p.field === 'name' ? 'namePattern' : p.field;
          rowProblems.push({ field: `${label}.${field}`, message: field in tpl.fields ? `${p.message} (from the template)` : p.message });
        }
      } else rows.push({ input: r.data as Record<string, any>, label });
    });
  }
  if (rowProblems.length) return { problems: collapse(rowProblems, rows.map((r) => r.label).concat(clusters.flatMap((c) => numbers.map((n) => `${c.name}/${n}`)))), rows: [], count, request: req };
  return { problems: [], rows, count, request: req };
}

/** `POST /api/batch/validate`: every problem of the batch; writes nothing. */
export async function validateBatch(acm: Acm, user: Principal, body: unknown): Promise<BatchValidation> {
  needPermission(user, resource('extensions'), 'write');
  const p = await plan(acm, user, body);
  let problems = p.problems;
  if (!problems.length && p.rows.length) {
    // Scope, group and uniqueness exactly as the submit will check them.
    try {
      await createMany(acm.orm, acm.license, { user }, resource('extensions'), resources, p.rows, { dryRun: true });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      problems = collapse(err.problems, p.rows.map((r) => r.label));
    }
  }
  return { valid: problems.length === 0, problems, count: p.count };
}

/**
 * `POST /api/batch/submit`: creates every extension of the batch in one transaction, or none
 * (422 with every problem). Publishes `{done, total}` on `acm.0.0.0.batch.progress` as rows are written.
 */
export async function submitBatch(acm: Acm, actor: Actor, body: unknown, onProgress?: (done: number, total: number) => void): Promise<{ created: number }> {
  const res = resource('extensions');
  needPermission(actor.user, res, 'write');
  acm.license.assertWritable();
  const p = await plan(acm, actor.user, body);
  if (p.problems.length) throw new ValidationError(p.problems, `the batch is not valid; nothing was created: ${p.problems.length} problem(s)`);
  const req = p.request!;
  const note = `batch ${req.from}-${req.to} from ${req.templateGroupId !== undefined ? `group ${req.templateGroupId}` : `extension ${req.templateExtensionId}`}`;
  let out;
  try {
    out = await createMany(acm.orm, acm.license, actor, res, resources, p.rows, {
      note,
      onProgress: (done, total) => {
        acm.bus.publish(BATCH_PROGRESS_SUBJECT, { kind: 'batch', done, total, username: actor.user.username });
        onProgress?.(done, total);
      },
    });
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(collapse(err.problems, p.rows.map((r) => r.label)), err.message);
    throw err;
  }
  acm.bus.publish(MODEL_CHANGED_SUBJECT, { entity: 'extension' });
  await acm.audit.record({
    action: 'extension.batch', target: 'extension', username: actor.user.username, userId: actor.user.userId,
    tenantId: actor.user.tenantId, after: { ...req, created: out.created }, ip: actor.ip ?? null,
  });
  return { created: out.created };
}
