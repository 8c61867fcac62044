import type { Metric } from './metrics.ts';
import { output, type CommandResult, type Parsed } from './parse.ts';

/** A route a site declares for symmetrical routing: traffic from `source` leaves `interface` through `gateway`, by its own table. */
export interface DeclaredRoute { interface: string; gateway: string; source: string; table: string }

export const ROUTING_COMMANDS = { rules: 'ip rule show', routes: 'ip route show table all' } as const;

interface Rule { priority: number; from: string; table: string }
interface DefaultRoute { via: string; dev: string; table: string }

/** `ip rule show`: `32765:\tfrom 192.168.19.216 lookup eth1` (iproute2 prints `lookup`, names from rt_tables). */
export function parseRules(text: string): Parsed<Rule[]> {
  const lines = text.split('\n').filter((l) => l.trim());
  const rules: Rule[] = [];
  for (const l of lines) {
    const m = /^(\d+):\s+from (\S+)\b.*\blookup (\S+)/.exec(l.trim());
    if (m) rules.push({ priority: Number(m[1]), from: m[2]!, table: m[3]! });
    else if (!/^\d+:\s/.test(l.trim())) return { ok: false, reason: `ip rule: unreadable line ${JSON.stringify(l.trim().slice(0, 60))}` };
  }
  // Every Linux host has the local and main rules: without them this is not ip rule's output.
  if (!rules.some((r) => r.table === 'main')) return { ok: false, reason: 'ip rule: no rule for the main table' };
  return { ok: true, value: rules };
}

/** The default routes of `ip route show table all`; a route without `table` is the main table's. */
export function parseDefaultRoutes(text: string): Parsed<DefaultRoute[]> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!lines.length) return { ok: false, reason: 'ip route: no routes at all' };
  const out: DefaultRoute[] = [];
  for (const l of lines) {
    if (!/^(default|local|broadcast|unreachable|prohibit|blackhole|multicast|throw|anycast|[0-9a-f.:]+(\/\d+)?)\b/.test(l)) return { ok: false, reason: `ip route: unreadable line ${JSON.stringify(l.slice(0, 60))}` };
    if (!l.startsWith('default ')) continue;
    const via = /\bvia (\S+)/.exec(l)?.[1];
    const dev = /\bdev (\S+)/.exec(l)?.[1];
    if (via && dev) out.push({ via, dev, table: /\btable (\S+)/.exec(l)?.[1] ?? 'main' });
  }
  return { ok: true, value: out };
}

const metric = (key: string, label: string, state: Metric['state'], text: string): Metric => ({ key, group: 'routing', label, state, text, value: state === 'green' ? 1 : state === 'red' ? 0 : null });

/** The server's policy routing against what the site declares; each difference red, named. */
export function routingMetrics(results: Record<string, CommandResult>, declared: readonly DeclaredRoute[]): Metric[] {
  const rules = ((r) => (r ? output(ROUTING_COMMANDS.rules, r) : { ok: false as const, reason: 'not run' }))(results.rules);
  const routes = ((r) => (r ? output(ROUTING_COMMANDS.routes, r) : { ok: false as const, reason: 'not run' }))(results.routes);
  const rp = rules.ok ? parseRules(rules.value) : rules;
  const dp = routes.ok ? parseDefaultRoutes(routes.value) : routes;
  if (!dp.ok) return [metric('route:default', 'Default route', 'unknown', `unknown: ${dp.reason}`), ...declared.map((d) => metric(`route:${d.interface}`, `Routing ${d.interface}`, 'unknown', `unknown: ${dp.reason}`))];
  const main = dp.value.find((r) => r.table === 'main');
  const out = [main ? metric('route:default', 'Default route', 'green', `default via ${main.via} dev ${main.dev}`) : metric('route:default', 'Default route', 'red', 'no default route in the main table')];
  for (const d of declared) {
    const key = `route:${d.interface}`;
    const label = `Routing ${d.interface}`;
    if (!rp.ok) { out.push(metric(key, label, 'unknown', `unknown: ${rp.reason}`)); continue; }
    const rule = rp.value.find((r) => r.from === d.source && r.table === d.table);
    const route = dp.value.find((r) => r.table === d.table);
    const problems = [
      ...(rule ? [] : [`no rule from ${d.source} lookup ${d.table}`]),
      ...(!route ? [`table ${d.table} has no default route`] : route.via !== d.gateway || route.dev !== d.interface ? [`table ${d.table}: default via ${route.via} dev ${route.dev}, declared via ${d.gateway} dev ${d.interface}`] : []),
    ];
    out.push(problems.length ? metric(key, label, 'red', problems.join('; ')) : metric(key, label, 'green', `from ${d.source} via ${d.gateway} dev ${d.interface} (table ${d.table})`));
  }
  return out;
}
