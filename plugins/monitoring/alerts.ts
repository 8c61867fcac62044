import type { OutboxService } from '../../sdk/index.ts';
import type { MonitoringSettings } from './manifest.ts';
import type { ServerHealth } from './history.ts';
import type { Health, Metric } from './metrics.ts';

type Known = Exclude<Health, 'unknown'>;
interface Tracked { state: Known; since: number; sentAt: number | null; repeats: number }

const SEVERITY = { red: 'critical', orange: 'warning', green: 'info' } as const;
const rank = (s: 'warning' | 'critical') => (s === 'critical' ? 2 : 1);
const rankOf = (s: Known) => (s === 'red' ? 2 : s === 'orange' ? 1 : 0);

/**
 * One alert per state change of a metric (green / orange / red), and one when it recovers; a
 * state still bad after `renotifyMinutes` is said again. Unknown changes nothing: a server that
 * cannot be read is neither a new problem nor a recovery (its tile says "unknown").
 */
export class Alerts {
  private readonly tracked = new Map<string, Tracked>();
  constructor(private readonly outbox: OutboxService, private readonly settings: () => MonitoringSettings) {}

  async round(h: ServerHealth, now: number): Promise<number> {
    let queued = 0;
    for (const m of h.metrics) {
      if (m.state === 'unknown') continue;
      const id = `${h.serverId}|${m.key}`;
      const t = this.tracked.get(id);
      if (!t) {
        // First sight: a problem is news, a green metric is not.
        this.tracked.set(id, { state: m.state, since: now, sentAt: null, repeats: 0 });
        if (m.state !== 'green') queued += await this.send(h, m, null, this.tracked.get(id)!, now);
        continue;
      }
      if (t.state !== m.state) {
        const was = t.state;
        Object.assign(t, { state: m.state, since: now, sentAt: null, repeats: 0 });
        queued += await this.send(h, m, was, t, now);
        continue;
      }
      const every = this.settings().renotifyMinutes * 60_000;
      if (m.state !== 'green' && every > 0 && t.sentAt !== null && now - t.sentAt >= every) {
        t.repeats++;
        queued += await this.send(h, m, m.state, t, now);
      }
    }
    return queued;
  }

  /** A recovery goes to whoever heard of the problem (their minSeverity let the bad state through). */
  private async send(h: ServerHealth, m: Metric, was: Known | null, t: Tracked, now: number): Promise<number> {
    const state = m.state as Known;
    const level = state === 'green' ? rankOf(was ?? 'green') : rankOf(state);
    const targets = this.settings().notify.filter((n) => level > 0 && rank(n.minSeverity) <= level);
    t.sentAt = now;
    const recovered = state === 'green';
    const subject = `[acm health] ${h.name}: ${m.label} ${recovered ? 'recovered' : state === 'red' ? 'CRITICAL' : 'warning'}${t.repeats ? ' (still)' : ''}: ${m.text}`;
    const text = `${h.cluster}/${h.name}: ${m.label} is ${m.text}${was && !t.repeats ? ` (was ${was})` : ''}.`;
    for (const n of targets) {
      await this.outbox.enqueue({
        channel: n.channel, target: n.to, subject, tenantId: h.tenantId, ref: `server:${h.serverId}`,
        // The state's start and the repeat make the key: the same change is queued once, a re-notification again.
        dedupeKey: `${h.serverId}:${m.key}:${state}:${t.since}:${t.repeats}`.slice(0, 191),
        message: {
          text, severity: SEVERITY[state], source: 'acm-monitoring', at: new Date(now).toISOString(),
          fields: { server: h.name, cluster: h.cluster, metric: m.key, state, was: was ?? '', value: m.value === null ? '' : String(m.value) },
        },
      });
    }
    return targets.length;
  }

  /** Servers gone from the model. */
  keep(serverIds: Set<number>): void {
    for (const id of [...this.tracked.keys()]) if (!serverIds.has(Number(id.split('|')[0]))) this.tracked.delete(id);
  }
}
