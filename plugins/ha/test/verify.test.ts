/**
 * `acm ha verify` on a node: role, peers, interface, timestamp, each VIP and who holds it,
 * reachability, checks, replication direction and the state in plain words (fake probes).
 */
import { describe, expect, it } from 'vitest';
import { NodeConfig, verify, type Probes } from '../node/agent.ts';
import { nodeProgram } from '../node/main.ts';

const cfg = NodeConfig.parse({
  node: 'lon-ast1', group: 'lon-pair', groupId: 1, stateDir: '/nonexistent/acm-ha', primary: true,
  self: { address: '192.168.0.216', interface: 'eth0', priority: 150 },
  peers: [{ name: 'lon-ast2', address: '192.168.0.215', replicationAddress: '10.0.0.2' }],
  vips: [{ instance: 'acm_1_voice_51', kind: 'voice', address: '192.168.0.218', prefix: 24, interface: 'eth0' }, { instance: 'acm_1_web_52', kind: 'web', address: '192.168.0.219', prefix: 24, interface: 'eth1' }],
  sip: { host: '127.0.0.1', port: 5060 }, witness: { address: '192.168.0.1' },
});
const probes = (down: string[] = [], sipOk = true): Probes => ({
  sip: async () => ({ ok: sipOk, detail: sipOk ? 'SIP OPTIONS 127.0.0.1:5060 answered 200' : 'no answer', ms: 3 }),
  ami: async () => ({ ok: true, detail: 'pong', ms: 1 }),
  reach: async (a) => ({ ok: !down.includes(a), detail: `${a} ${down.includes(a) ? 'unreachable' : 'reachable'}`, ms: 1 }),
  iface: async () => ({ ok: true, detail: 'up', ms: 0 }),
  now: () => Date.parse('2026-01-05T10:00:00Z'),
});

describe('acm ha verify', () => {
  it('the primary holding the VIPs: normal state, every line of the seed\'s -v output', async () => {
    const r = await verify(cfg, probes(), async () => ['192.168.0.216', '192.168.0.218', '192.168.0.219']);
    expect(r.ok).toBe(true);
    expect(r.lines).toEqual([
      'acm High Availability (keepalived VRRP) - verify',
      'this node       : lon-ast1 (192.168.0.216) priority 150 - primary - ACTIVE (holds the VIPs)',
      'peer            : lon-ast2 192.168.0.215 reachable; replication 10.0.0.2 reachable',
      'interface       : eth0',
      'timestamp       : 2026-01-05T10:00:00.000Z',
      'voice VIP       : 192.168.0.218/24 dev eth0 - HELD BY THIS NODE',
      'web   VIP       : 192.168.0.219/24 dev eth1 - HELD BY THIS NODE',
      'check sip       : ok - SIP OPTIONS 127.0.0.1:5060 answered 200',
      'check witness   : ok - 192.168.0.1 reachable',
      'replication     : this node -> 10.0.0.2',
      '- NOW IN NORMAL STATE -',
    ]);
  });

  it('the primary after a failover, healthy again: failback waits for the operator', async () => {
    const r = await verify(cfg, probes(), async () => ['192.168.0.216']);
    expect(r.lines).toContain('voice VIP       : 192.168.0.218/24 dev eth0 - held by a peer (reachable)');
    expect(r.lines).toContain('replication     : peer -> this node');
    expect(r.lines.at(-1)).toBe('- FAILOVER ACTIVE ON SECONDARY - PRIMARY READY FOR FAILBACK -');
  });

  it('the primary with Asterisk down and the peer unreachable: says so', async () => {
    const r = await verify(cfg, probes(['192.168.0.215', '192.168.0.218', '192.168.0.219'], false), async () => ['192.168.0.216']);
    expect(r.ok).toBe(false);
    expect(r.lines).toContain('peer            : lon-ast2 192.168.0.215 NOT REACHABLE; replication 10.0.0.2 reachable');
    expect(r.lines).toContain('check sip       : FAILED - no answer');
    expect(r.lines.at(-1)).toBe('- NO NODE HOLDS THE VIP - SERVICE DOWN -');
  });

  it('is a command of the agent (and of `acm ha`)', () => {
    expect(nodeProgram().commands.map((c) => c.name()).sort()).toEqual(['check', 'failover', 'log', 'notify', 'verify']);
  });
});
