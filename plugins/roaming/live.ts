import type { AmiService, ClusterView, TenantView } from '../../sdk/index.ts';
import { peerName } from './names.ts';
import type { LinkStatus } from './api/index.ts';

export type { LinkStatus };


const STATUS = /(OK|LAGGED|UNREACHABLE|UNKNOWN|Unmonitored)(?:\s*\((\d+) ms\))?/;

/** `iax2 show peers`: `name/username  host (S) mask port status`, name/username cut to 15 characters. */
export function parseIaxPeers(lines: string[]): Map<string, { status: string; ms: number | null }> {
  const out = new Map<string, { status: string; ms: number | null }>();
  for (const l of lines) {
    const name = /^(\S+?)(?:\/\S*)?\s/.exec(l)?.[1];
    const m = STATUS.exec(l);
    if (!name || !m || name === 'Name') continue;
    out.set(name, { status: m[1]!.toUpperCase(), ms: m[2] ? Number(m[2]) : null });
  }
  return out;
}

/** `dundi show peers`: `EID  host (S) port model avgtime status`. */
export function parseDundiPeers(lines: string[]): Map<string, { status: string; ms: number | null }> {
  const out = new Map<string, { status: string; ms: number | null }>();
  for (const l of lines) {
    const eid = /^([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s/i.exec(l)?.[1];
    const m = STATUS.exec(l.slice(20));
    if (eid && m) out.set(eid.toLowerCase(), { status: m[1]!.toUpperCase(), ms: m[2] ? Number(m[2]) : null });
  }
  return out;
}

/**
 * The inter-site links as every connected server sees them, asked over AMI (the seed's home page
 * "IAX UP / DUNDI UP"): polled, because chan_iax2's PeerStatus events say nothing of DUNDi and a
 * server that just connected has sent none.
 */
export class LinkBoard {
  private rows: LinkStatus[] = [];
  constructor(private readonly ami: AmiService) {}

  list(clusterIds?: ReadonlySet<number>): LinkStatus[] {
    return clusterIds ? this.rows.filter((r) => clusterIds.has(r.clusterId)) : [...this.rows];
  }

  /** Asks every connected server; answers the rows that changed. `links`: per cluster, its linked clusters. */
  async poll(tenantOf: (clusterId: number) => TenantView | undefined, links: ReadonlyMap<number, ClusterView[]>, eidOf: (clusterId: number) => string): Promise<LinkStatus[]> {
    const next: LinkStatus[] = [];
    for (const s of this.ami.connected()) {
      const peers = links.get(s.clusterId);
      const t = tenantOf(s.clusterId);
      if (!peers?.length || !t) continue;
      const [iax, dundi] = await Promise.all([
        this.ami.command(s.serverId, 'iax2 show peers').then(parseIaxPeers, () => new Map()),
        this.ami.command(s.serverId, 'dundi show peers').then(parseDundiPeers, () => new Map()),
      ]);
      for (const p of peers) {
        const i = iax.get(peerName(t, p).slice(0, 15));
        const d = dundi.get(eidOf(p.id));
        next.push({ serverId: s.serverId, server: s.name, clusterId: s.clusterId, peerClusterId: p.id, iax: i?.status ?? 'missing', dundi: d?.status ?? 'missing', iaxMs: i?.ms ?? null, dundiMs: d?.ms ?? null });
      }
    }
    const key = (r: LinkStatus) => `${r.serverId}|${r.peerClusterId}`;
    const before = new Map(this.rows.map((r) => [key(r), r]));
    this.rows = next;
    return next.filter((r) => { const b = before.get(key(r)); return !b || b.iax !== r.iax || b.dundi !== r.dundi; });
  }

  /** The home page tile: green when every link is up both ways, red when one is down everywhere. */
  tile(): { state: 'green' | 'orange' | 'red' | 'unknown'; summary: string; details: Record<string, unknown> } {
    if (!this.rows.length) return { state: 'unknown', summary: 'no linked cluster connected', details: {} };
    const up = (r: LinkStatus) => r.iax === 'OK' && r.dundi === 'OK';
    const down = this.rows.filter((r) => !up(r));
    const iaxUp = this.rows.every((r) => r.iax === 'OK');
    const dundiUp = this.rows.every((r) => r.dundi === 'OK');
    const summary = `${this.rows.length - down.length} of ${this.rows.length} link(s) up: IAX ${iaxUp ? 'UP' : 'DOWN'} / DUNDI ${dundiUp ? 'UP' : 'DOWN'}`;
    const details = Object.fromEntries(this.rows.map((r) => [`${r.server} → cluster ${r.peerClusterId}`, { iax: r.iax, dundi: r.dundi, iaxMs: r.iaxMs, dundiMs: r.dundiMs }]));
    return { state: !down.length ? 'green' : down.length === this.rows.length ? 'red' : 'orange', summary, details };
  }
}
