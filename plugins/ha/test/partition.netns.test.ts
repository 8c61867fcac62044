/**
 * The split-brain guard with real keepalived: nodes A and B and a gateway/witness W in network
 * namespaces, A and B plugged into a bridge in W. keepalived's track script is the real agent's
 * `check` (bundled by node/build.ts, as deployed) with W as the witness. A holds the VIP; A is
 * cut off (iptables DROP of everything but loopback in A's namespace: the link stays up, so only
 * the witness check can tell) -> A's check fails and A gives the VIP up while B, no longer
 * hearing A, takes it. Once it settles exactly one node holds the VIP; when A comes back it
 * stays backup (no failback).
 * Needs root, ip netns, iptables and keepalived; skipped otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunNetns, ip, Keepaliveds, runTag, until as untilMs, vipHolders } from './netns-harness.ts';
import { renderKeepalived } from '../render.ts';
import { buildAgent } from '../node/build.ts';

const can = canRunNetns('/usr/sbin/iptables');
const tag = runTag();
const net = 10 + ((process.pid + 101) % 200);
const W = { ns: `acmha-w-${tag}`, br: `br${tag}`.slice(0, 15), ip: `10.198.${net}.254` };
const NODES = [
  { key: 'a', ns: `acmha-pa-${tag}`, dev: `hp${tag}a`.slice(0, 15), wdev: `hp${tag}wa`.slice(0, 15), ip: `10.198.${net}.1`, priority: 150 },
  { key: 'b', ns: `acmha-pb-${tag}`, dev: `hp${tag}b`.slice(0, 15), wdev: `hp${tag}wb`.slice(0, 15), ip: `10.198.${net}.2`, priority: 100 },
];
const VIP = `10.198.${net}.100`;
const dir = `/run/acmha-part-${tag}`;
const holds = (ns: string) => vipHolders([{ key: ns, ns }], VIP).length > 0;
const holders = () => vipHolders(NODES, VIP);
const keepaliveds = new Keepaliveds(dir);
const until = (fn: () => boolean, ms: number, what: string) => untilMs(fn, ms, what, () => `VIP held by: ${holders().join(',') || 'nobody'}`);
const ipt = (ns: string, ...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, 'iptables', ...args], { encoding: 'utf8', timeout: 5000 });


/** Samples the holders every ~100 ms for `ms`; every sample's holder list. */
async function watch(ms: number): Promise<string[][]> {
  const out: string[][] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    out.push(holders());
    await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}


