import type { Command } from 'commander';
import { z } from 'zod';
import { ValidationError } from '../../sdk/errors.ts';
import type { ResourcePage } from '../../sdk/resources.ts';
import type { ResourceDef } from '../model/resources.ts';
import { printObject, printRows } from './output.ts';

/** One resource's operations as one operator: what the commands call, core or plugin. */
export interface ResourceOps {
  list(query: Record<string, unknown>): Promise<ResourcePage>;
  get(id: number): Promise<Record<string, unknown>>;
  create(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(id: number, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  copy(id: number, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  remove(id: number): Promise<void>;
}

/**
 * `key=value` pairs into an object. `true`, `false`, `null`, JSON arrays and objects are taken
 * as such; everything else stays text (numbers too: extension numbers like 0044 are text, and
 * the schemas coerce the numeric fields).
 */
export function parseSets(sets: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const i = s.indexOf('=');
    if (i < 1) throw new ValidationError([{ field: s, message: 'expected key=value' }]);
    const raw = s.slice(i + 1);
    let v: unknown = raw;
    if (/^(true|false|null|\[.*\]|\{.*\})$/.test(raw)) { try { v = JSON.parse(raw); } catch { v = raw; } }
    out[s.slice(0, i)] = v;
  }
  return out;
}

export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The JSON types a field of `input` takes (`["integer", "null"]`), read from its JSON Schema. */
function fieldTypes(input: z.ZodObject<any>): Map<string, Set<string>> {
  const doc = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchema> };
  const types = (s: JsonSchema): string[] => [...[s.type ?? []].flat(), ...(s.anyOf ?? []).flatMap(types)];
  return new Map(Object.entries(doc.properties ?? {}).map(([k, v]) => [k, new Set(types(v))]));
}
interface JsonSchema { type?: string | string[]; anyOf?: JsonSchema[] }

/** `--set clusterId=3` means the number 3 where the field is numeric, and stays text elsewhere (extension 0044). */
function numericSets(input: z.ZodObject<any>, sets: Record<string, unknown>): Record<string, unknown> {
  const types = fieldTypes(input);
  return Object.fromEntries(Object.entries(sets).map(([k, v]) => {
    const t = types.get(k);
    const numeric = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && t && (t.has('integer') || t.has('number')) && !t.has('string');
    return [k, numeric ? Number(v) : v];
  }));
}

/** `<name> list|get|add|update|copy|delete` under `parent`, for a core object or a plugin's resource alike. */
export function registerResourceCommands(parent: Command, res: ResourceDef, withOps: (fn: (ops: ResourceOps) => Promise<void>) => Promise<void>): void {
  const cmd = parent.command(res.name).description(`${res.name}: list, get, add, update, delete, copy`);
  const listCols = ['id', ...Object.keys(res.input.shape).filter((k) => !res.secrets.includes(k)).slice(0, 6)];
  cmd.command('list').option('-q, --query <text>').option('--sort <col>').option('--page <n>').option('--page-size <n>')
    .option('--filter <key=value>', `e.g. ${res.filters[0] ?? 'tenantId'}=1 (repeatable)`, collect).option('--json')
    .action((o: { query?: string; sort?: string; page?: string; pageSize?: string; filter?: string[]; json?: boolean }) => withOps(async (ops) => {
      const page = await ops.list({ q: o.query, sort: o.sort, page: o.page, pageSize: o.pageSize, ...parseSets(o.filter) });
      printRows(page.items, listCols, !!o.json);
      if (!o.json) console.log(`${page.items.length} of ${page.total} (page ${page.page})`);
    }));
  cmd.command('get <id>').option('--json').action((id: string, o: { json?: boolean }) => withOps(async (ops) => {
    printObject(await ops.get(Number(id)), !!o.json);
  }));
  const writeCmd = (name: string, args: string, run: (ops: ResourceOps, id: number, body: Record<string, unknown>) => Promise<Record<string, unknown>>) =>
    cmd.command(`${name}${args}`).option('--set <key=value>', 'a field (repeatable)', collect).option('--data <json>', 'all fields as JSON').option('--json')
      .action((...a: unknown[]) => {
        const id = args ? Number(a[0]) : 0;
        const o = a[args ? 1 : 0] as { set?: string[]; data?: string; json?: boolean };
        return withOps(async (ops) => {
          const body = { ...(o.data ? (JSON.parse(o.data) as Record<string, unknown>) : {}), ...numericSets(res.input, parseSets(o.set)) };
          printObject(await run(ops, id, body), !!o.json);
        });
      });
  writeCmd('add', '', (ops, _id, body) => ops.create(body));
  writeCmd('update', ' <id>', (ops, id, body) => ops.update(id, body));
  writeCmd('copy', ' <id>', (ops, id, body) => ops.copy(id, body));
  cmd.command('delete <id>').action((id: string) => withOps(async (ops) => {
    await ops.remove(Number(id));
    console.log(`deleted ${res.singular} ${id}`);
  }));
}
