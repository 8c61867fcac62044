import type { ClusterSnapshotView } from '../../../../sdk/index.ts';

/**
 * Bandwidth per call and direction on the wire, 20 ms packets: payload + RTP 12 + UDP 8 + IPv4 20
 * + Ethernet 18 (header + FCS) bytes, 50 packets/s. G.711 (ulaw/alaw): (160+58)·8·50 = 87.2 kbit/s;
 * G.722 the same; G.729: (20+58)·8·50 = 31.2 kbit/s; GSM: (33+58)·8·50 = 36.4 kbit/s.
 * Unknown codecs count as G.711 (the usual ITSP codec and the worst of these).
 */
export const KBPS_PER_CALL: Record<string, number> = { ulaw: 87.2, alaw: 87.2, g722: 87.2, g729: 31.2, gsm: 36.4 };
export const DEFAULT_KBPS = 87.2;

export function kbpsFor(codecs: string | null | undefined): { codec: string; kbps: number } {
  const first = (codecs ?? '').split(/[,&\s]+/).map((c) => c.trim().toLowerCase()).find((c) => c && c !== 'all' && !c.startsWith('!'));
  if (first && KBPS_PER_CALL[first] !== undefined) return { codec: first, kbps: KBPS_PER_CALL[first]! };
  return { codec: 'ulaw', kbps: DEFAULT_KBPS };
}

export interface LiveChannel { channel: string; uniqueid: string; linkedid: string }

/** The endpoint of a channel name: `PJSIP/telnyx-0000002a` → `telnyx`. */
export function endpointOf(channel: string): string | null {
  const m = /^[A-Za-z0-9]+\/(.+)-[0-9a-f]+$/.exec(channel);
  return m ? m[1]! : null;
}

export interface TrunkUsage {
  clusterId: number; cluster: string; trunk: string; inUse: number; maxChannels: number | null;
  percent: number | null; codec: string; kbps: number; byGroup: Record<string, number>;
}

/**
 * Channels in use per trunk of one cluster, and per group: a trunk channel counts for the group
 * of the extension on the same call (same Linkedid); a call with no extension counts as `other`.
 * Trunk endpoints carry the tenant prefix the core gives them (`t<id>-` for tenants other than 1).
 */
export function trunkUsage(s: ClusterSnapshotView, channels: Iterable<LiveChannel>): TrunkUsage[] {
  const prefix = s.tenant.id === 1 ? '' : `t${s.tenant.id}-`;
  const trunkByEndpoint = new Map(s.trunks.map((t) => [prefix + t.name, t]));
  const extByEndpoint = new Map(s.extensions.map((e) => [prefix + e.extension, e]));
  const groupName = new Map(s.groups.map((g) => [g.id, g.name]));
  const all = [...channels];
  const byLinked = new Map<string, LiveChannel[]>();
  for (const c of all) byLinked.set(c.linkedid, [...(byLinked.get(c.linkedid) ?? []), c]);
  const usage = new Map<number, TrunkUsage>();
  for (const t of s.trunks) {
    usage.set(t.id, { clusterId: s.cluster.id, cluster: s.cluster.name, trunk: t.name, inUse: 0, maxChannels: t.maxChannels ?? null, percent: null, codec: kbpsFor(t.codecs).codec, kbps: 0, byGroup: {} });
  }
  for (const c of all) {
    const ep = endpointOf(c.channel);
    const trunk = ep ? trunkByEndpoint.get(ep) : undefined;
    if (!trunk) continue;
    const u = usage.get(trunk.id)!;
    u.inUse++;
    const peer = (byLinked.get(c.linkedid) ?? []).map((o) => extByEndpoint.get(endpointOf(o.channel) ?? '')).find((e) => e);
    const group = peer?.groupId ? groupName.get(peer.groupId) ?? 'other' : 'other';
    u.byGroup[group] = (u.byGroup[group] ?? 0) + 1;
  }
  return s.trunks.map((t) => {
    const u = usage.get(t.id)!;
    return { ...u, kbps: Math.round(u.inUse * kbpsFor(t.codecs).kbps * 10) / 10, percent: u.maxChannels ? Math.round((u.inUse / u.maxChannels) * 1000) / 10 : null };
  });
}
