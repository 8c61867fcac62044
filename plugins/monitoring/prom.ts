import { BlockList, isIP } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AmiService, ModelService } from '../../sdk/index.ts';
import type { HealthStore } from './history.ts';
import { SEVERITY } from './metrics.ts';

/** What a commit's last progress step says (core: `acm.<t>.<c>.0.commit.progress`). */
const COMMIT_RESULTS = new Set(['deployed', 'restart-required', 'failed', 'unchanged']);

/**
 * The NOC's metrics in the Prometheus text format: AMI connections and events, commits by
 * result and their durations, active channels per cluster, trunk and service states and each
 * server's health, from the last health round. A registry of its own: nothing global.
 */
export class NocMetrics {
  readonly registry = new Registry();
  private readonly names = new Map<number, { server: string; cluster: string }>();
  private clusters = new Map<number, string>();
  private readonly amiEvents: Counter<'cluster' | 'server'>;
  private readonly commits: Counter<'cluster' | 'result'>;
  private readonly commitSeconds: Histogram<'result'>;
  readonly roundSeconds: Histogram;
  private readonly commitStarted = new Map<number, number>();

  constructor(ami: AmiService, private readonly model: ModelService, store: HealthStore) {
    const registers = [this.registry];
    this.amiEvents = new Counter({ name: 'acm_ami_events_total', help: 'AMI events received, per server', labelNames: ['cluster', 'server'], registers });
    this.commits = new Counter({ name: 'acm_commits_total', help: 'Commits finished, by result (deployed, restart-required, failed, unchanged)', labelNames: ['cluster', 'result'], registers });
    this.commitSeconds = new Histogram({ name: 'acm_commit_duration_seconds', help: 'From a stored revision to its result', labelNames: ['result'], buckets: [0.5, 1, 2, 5, 10, 30, 60, 120], registers });
    this.roundSeconds = new Histogram({ name: 'acm_health_round_duration_seconds', help: 'One health round of every server', buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60], registers });
    const connected = new Gauge({
      name: 'acm_server_ami_connected', help: '1 while acm is connected to the server\'s AMI', labelNames: ['cluster', 'server'], registers,
      collect: async () => {
        connected.reset();
        const up = new Set(ami.connected().map((c) => c.serverId));
        await this.learn();
        for (const [id, n] of this.names) connected.set(n, up.has(id) ? 1 : 0);
      },
    });
    const health = new Gauge({
      name: 'acm_server_health', help: 'Worst state of the server\'s metrics: 0 green, 1 unknown, 2 orange, 3 red', labelNames: ['cluster', 'server'], registers,
      collect: () => { health.reset(); for (const h of store.all()) health.set({ cluster: h.cluster, server: h.name }, SEVERITY[h.state]); },
    });
    const value = new Gauge({
      name: 'acm_health_value', help: 'The last value of a health metric (disk:/var percent, load per CPU, clock seconds …)', labelNames: ['cluster', 'server', 'metric'], registers,
      collect: () => {
        value.reset();
        for (const h of store.all()) for (const m of h.metrics) if (m.value !== null && !m.key.startsWith('trunk:') && !m.key.startsWith('service:')) value.set({ cluster: h.cluster, server: h.name, metric: m.key }, m.value);
      },
    });
    const state = (name: string, help: string, prefix: string, label: 'trunk' | 'service') => {
      const g = new Gauge({
        name, help, labelNames: ['cluster', 'server', label], registers,
        collect: () => {
          g.reset();
          for (const h of store.all()) for (const m of h.metrics) if (m.key.startsWith(prefix) && m.state !== 'unknown') g.set({ cluster: h.cluster, server: h.name, [label]: m.key.slice(prefix.length) }, m.state === 'green' ? 1 : 0);
        },
      });
    };
    state('acm_trunk_up', '1 while a trunk answers (or is not qualified), 0 when it is down', 'trunk:', 'trunk');
    state('acm_service_up', '1 while a systemd unit is active', 'service:', 'service');
    const channels = new Gauge({
      name: 'acm_active_channels', help: 'Channels up, per cluster (last health round)', labelNames: ['cluster'], registers,
      collect: () => {
        channels.reset();
        const sum = new Map<string, number>();
        for (const h of store.all()) { const m = h.metrics.find((x) => x.key === 'channels'); if (m?.value != null) sum.set(h.cluster, (sum.get(h.cluster) ?? 0) + m.value); }
        for (const [cluster, n] of sum) channels.set({ cluster }, n);
      },
    });
  }

  /** Server and cluster names for labels (ids are what events carry). */
  async learn(): Promise<void> {
    this.clusters = new Map((await this.model.clusters()).map((c) => [c.id, c.name]));
    this.names.clear();
    for (const s of await this.model.servers()) this.names.set(s.id, { server: s.name, cluster: this.clusters.get(s.clusterId) ?? String(s.clusterId) });
  }

  amiEvent(serverId: number): void {
    const n = this.names.get(serverId);
    this.amiEvents.inc(n ?? { cluster: '', server: String(serverId) });
  }

  /** A commit's progress step: `stored` starts the clock, a result stops it. */
  commitStep(clusterId: number, step: string, at = Date.now()): void {
    const cluster = this.clusters.get(clusterId) ?? String(clusterId);
    if (step === 'stored') { this.commitStarted.set(clusterId, at); return; }
    if (!COMMIT_RESULTS.has(step)) return;
    this.commits.inc({ cluster, result: step });
    const started = this.commitStarted.get(clusterId);
    this.commitStarted.delete(clusterId);
    if (started !== undefined) this.commitSeconds.observe({ result: step }, (at - started) / 1000);
  }
}

/** The addresses /metrics answers (CIDRs; none: any caller holding the permission). */
export function allowList(cidrs: readonly string[]): ((ip: string) => boolean) | null {
  if (!cidrs.length) return null;
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/');
    const type = isIP(net!) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(net!, Number(bits ?? (type === 'ipv6' ? 128 : 32)), type);
  }
  return (ip) => {
    const plain = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    const type = isIP(plain);
    return type !== 0 && list.check(plain, type === 6 ? 'ipv6' : 'ipv4');
  };
}
