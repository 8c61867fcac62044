import { PluginError } from '../../sdk/errors.ts';

export interface Node {
  id: string;
  requires: string[];
}

/**
 * Orders plugins so each comes after what it requires; ties break by id so start-up is
 * deterministic. A missing dependency or a cycle is a start-up error naming the plugins.
 */
export function orderByDependencies<T extends Node>(nodes: T[], available: ReadonlySet<string> = new Set()): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const missing: string[] = [];
  for (const n of nodes) {
    for (const dep of n.requires) {
      if (!byId.has(dep)) {
        missing.push(available.has(dep)
          ? `plugin "${n.id}" requires "${dep}", which is not enabled or not licensed`
          : `plugin "${n.id}" requires "${dep}", which is not installed`);
      }
    }
  }
  if (missing.length) throw new PluginError(missing.join('; '), { missing });

  const done = new Set<string>();
  const out: T[] = [];
  const remaining = new Set(byId.keys());
  while (remaining.size) {
    const ready = [...remaining].filter((id) => byId.get(id)!.requires.every((d) => done.has(d))).sort();
    if (!ready.length) {
      const cycle = findCycle([...remaining], byId);
      throw new PluginError(`plugin dependency cycle: ${cycle.join(' -> ')}`, { cycle });
    }
    for (const id of ready) {
      remaining.delete(id);
      done.add(id);
      out.push(byId.get(id)!);
    }
  }
  return out;
}

function findCycle(ids: string[], byId: Map<string, Node>): string[] {
  const start = [...ids].sort()[0]!;
  const path: string[] = [];
  const seen = new Map<string, number>();
  let cur: string | undefined = start;
  while (cur !== undefined && !seen.has(cur)) {
    seen.set(cur, path.length);
    path.push(cur);
    cur = byId.get(cur)!.requires.filter((d) => ids.includes(d)).sort()[0];
  }
  return cur === undefined ? path : [...path.slice(seen.get(cur)), cur];
}
