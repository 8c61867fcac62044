import type { FilterQuery } from '@mikro-orm/core';
import type { Acm } from '../app.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { ForbiddenError, ValidationError, type FieldProblem } from '../../sdk/errors.ts';
import { MODEL_CHANGED_SUBJECT } from '../bus/subjects.ts';
import { zodProblems, type Actor } from '../model/crud-service.ts';
import { ClusterSchema, ExtensionSchema, GroupSchema, type Cluster, type Extension, type Group } from '../model/entities.ts';
import { ExtensionInput } from '../model/schemas.ts';
import { resource, resources } from '../model/resources.ts';
import { createMany, type ManyRow } from './create-many.ts';
import { BATCH_PROGRESS_SUBJECT, dialplanConflicts, freshPin, freshSecret } from './batch.ts';
import { addTo } from '../util/group.ts';

/**
 * CSV import and export of extensions (RFC 4180: `,` separated, `"` quoted with `""` for a quote,
 * quoted fields may hold commas and line breaks; CRLF or LF between records; UTF-8, a BOM is
 * skipped). The header names the columns: the fields of ExtensionInput in camelCase, plus
 * `cluster` (by name) or `clusterId`, and `group` (by name) or `groupId`. Every row goes through
 * ExtensionInput — THE extension schema — so a line break inside a value is rejected there
 * (it could never reach a config file), like every other bad value.
 */

/* ------------------------------------------------------------------------------------------------
 * RFC 4180 reading and writing.
 * ---------------------------------------------------------------------------------------------- */

export interface CsvRecord {
  /** Line of the file (1-based) where the record starts. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on broken quoting. */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let endOfRecord = false;
    while (i < s.length && !endOfRecord) {
      const c = s[i]!;
      if (quoted) {
        if (c === '"') {
          if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
          quoted = false;
          i++;
          const next = s[i];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new CsvSyntaxError(line, 'text after a closing quote (a quote inside a quoted field is written "")');
          }
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"') {
        if (field !== '') throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
        quoted = true;
        i++;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\r' || c === '\n') {
        i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      } else {
        field += c;
        i++;
      }
    }
    if (quoted) throw new CsvSyntaxError(start, 'a quoted field is not closed');
    fields.push(field);
    if (fields.length === 1 && fields[0] === '') continue;
    out.push({ line: start, fields });
  }
  return out;
}

/** One CSV field, quoted when it holds a comma, a quote, a line break or edge spaces. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/* ------------------------------------------------------------------------------------------------
 * Extensions.
 * ---------------------------------------------------------------------------------------------- */

const SECRETS = resource('extensions').secrets;
/** Columns of an export: names for cluster and group (portable between instances), no secrets. */
export const EXPORT_COLUMNS: readonly string[] = [
  'cluster', 'group',
  ...Object.keys(ExtensionInput.shape).filter((k) => k !== 'clusterId' && k !== 'groupId' && !SECRETS.includes(k)),
];
/** Columns an import accepts. */
export const IMPORT_COLUMNS: readonly string[] = ['cluster', 'group', ...Object.keys(ExtensionInput.shape)];

export interface ImportResult {
  valid: boolean;
  dryRun: boolean;
  /** Data lines read. */
  count: number;
  created: number;
  /** Every problem, field `line N.column`, in line order. */
  problems: FieldProblem[];
}

