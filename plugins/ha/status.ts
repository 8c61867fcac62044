import type { HaGroupStatus, HaNodeStatus } from './api/index.ts';
import type { HaGroup, HaNode, HaVip } from './entities.ts';
import { primaryNode } from './nodeconfig.ts';
import { instanceName } from './render.ts';

export interface NodeState { vrrp: HaNodeStatus['vrrp']; check: HaNodeStatus['check']; reachable: boolean; error?: string }

/**
 * The state of a group in plain words, from what each node reported (vrrp.json: keepalived's
 * state per instance; check.json: the last `acm ha check`).
 */
export function groupStatus(g: HaGroup, nodes: readonly HaNode[], vips: readonly HaVip[], names: ReadonlyMap<number, string>, states: ReadonlyMap<number, NodeState>, now = new Date()): HaGroupStatus {
  const primary = primaryNode(nodes);
  const vipStatus = vips.map((v) => {
    const inst = instanceName(g.id, v.kind, v.virtualRouterId);
    const heldBy = nodes.filter((n) => states.get(n.serverId)?.vrrp[inst]?.state === 'MASTER').map((n) => names.get(n.serverId) ?? String(n.serverId));
    return { kind: v.kind, address: v.address, prefix: v.prefix, virtualRouterId: v.virtualRouterId, heldBy };
  });
  const primaryName = primary ? names.get(primary.serverId) ?? String(primary.serverId) : '';
  const holders = new Set(vipStatus.flatMap((v) => v.heldBy));
  let state: string; let words: string;
  if (!vips.length || nodes.length < 2) { state = 'unconfigured'; words = 'NOT CONFIGURED - needs two nodes and a VIP'; }
  else if (![...states.values()].some((s) => s.reachable)) { state = 'unknown'; words = 'NO NODE REPORTED ITS STATE'; }
  else if (vipStatus.some((v) => v.heldBy.length > 1)) { state = 'split'; words = 'SPLIT BRAIN - A VIP IS HELD BY MORE THAN ONE NODE'; }
  else if (vipStatus.some((v) => v.heldBy.length === 0)) { state = 'down'; words = 'SERVICE DOWN - A VIP IS HELD BY NO NODE'; }
  else if (holders.size === 1 && holders.has(primaryName)) { state = 'normal'; words = 'NOW IN NORMAL STATE'; }
  else {
    state = 'failover';
    const primaryOk = primary ? states.get(primary.serverId)?.check?.ok : false;
    words = `FAILOVER ACTIVE ON SECONDARY (${[...holders].join(', ')})${primaryOk ? ' - PRIMARY HEALTHY, FAILBACK WAITS FOR AN OPERATOR' : ' - PRIMARY NEEDS ATTENTION'}`;
  }
  const holder = [...holders][0];
  const others = nodes.map((n) => names.get(n.serverId) ?? String(n.serverId)).filter((n) => n !== holder);
  return {
    id: g.id, clusterId: g.clusterId, name: g.name, timestamp: now.toISOString(), state, words,
    nodes: nodes.map((n) => {
      const s = states.get(n.serverId);
      return {
        serverId: n.serverId, name: names.get(n.serverId) ?? String(n.serverId), priority: n.priority, primary: n === primary,
        interface: n.interface, sourceAddress: n.sourceAddress, vrrp: s?.vrrp ?? {}, check: s?.check ?? null,
        reachable: s?.reachable ?? false, ...(s?.error ? { error: s.error } : {}),
      };
    }),
    vips: vipStatus,
    replication: holder ? `${holder} -> ${others.join(', ') || '(none)'}` : 'stopped (no active node)',
  };
}