beforeAll(async () => {
  if (!can) return;
  ip('netns', 'add', W.ns);
  ip('-n', W.ns, 'link', 'add', W.br, 'type', 'bridge');
  ip('-n', W.ns, 'addr', 'add', `${W.ip}/24`, 'dev', W.br);
  ip('-n', W.ns, 'link', 'set', W.br, 'up');
  ip('-n', W.ns, 'link', 'set', 'lo', 'up');
  for (const n of NODES) {
    ip('netns', 'add', n.ns);
    ip('link', 'add', n.dev, 'netns', n.ns, 'type', 'veth', 'peer', 'name', n.wdev, 'netns', W.ns);
    ip('-n', W.ns, 'link', 'set', n.wdev, 'master', W.br);
    ip('-n', W.ns, 'link', 'set', n.wdev, 'up');
    ip('-n', n.ns, 'addr', 'add', `${n.ip}/24`, 'dev', n.dev);
    ip('-n', n.ns, 'link', 'set', n.dev, 'up');
    ip('-n', n.ns, 'link', 'set', 'lo', 'up');
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const bundle = await buildAgent(join(dir, 'acm-ha.mjs'));
  for (const n of NODES) {
    const d = join(dir, n.key);
    mkdirSync(join(d, 'state'), { recursive: true, mode: 0o755 });
    const peer = NODES.find((p) => p !== n)!;
    // keepalived runs the real (bundled) agent for check and notify.
    const agent = join(d, 'acm-ha');
    writeFileSync(agent, `#!/bin/sh\nexec ${process.execPath} ${bundle} "$@"\n`);
    chmodSync(agent, 0o755);
    writeFileSync(join(d, 'node.json'), JSON.stringify({
      node: n.key, group: 'pair', groupId: 1, stateDir: join(d, 'state'), primary: n.priority === 150, timeoutMs: 800,
      self: { address: n.ip, interface: n.dev, priority: n.priority }, peers: [{ name: peer.key, address: peer.ip }],
      vips: [{ instance: 'acm_1_voice_51', kind: 'voice', address: VIP, prefix: 24, interface: n.dev }],
      witness: { address: W.ip, port: null },
    }));
    writeFileSync(join(d, 'keepalived.conf'), renderKeepalived({
      group: { id: 1, name: 'pair', advertInt: 1, checkInterval: 1, checkFall: 1, checkRise: 1 },
      self: { name: n.key, priority: n.priority, interface: n.dev, sourceAddress: n.ip },
      peers: [{ name: peer.key, sourceAddress: peer.ip }],
      vips: [{ kind: 'voice', address: VIP, prefix: 24, virtualRouterId: 51 }],
      agent, agentConfig: join(d, 'node.json'), scriptSecurity: false,
    }));
  }
  // A first, so it is the master when B starts (both are BACKUP + nopreempt).
  for (const n of NODES) {
    keepaliveds.start(n);
    if (n.key === 'a') await until(() => holds(n.ns), 20_000, 'A to take the VIP at start').catch(() => {});
  }
}, 40_000);

afterAll(async () => {
  if (!can) return;
  try {
    await keepaliveds.stopAll(NODES);
  } finally {
    for (const n of NODES) spawnSync('ip', ['netns', 'del', n.ns]);
    spawnSync('ip', ['netns', 'del', W.ns]);
    if (!process.env.ACM_HA_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

describe.runIf(can)('partition: a node cut off from the network gives the VIP up (no split brain)', () => {
  it('A isolated -> A releases (witness check), B takes over; never two holders once settled; no failback when A returns', async () => {
    await until(() => holds(NODES[0]!.ns), 20_000, 'A to hold the VIP');
    await new Promise((r) => setTimeout(r, 2500)); // B is up and BACKUP
    expect(holders()).toEqual(['a']);

    const t0 = Date.now();
    const a = NODES[0]!;
    ipt(a.ns, '-I', 'INPUT', '!', '-i', 'lo', '-j', 'DROP');
    ipt(a.ns, '-I', 'OUTPUT', '!', '-o', 'lo', '-j', 'DROP');
    // Transition: sampled; both holding at once is what the witness check prevents.
    const samples: string[][] = [];
    const settle = Date.now() + 15_000;
    while (Date.now() < settle) {
      const h = holders();
      samples.push(h);
      if (h.length === 1 && h[0] === 'b') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const settledSeconds = (Date.now() - t0) / 1000;
    const dual = samples.filter((h) => h.length > 1).length;
    console.log(`partition_settle_seconds=${settledSeconds.toFixed(2)} dual_holder_samples=${dual}/${samples.length}`);
    expect(holders()).toEqual(['b']);
    expect(settledSeconds).toBeLessThan(10);
    // A's own report says why it let go.
    const check = JSON.parse(readFileSync(join(dir, 'a', 'state', 'check.json'), 'utf8')) as { ok: boolean; items: { name: string; ok: boolean }[] };
    expect(check.ok).toBe(false);
    expect(check.items.find((i) => i.name === 'witness')?.ok).toBe(false);
    // Settled: exactly one holder at every sample while the partition lasts.
    const after = await watch(4000);
    expect(after.filter((h) => h.length !== 1 || h[0] !== 'b')).toEqual([]);
    expect(dual).toBe(0);

    // A comes back: healthy again, it stays BACKUP (nopreempt), B keeps the VIP.
    ipt(a.ns, '-D', 'INPUT', '!', '-i', 'lo', '-j', 'DROP');
    ipt(a.ns, '-D', 'OUTPUT', '!', '-o', 'lo', '-j', 'DROP');
    await until(() => {
      try { return JSON.parse(readFileSync(join(dir, 'a', 'state', 'check.json'), 'utf8')).ok === true; } catch { return false; }
    }, 10_000, "A's check to pass again");
    const healed = await watch(4000);
    expect(healed.filter((h) => h.length !== 1 || h[0] !== 'b')).toEqual([]);
    const vrrpA = JSON.parse(readFileSync(join(dir, 'a', 'state', 'vrrp.json'), 'utf8')).acm_1_voice_51.state;
    expect(['BACKUP', 'FAULT']).toContain(vrrpA);
    await until(() => JSON.parse(readFileSync(join(dir, 'a', 'state', 'vrrp.json'), 'utf8')).acm_1_voice_51.state === 'BACKUP', 8000, 'A to rejoin as BACKUP');
  }, 120_000);
});
