/**
 * Operator failover/failback with real keepalived (Debian) in two network namespaces joined by a veth pair,
 * with the config acm renders. A holds the VIP; A's check fails -> B takes the VIP (measured);
 * A recovers -> B keeps it (nopreempt: no automatic failback); the operator's `failover` on B
 * (the agent's real code) moves it back. Needs root, ip netns and keepalived; skipped otherwise.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunNetns, ip, Keepaliveds, runTag, until as untilMs, vipHolders } from './netns-harness.ts';
import { renderKeepalived } from '../render.ts';
import { failover, NodeConfig } from '../node/agent.ts';

const can = canRunNetns();
const AGENT = resolve(import.meta.dirname, '..', 'node', 'acm-ha.mjs');
const tag = runTag();
const net = 10 + (process.pid % 200);
const NODES = [
  { key: 'a', ns: `acmha-a-${tag}`, dev: `ha${tag}a`.slice(0, 15), ip: `10.199.${net}.1`, priority: 150 },
  { key: 'b', ns: `acmha-b-${tag}`, dev: `ha${tag}b`.slice(0, 15), ip: `10.199.${net}.2`, priority: 100 },
];
const VIP = `10.199.${net}.100`;
const dir = `/run/acmha-${tag}`;
const holds = (ns: string) => vipHolders([{ key: ns, ns }], VIP).length > 0;
const holders = () => vipHolders(NODES, VIP);
const keepaliveds = new Keepaliveds(dir);
const until = (fn: () => boolean, ms: number, what: string) => untilMs(fn, ms, what, () => `VIP held by: ${holders().join(',') || 'nobody'}`);
const cfgOf = (n: (typeof NODES)[number]) => NodeConfig.parse(JSON.parse(readFileSync(join(dir, n.key, 'node.json'), 'utf8')));



beforeAll(async () => {
  if (!can) return;
  for (const n of NODES) ip('netns', 'add', n.ns);
  ip('link', 'add', NODES[0]!.dev, 'netns', NODES[0]!.ns, 'type', 'veth', 'peer', 'name', NODES[1]!.dev, 'netns', NODES[1]!.ns);
  for (const n of NODES) {
    ip('-n', n.ns, 'addr', 'add', `${n.ip}/24`, 'dev', n.dev);
    ip('-n', n.ns, 'link', 'set', n.dev, 'up');
    ip('-n', n.ns, 'link', 'set', 'lo', 'up');
    const d = join(dir, n.key);
    mkdirSync(join(d, 'state'), { recursive: true, mode: 0o755 });
    const peer = NODES.find((p) => p !== n)!;
    // The track script: fails while the test's flag exists or an operator failover is under way
    // (the agent's standby-until, in milliseconds); notify runs the real agent.
    const agent = join(d, 'acm-ha');
    writeFileSync(agent, `#!/bin/sh
if [ "$1" = check ]; then
  [ -e ${d}/fail ] && exit 1
  if [ -e ${d}/state/standby-until ] && [ "$(cat ${d}/state/standby-until)" -gt "$(date +%s%3N)" ]; then exit 1; fi
  exit 0
fi
exec ${process.execPath} ${AGENT} "$@"
`);
    chmodSync(agent, 0o755);
    writeFileSync(join(d, 'node.json'), JSON.stringify({
      node: n.key, group: 'pair', groupId: 1, stateDir: join(d, 'state'), primary: n.priority === 150, failoverHoldMs: 15_000,
      self: { address: n.ip, interface: n.dev, priority: n.priority }, peers: [{ name: peer.key, address: peer.ip }],
      vips: [{ instance: 'acm_1_voice_51', kind: 'voice', address: VIP, prefix: 24, interface: n.dev }],
    }));
    writeFileSync(join(d, 'keepalived.conf'), renderKeepalived({
      group: { id: 1, name: 'pair', advertInt: 1, checkInterval: 1, checkFall: 1, checkRise: 1 },
      self: { name: n.key, priority: n.priority, interface: n.dev, sourceAddress: n.ip },
      peers: [{ name: peer.key, sourceAddress: peer.ip }],
      vips: [{ kind: 'voice', address: VIP, prefix: 24, virtualRouterId: 51 }],
      agent, agentConfig: join(d, 'node.json'), scriptSecurity: false,
    }));
    keepaliveds.start(n);
  }
}, 30_000);

afterAll(async () => {
  if (!can) return;
  try {
    await keepaliveds.stopAll(NODES);
  } finally {
    for (const n of NODES) spawnSync('ip', ['netns', 'del', n.ns]);
    if (!process.env.ACM_HA_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

describe.runIf(can)('keepalived failover in network namespaces', () => {
  it('A holds the VIP; A fails -> B within seconds; A recovers -> no failback; operator failover -> back to A', async () => {
    await until(() => holds(NODES[0]!.ns), 15_000, 'A to take the VIP at start');
    expect(holders()).toEqual(['a']);

    const t0 = Date.now();
    writeFileSync(join(dir, 'a', 'fail'), '');
    await until(() => holds(NODES[1]!.ns) && !holds(NODES[0]!.ns), 15_000, 'B to take the VIP');
    const failoverSeconds = (Date.now() - t0) / 1000;
    console.log(`failover_seconds=${failoverSeconds.toFixed(2)}`);
    expect(failoverSeconds).toBeLessThan(5);
    expect(holders()).toEqual(['b']);

    rmSync(join(dir, 'a', 'fail'));
    await new Promise((r) => setTimeout(r, 5000)); // A is healthy again for several check intervals
    expect(holders()).toEqual(['b']); // nopreempt: no automatic failback

    const t1 = Date.now();
    const r = await failover(cfgOf(NODES[1]!), { holds: async () => (holds(NODES[1]!.ns) ? [VIP] : []), settleMs: 3000, timeoutMs: 10_000 });
    expect(r.released).toBe(true);
    await until(() => holds(NODES[0]!.ns), 10_000, 'A to take the VIP back');
    console.log(`failback_seconds=${((Date.now() - t1) / 1000).toFixed(2)}`);
    await new Promise((r2) => setTimeout(r2, 3000)); // B rejoined as BACKUP: A keeps the VIP
    expect(holders()).toEqual(['a']);
    // notify ran the real agent: each node's history has its transitions
    const events = (k: string) => readFileSync(join(dir, k, 'state', 'events.jsonl'), 'utf8');
    await until(() => /"state":"MASTER"/.test(events('b')) && (events('a').match(/"state":"MASTER"/g) ?? []).length >= 2, 10_000, 'notify events');
    expect(JSON.parse(readFileSync(join(dir, 'a', 'state', 'vrrp.json'), 'utf8')).acm_1_voice_51.state).toBe('MASTER');
  }, 90_000);
});
