import { SEVERITY, worst, type Health, type Metric } from './metrics.ts';

/** A fixed number of (time, value) points; the oldest is overwritten. */
export class Ring {
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private next = 0;
  private size = 0;
  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }
  push(at: number, value: number): void {
    this.t[this.next] = at;
    this.v[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }
  /** Oldest first, only points not older than `since`. */
  points(since = 0): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) {
      const j = (this.next - this.size + i + this.capacity) % this.capacity;
      if (this.t[j]! >= since) out.push([this.t[j]!, this.v[j]!]);
    }
    return out;
  }
}

export interface ServerHealth {
  serverId: number; clusterId: number; tenantId: number; siteId: number; name: string; cluster: string;
  /** When the round finished (ms); null before the first. */
  at: number | null;
  state: Health;
  /** The worst metrics' texts: what the tile says of this server. */
  reasons: string[];
  metrics: Metric[];
}

const DAY_MS = 86_400_000;

/** The last round of each server and 24 h of history per numeric metric, in memory. */
export class HealthStore {
  private readonly latest = new Map<number, ServerHealth>();
  private readonly history = new Map<number, Map<string, Ring>>();
  constructor(private readonly intervalMs: number) {}

  /** Records a round; answers whether any metric's state changed since the last one. */
  record(h: Omit<ServerHealth, 'state' | 'reasons'>): { health: ServerHealth; changed: boolean } {
    const state = worst(h.metrics.map((m) => m.state));
    const bad = h.metrics.filter((m) => m.state !== 'green').sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state]);
    const health: ServerHealth = { ...h, state, reasons: bad.map((m) => `${m.label}: ${m.text}`) };
    const before = this.latest.get(h.serverId);
    const was = new Map(before?.metrics.map((m) => [m.key, m.state]));
    const changed = !before || before.state !== state || h.metrics.some((m) => was.get(m.key) !== m.state) || was.size !== h.metrics.length;
    this.latest.set(h.serverId, health);
    const rings = this.history.get(h.serverId) ?? new Map<string, Ring>();
    this.history.set(h.serverId, rings);
    // One point per round for 24 h, and a little slack for rounds that came early.
    const capacity = Math.ceil(DAY_MS / this.intervalMs) + 2;
    for (const m of h.metrics) {
      if (m.value === null || h.at === null) continue;
      let r = rings.get(m.key);
      if (!r) rings.set(m.key, (r = new Ring(capacity)));
      r.push(h.at, m.value);
    }
    return { health, changed };
  }

  all(): ServerHealth[] { return [...this.latest.values()].sort((a, b) => a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name)); }
  get(serverId: number): ServerHealth | undefined { return this.latest.get(serverId); }
  /** Every metric's points of the last 24 h (or since `since`). */
  historyOf(serverId: number, now: number, since?: number): Record<string, [number, number][]> {
    const from = since ?? now - DAY_MS;
    return Object.fromEntries([...(this.history.get(serverId) ?? new Map<string, Ring>())].map(([k, r]) => [k, r.points(from)]));
  }
  /** Servers gone from the model. */
  keep(serverIds: Set<number>): void {
    for (const id of [...this.latest.keys()]) if (!serverIds.has(id)) { this.latest.delete(id); this.history.delete(id); }
  }
}
