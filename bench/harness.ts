import { writeFileSync } from 'node:fs';

/** One figure of a benchmark, printed beside the baseline measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same work done the simplest way (or the physical limit) in this run. */
  baseline: number;
  /** The goal; `better` says which side of it is good. */
  target: number;
  better: 'lower' | 'higher';
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchResult[]>;
}

export function meets(r: BenchResult): boolean {
  return r.better === 'lower' ? r.value <= r.target : r.value >= r.target;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, `${fmt(r.baseline)} ${r.unit}`, `${r.better === 'lower' ? '≤' : '≥'} ${fmt(r.target)} ${r.unit}`, meets(r) ? 'ok' : 'MISSED', r.note ?? '']);
  const head = ['benchmark', 'value', 'baseline', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}

export async function runBenches(benches: Bench[], argv: string[]): Promise<BenchResult[]> {
  const only = argv.find((a) => a.startsWith('--only='))?.slice(7);
  const jsonAt = argv.indexOf('--json');
  const results: BenchResult[] = [];
  for (const b of benches) {
    if (only && !b.name.includes(only)) continue;
    process.stderr.write(`running ${b.name}…\n`);
    results.push(...(await b.run()));
  }
  printTable(results);
  if (jsonAt >= 0) {
    const file = argv[jsonAt + 1];
    if (!file) throw new Error('--json needs a file name');
    writeFileSync(file, JSON.stringify(results.map(({ name, value, unit, baseline, target, better }) => ({ name, value, unit, baseline, target, better })), null, 2));
  }
  return results;
}