export interface ImportOptions {
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

const lineOf = (p: FieldProblem) => Number(/^line (\d+)/.exec(p.field)?.[1] ?? 0);

/**
 * Checks every line of `text` and, unless dryRun or any line is bad, creates every extension
 * in one transaction. A missing secret gets a fresh random one, a missing voicemail PIN a fresh
 * 6-digit one (an export carries no secrets).
 */
export async function importExtensions(acm: Acm, actor: Actor, text: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const res = resource('extensions');
  const user = actor.user;
  if (!user.can(`${res.permission}:write`)) throw new ForbiddenError(`missing permission ${res.permission}:write`);
  if (!opts.dryRun) acm.license.assertWritable();
  const problems: FieldProblem[] = [];
  const result = (count: number, created = 0): ImportResult => {
    problems.sort((a, b) => lineOf(a) - lineOf(b));
    return { valid: problems.length === 0, dryRun: !!opts.dryRun, count, created, problems };
  };
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (!(err instanceof CsvSyntaxError)) throw err;
    problems.push({ field: `line ${err.line}`, message: err.message.replace(/^line \d+: /, '') });
    return result(0);
  }
  const [header, ...data] = records;
  if (!header) {
    problems.push({ field: 'line 1', message: `empty file: expected a header row naming the columns (${EXPORT_COLUMNS.slice(0, 4).join(', ')}, …)` });
    return result(0);
  }
  const columns = header.fields.map((f) => f.trim());
  columns.forEach((c, i) => {
    if (!IMPORT_COLUMNS.includes(c)) problems.push({ field: `line ${header.line}.${c || `column ${i + 1}`}`, message: 'unknown column' });
    else if (columns.indexOf(c) !== i) problems.push({ field: `line ${header.line}.${c}`, message: 'column given twice' });
  });
  if (!columns.includes('cluster') && !columns.includes('clusterId')) problems.push({ field: `line ${header.line}`, message: 'a cluster or clusterId column is required' });
  if (problems.length) return result(data.length);

  const em = acm.orm.em.fork();
  const clusterWhere = acm.crud.scopeWhere(user, resource('clusters'));
  const clusters = await em.find(ClusterSchema, clusterWhere as FilterQuery<Cluster>, { orderBy: { id: 'asc' } });
  const tenants = [...new Set(clusters.map((c) => c.tenantId))];
  const groups = tenants.length ? await em.find(GroupSchema, { tenantId: { $in: tenants } }, { orderBy: { id: 'asc' } }) : [];
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const byName = <T extends { name: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) addTo(m, r.name, r);
    return m;
  };
  const clustersByName = byName(clusters);
  const groupsByName = byName(groups);

  const rows: ManyRow[] = [];
  const numbersByCluster = new Map<number, { n: string; line: number }[]>();
  for (const rec of data) {
    const label = `line ${rec.line}`;
    const bad = (field: string, message: string) => problems.push({ field: `${label}.${field}`, message });
    if (rec.fields.length !== columns.length) {
      problems.push({ field: label, message: `${rec.fields.length} fields, the header has ${columns.length}` });
      continue;
    }
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => { if (rec.fields[i] !== '') cells[c] = rec.fields[i]!; });
    const { cluster: clusterName, group: groupName, ...input } = cells as Record<string, string | number>;
    const before = problems.length;
    // The cluster, by name or id (each must be one the user may see).
    let cluster: Cluster | undefined;
    if (clusterName !== undefined) {
      const found = clustersByName.get(String(clusterName)) ?? [];
      if (!found.length) bad('cluster', `no cluster "${clusterName}"`);
      else if (found.length > 1) bad('cluster', `"${clusterName}" names clusters of several tenants; give clusterId`);
      else cluster = found[0];
      if (cluster && input.clusterId !== undefined && Number(input.clusterId) !== cluster.id) bad('clusterId', `is not the id of cluster "${clusterName}" (${cluster.id})`);
    } else if (input.clusterId !== undefined) {
      cluster = clusterById.get(Number(input.clusterId));
      if (!cluster && /^\d+$/.test(String(input.clusterId))) bad('clusterId', `no cluster ${input.clusterId}`);
    } else bad('cluster', 'is required');
    if (cluster) input.clusterId = cluster.id;
    // The group, by name within the cluster's tenant, or by id.
    if (groupName !== undefined && cluster) {
      const g = (groupsByName.get(String(groupName)) ?? []).find((x: Group) => x.tenantId === cluster.tenantId);
      if (!g) bad('group', `no group "${groupName}" in the tenant of cluster ${cluster.name}`);
      else if (input.groupId !== undefined && Number(input.groupId) !== g.id) bad('groupId', `is not the id of group "${groupName}" (${g.id})`);
      else input.groupId = g.id;
    }
    input.secret ??= freshSecret();
    input.vmSecret ??= freshPin();
    const parsed = ExtensionInput.safeParse(input);
    if (!parsed.success) {
      // A cluster or group named but not found is reported once, under its own column.
      const named = new Set(problems.slice(before).map((p) => p.field.slice(label.length + 1)));
      for (const p of zodProblems(parsed.error)) {
        if ((p.field === 'clusterId' && named.has('cluster')) || (p.field === 'groupId' && named.has('group'))) continue;
        bad(p.field, p.message);
      }
    }
    if (problems.length > before || !parsed.success) continue;
    rows.push({ input: parsed.data as Record<string, any>, label });
    const list = numbersByCluster.get(parsed.data.clusterId) ?? [];
    list.push({ n: parsed.data.extension, line: rec.line });
    numbersByCluster.set(parsed.data.clusterId, list);
  }
  // Consistent with each cluster's dialplan (feature codes, parking lot, trunk patterns).
  for (const [clusterId, list] of numbersByCluster) {
    const conflicts = await dialplanConflicts(em, clusterId, list.map((x) => x.n));
    for (const { n, line } of list) {
      const why = conflicts.get(n);
      if (why) problems.push({ field: `line ${line}.extension`, message: `number ${n} would collide with ${why}` });
    }
  }
  // Scope, group, uniqueness (against the table and within the file): as the write will check.
  const badLines = new Set(problems.map(lineOf));
  const goodRows = rows.filter((r) => !badLines.has(Number(r.label.slice('line '.length))));
  const dry = opts.dryRun || problems.length > 0;
  try {
    const out = await createMany(acm.orm, acm.license, actor, res, resources, goodRows, {
      dryRun: dry, note: 'CSV import',
      onProgress: (done, total) => {
        acm.bus.publish(BATCH_PROGRESS_SUBJECT, { kind: 'import', done, total, username: user.username });
        opts.onProgress?.(done, total);
      },
    });
    if (out.created) acm.bus.publish(MODEL_CHANGED_SUBJECT, { entity: 'extension' });
    return result(data.length, out.created);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems.push(...err.problems);
    return result(data.length);
  }
}

