import { objectNames, type AmiService, type KernelInfo, type ModelService, type ServerView, type SshService } from '../../sdk/index.ts';
import { asteriskMetrics, linkMetrics, type AsteriskExpectations } from './asterisk.ts';
import type { LinkStatus } from '../roaming/api/index.ts';
import { collectHost } from './collect.ts';
import type { HealthStore, ServerHealth } from './history.ts';
import type { MonitoringSettings, Thresholds } from './manifest.ts';
import { hostCommands, hostMetrics, type Metric } from './metrics.ts';
import { ROUTING_COMMANDS, routingMetrics, type DeclaredRoute } from './routing.ts';

/** Modules a running plugin needs loaded on every server. */
const PLUGIN_MODULES: Record<string, string[]> = {
  queues: ['app_queue.so'], conference: ['app_confbridge.so'], roaming: ['chan_iax2.so', 'pbx_dundi.so'],
};

export interface MonitorDeps {
  ssh: SshService; ami: AmiService; model: ModelService; kernel: KernelInfo;
  settings: () => MonitoringSettings;
  store: HealthStore;
  /** AMI events of a server since the last call (the count starts again). */
  takeEvents(serverId: number): number;
  /** After each server's round (alerts, the bus). */
  onServer(h: ServerHealth, changed: boolean, now: number): Promise<void>;
  /** The server's inter-site links as the roaming plugin last saw them (undefined: roaming not running). */
  links?(serverId: number): LinkStatus[] | undefined;
}

/** What a cluster's servers are held to: the site's thresholds and units, with the cluster's overrides. */
export function clusterRules(s: MonitoringSettings, cluster: string): { thresholds: Thresholds; services: string[]; routes: DeclaredRoute[] } {
  const o = s.clusters[cluster];
  return { thresholds: { ...s.thresholds, ...Object.fromEntries(Object.entries(o?.thresholds ?? {}).filter(([, v]) => v)) }, services: o?.services ?? s.services, routes: o?.routes ?? [] };
}

/** Health rounds: every enabled server, a few at a time, each bounded by the timeout. */
export class Monitor {
  constructor(private readonly d: MonitorDeps) {}

  /** One round of every server (or of one cluster); resolves with their health. */
  async round(now = Date.now(), clusterId?: number): Promise<ServerHealth[]> {
    const s = this.d.settings();
    const clusters = new Map((await this.d.model.clusters()).map((c) => [c.id, c]));
    const servers = (await this.d.model.servers(clusterId)).filter((x) => x.enabled);
    if (clusterId === undefined) this.d.store.keep(new Set(servers.map((x) => x.id)));
    const running = new Set(this.d.kernel.plugins().filter((p) => p.started).map((p) => p.id));
    const modules = [...new Set([...s.modules, ...Object.entries(PLUGIN_MODULES).filter(([p]) => running.has(p)).flatMap(([, m]) => m)])];
    const expected = new Map<number, Promise<AsteriskExpectations>>();
    const expect = (cid: number) => {
      if (!expected.has(cid)) expected.set(cid, this.d.model.snapshot(cid).then((snap) => ({ modules, trunks: new Map(snap.trunks.map((t) => [objectNames.trunk(snap.tenant, t), t.name])) })));
      return expected.get(cid)!;
    };
    const connected = new Set(this.d.ami.connected().map((c) => c.serverId));
    const out: ServerHealth[] = [];
    let next = 0;
    const worker = async () => {
      while (next < servers.length) {
        const server = servers[next++]!;
        out.push(await this.server(server, clusters.get(server.clusterId)?.name ?? String(server.clusterId), connected.has(server.id), expect(server.clusterId), now));
      }
    };
    await Promise.all(Array.from({ length: Math.min(s.concurrency, servers.length) }, worker));
    return out;
  }

  /** The AMI poller at work: events a minute since the server's last round. */
  private eventRate(serverId: number, amiUp: boolean, now: number): Metric {
    const events = this.d.takeEvents(serverId);
    const last = this.d.store.get(serverId)?.at;
    const base = { key: 'ami-events', group: 'reporting', label: 'AMI events' } as const;
    if (!amiUp) return { ...base, state: 'red', value: null, text: 'AMI poller not connected: no events collected' };
    if (last == null || now <= last) return { ...base, state: 'green', value: null, text: 'connected; events counted from now' };
    const perMinute = Math.round((events / ((now - last) / 60_000)) * 10) / 10;
    return { ...base, state: 'green', value: perMinute, text: `connected, ${perMinute} events/min` };
  }

  private async server(server: ServerView, cluster: string, amiUp: boolean, expected: Promise<AsteriskExpectations>, now: number): Promise<ServerHealth> {
    const s = this.d.settings();
    const rules = clusterRules(s, cluster);
    const [host, asterisk] = await Promise.all([
      collectHost(this.d.ssh, server.id, { ...hostCommands(rules.services), ...(rules.routes.length ? ROUTING_COMMANDS : {}) }, s.timeoutSeconds * 1000),
      expected.then((e) => asteriskMetrics(this.d.ami, server.id, amiUp, e)),
    ]);
    const { health, changed } = this.d.store.record({
      serverId: server.id, clusterId: server.clusterId, tenantId: server.tenantId, siteId: server.siteId, name: server.name, cluster, at: now,
      metrics: [
        ...hostMetrics(host, rules.services, rules.thresholds), ...(rules.routes.length ? routingMetrics(host.results, rules.routes) : []),
        ...asterisk, ...(amiUp ? linkMetrics(this.d.links?.(server.id) ?? []) : []), this.eventRate(server.id, amiUp, now),
      ],
    });
    await this.d.onServer(health, changed, now);
    return health;
  }
}
