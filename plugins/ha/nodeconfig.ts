import { ValidationError, type ServerView } from '../../sdk/index.ts';
import type { HaGroup, HaNode, HaNotifyTarget, HaVip } from './entities.ts';
import type { HaSettings } from './manifest.ts';
import type { NodeConfig } from './node/agent.ts';
import { instanceName, renderKeepalived } from './render.ts';

export interface GroupBundle { group: HaGroup; nodes: HaNode[]; vips: HaVip[]; notifyTargets: HaNotifyTarget[] }

/** The primary: the node with the highest priority (it holds the VIPs in the normal state). */
export function primaryNode(nodes: readonly HaNode[]): HaNode | undefined {
  return [...nodes].sort((a, b) => b.priority - a.priority)[0];
}

/** What a group lacks to be rendered (nodes, VIPs); empty when it can be. */
export function missing(b: Pick<GroupBundle, 'nodes' | 'vips'>): { field: string; message: string }[] {
  const problems = [];
  if (b.nodes.length < 2) problems.push({ field: 'nodes', message: 'an HA group needs at least two nodes' });
  if (!b.vips.length) problems.push({ field: 'vips', message: 'an HA group needs at least one VIP' });
  return problems;
}

/**
 * Where the local health checks reach Asterisk's SIP transport: the cluster's bind address, or
 * loopback when it binds every address (unset, 0.0.0.0 or ::).
 */
export function sipProbeHost(bind: string | null | undefined): string {
  if (!bind || bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '::1';
  return bind;
}

/** keepalived.conf and node.json of every node of a group, by server id. */
export function renderGroup(b: GroupBundle, servers: readonly ServerView[], s: HaSettings, sipBindAddress?: string | null): Map<number, { server: ServerView; keepalived: string; nodeJson: NodeConfig }> {
  const problems = missing(b);
  if (problems.length) throw new ValidationError(problems);
  const byId = new Map(servers.map((x) => [x.id, x]));
  const nameOf = (n: HaNode) => byId.get(n.serverId)?.name ?? `server-${n.serverId}`;
  const primary = primaryNode(b.nodes)!;
  const out = new Map<number, { server: ServerView; keepalived: string; nodeJson: NodeConfig }>();
  for (const n of b.nodes) {
    const server = byId.get(n.serverId);
    if (!server) throw new ValidationError([{ field: 'nodes', message: `server ${n.serverId} is not in the cluster` }]);
    const peers = b.nodes.filter((p) => p !== n);
    const keepalived = renderKeepalived({
      group: b.group, self: { name: server.name, priority: n.priority, interface: n.interface, sourceAddress: n.sourceAddress },
      peers: peers.map((p) => ({ name: nameOf(p), sourceAddress: p.sourceAddress })),
      vips: b.vips, agent: s.agentCommand, agentConfig: s.agentConfigPath,
    });
    const g = b.group;
    const nodeJson: NodeConfig = {
      node: server.name, group: g.name, groupId: g.id, stateDir: s.stateDir, timeoutMs: 1000, primary: n === primary,
      self: { address: n.sourceAddress, interface: n.interface, priority: n.priority },
      peers: peers.map((p) => ({ name: nameOf(p), address: p.sourceAddress, replicationAddress: p.replicationAddress ?? null })),
      vips: b.vips.map((v) => ({ instance: instanceName(g.id, v.kind, v.virtualRouterId), kind: v.kind, address: v.address, prefix: v.prefix, interface: v.interface ?? n.interface })),
      ami: g.services.includes('ami') && s.checkAmi ? { host: '127.0.0.1', port: g.amiPort, username: s.checkAmi.username, secret: s.checkAmi.secret } : null,
      sip: g.services.includes('sip') ? { host: sipProbeHost(sipBindAddress), port: server.sipPort ?? g.sipPort } : null,
      witness: g.witness ? { address: g.witness, port: null } : null,
      trunks: g.trunks.map((t) => ({ name: t.name, address: t.address ?? null, port: null, interface: t.interface ?? null })),
      syslog: s.syslogFrom === 'acm' ? [] : b.notifyTargets.filter((t) => t.enabled && t.type === 'syslog').flatMap((t) => {
        const m = /^([0-9a-fA-F:.]+?)(?::(\d+))?$/.exec(t.target);
        return m ? [{ host: m[1]!, port: Number(m[2] ?? 514) }] : [];
      }),
      failoverHoldMs: 15_000,
    };
    out.set(n.serverId, { server, keepalived, nodeJson });
  }
  return out;
}