/** Extensions the user may see (optionally of one cluster) as CSV with EXPORT_COLUMNS; no secrets. */
export async function exportExtensions(acm: Acm, user: Principal, opts: { clusterId?: number } = {}): Promise<string> {
  const res = resource('extensions');
  if (!user.can(`${res.permission}:read`)) throw new ForbiddenError(`missing permission ${res.permission}:read`);
  const em = acm.orm.em.fork();
  const where: Record<string, unknown> = { $and: [acm.crud.scopeWhere(user, res), opts.clusterId === undefined ? {} : { clusterId: opts.clusterId }] };
  const clusters = new Map((await em.find(ClusterSchema, {})).map((c) => [c.id, c.name]));
  const groups = new Map((await em.find(GroupSchema, {})).map((g) => [g.id, g.name]));
  const parts: string[] = [csvLine(EXPORT_COLUMNS)];
  for (let offset = 0; ; offset += 1000) {
    const rows = await em.find(ExtensionSchema, where as FilterQuery<Extension>, { orderBy: { clusterId: 'asc', id: 'asc' }, limit: 1000, offset });
    for (const e of rows as unknown as Record<string, unknown>[]) {
      parts.push(csvLine(EXPORT_COLUMNS.map((c) => {
        if (c === 'cluster') return clusters.get(e.clusterId as number);
        if (c === 'group') return e.groupId == null ? null : groups.get(e.groupId as number);
        return e[c];
      })));
    }
    em.clear();
    if (rows.length < 1000) break;
  }
  return parts.join('');
}
