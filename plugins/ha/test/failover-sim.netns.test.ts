/**
 * The issue's headline test, end to end: nodes A and B and a client C in network namespaces on
 * one bridge (in C). Each node runs a simulated Asterisk (its own process in the node's namespace:
 * AMI 5038, SIP UDP 5060) and real keepalived (Debian) with the config acm renders, whose
 * track_script is the REAL bundled agent (`acm-ha check`: AMI Login+Ping and SIP OPTIONS against
 * the local Asterisk). From C a prober sends SIP OPTIONS and AMI Ping to the VIP every 100 ms.
 * A's Asterisk is killed (SIGKILL) -> A's check fails, keepalived releases the VIP, B takes it:
 * measured until the VIP answers SIP OPTIONS and AMI again (`failover_seconds=N`, goal < 5 s).
 * A's Asterisk comes back -> B keeps the VIP (nopreempt: failback waits for the operator).
 * Needs root, ip netns and keepalived; skipped otherwise. Everything bounded and cleaned up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRunNetns, ip, Keepaliveds, runTag, until as untilMs, vipHolders } from './netns-harness.ts';
import { renderKeepalived } from '../render.ts';
import { buildAgent } from '../node/build.ts';

const can = canRunNetns();
const REPO = resolve(import.meta.dirname, '..', '..', '..');
const RUN_TS = join(REPO, 'bin', 'run-ts.mjs');
const tag = runTag();
const net = 10 + ((process.pid + 53) % 200);
const C = { ns: `acmha-c-${tag}`, br: `bc${tag}`.slice(0, 15), ip: `10.197.${net}.50` };
const NODES = [
  { key: 'a', ns: `acmha-sa-${tag}`, dev: `hs${tag}a`.slice(0, 15), cdev: `hs${tag}ca`.slice(0, 15), ip: `10.197.${net}.1`, priority: 150 },
  { key: 'b', ns: `acmha-sb-${tag}`, dev: `hs${tag}b`.slice(0, 15), cdev: `hs${tag}cb`.slice(0, 15), ip: `10.197.${net}.2`, priority: 100 },
];
const VIP = `10.197.${net}.100`;
const INSTANCE = 'acm_1_voice_61';
const dir = `/run/acmha-sim-${tag}`;
const sims = new Map<string, ChildProcess>();
const holds = (ns: string) => vipHolders([{ key: ns, ns }], VIP).length > 0;
const holders = () => vipHolders(NODES, VIP);
const keepaliveds = new Keepaliveds(dir);
const until = (fn: () => boolean, ms: number, what: string) => untilMs(fn, ms, what, () => `VIP held by: ${holders().join(',') || 'nobody'}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Spawns `node bin/run-ts.mjs SCRIPT ARGS` in a namespace; resolves once it printed READY (bounded). */
async function spawnTs(ns: string, script: string, args: string[], onLine?: (l: string) => void): Promise<ChildProcess> {
  const p = spawn('ip', ['netns', 'exec', ns, process.execPath, RUN_TS, join(import.meta.dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO });
  keepaliveds.track(p);
  let err = '';
  p.stderr!.on('data', (c: Buffer) => { err = (err + c.toString('utf8')).slice(-2000); });
  const lines = createInterface({ input: p.stdout! });
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${script} in ${ns} did not start in 20 s: ${err}`)), 20_000);
    p.once('exit', (code) => { clearTimeout(t); rej(new Error(`${script} in ${ns} exited ${code}: ${err}`)); });
    lines.on('line', (l) => {
      if (l === 'READY') { clearTimeout(t); res(); } else onLine?.(l);
    });
  });
  return p;
}

const startSim = async (n: (typeof NODES)[number]) => { sims.set(n.key, await spawnTs(n.ns, 'netns-sim.ts', ['0.0.0.0', `sim-${n.key}`])); };

const checkOf = (k: string): { ok: boolean; items: { name: string; ok: boolean }[] } | null => {
  try { return JSON.parse(readFileSync(join(dir, k, 'state', 'check.json'), 'utf8')); } catch { return null; }
};


beforeAll(async () => {
  if (!can) return;
  ip('netns', 'add', C.ns);
  ip('-n', C.ns, 'link', 'add', C.br, 'type', 'bridge');
  ip('-n', C.ns, 'addr', 'add', `${C.ip}/24`, 'dev', C.br);
  ip('-n', C.ns, 'link', 'set', C.br, 'up');
  ip('-n', C.ns, 'link', 'set', 'lo', 'up');
  for (const n of NODES) {
    ip('netns', 'add', n.ns);
    ip('link', 'add', n.dev, 'netns', n.ns, 'type', 'veth', 'peer', 'name', n.cdev, 'netns', C.ns);
    ip('-n', C.ns, 'link', 'set', n.cdev, 'master', C.br);
    ip('-n', C.ns, 'link', 'set', n.cdev, 'up');
    ip('-n', n.ns, 'addr', 'add', `${n.ip}/24`, 'dev', n.dev);
    ip('-n', n.ns, 'link', 'set', n.dev, 'up');
    ip('-n', n.ns, 'link', 'set', 'lo', 'up');
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const [bundle] = await Promise.all([buildAgent(join(dir, 'acm-ha.mjs')), ...NODES.map(startSim)]);
  for (const n of NODES) {
    const d = join(dir, n.key);
    mkdirSync(join(d, 'state'), { recursive: true, mode: 0o755 });
    const peer = NODES.find((p) => p !== n)!;
    const agent = join(d, 'acm-ha');
    writeFileSync(agent, `#!/bin/sh\nexec ${process.execPath} ${bundle} "$@"\n`);
    chmodSync(agent, 0o755);
    // What acm renders (nodeconfig.ts) for a node whose Asterisk listens locally.
    writeFileSync(join(d, 'node.json'), JSON.stringify({
      node: n.key, group: 'pair', groupId: 1, stateDir: join(d, 'state'), primary: n.priority === 150, timeoutMs: 700,
      self: { address: n.ip, interface: n.dev, priority: n.priority }, peers: [{ name: peer.key, address: peer.ip }],
      vips: [{ instance: INSTANCE, kind: 'voice', address: VIP, prefix: 24, interface: n.dev }],
      ami: { host: '127.0.0.1', port: 5038, username: 'acmtest', secret: 'acmtest-Secret1' },
      sip: { host: '127.0.0.1', port: 5060 },
    }));
    writeFileSync(join(d, 'keepalived.conf'), renderKeepalived({
      group: { id: 1, name: 'pair', advertInt: 1, checkInterval: 1, checkFall: 1, checkRise: 1 },
      self: { name: n.key, priority: n.priority, interface: n.dev, sourceAddress: n.ip },
      peers: [{ name: peer.key, sourceAddress: peer.ip }],
      vips: [{ kind: 'voice', address: VIP, prefix: 24, virtualRouterId: 61 }],
      agent, agentConfig: join(d, 'node.json'), scriptSecurity: false,
    }));
  }
  // A first, so it is the master when B starts (both are BACKUP + nopreempt).
  for (const n of NODES) {
    keepaliveds.start(n);
    if (n.key === 'a') await until(() => holds(n.ns), 20_000, 'A to take the VIP at start').catch(() => {});
  }
}, 60_000);

afterAll(async () => {
  if (!can) return;
  try {
    await keepaliveds.stopAll(NODES);
  } finally {
    for (const n of NODES) spawnSync('ip', ['netns', 'del', n.ns]);
    spawnSync('ip', ['netns', 'del', C.ns]);
    if (!process.env.ACM_HA_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

describe.runIf(can)('failover with simulated Asterisk servers, real keepalived and the real agent', () => {
  it("A's Asterisk dies -> the VIP answers SIP OPTIONS and AMI again from B in seconds; A back -> no failback", async () => {
    await until(() => holds(NODES[0]!.ns), 20_000, 'A to hold the VIP');
    await until(() => checkOf('b')?.ok === true, 10_000, "B's check to pass (B ready)");
    await sleep(1500); // B is BACKUP
    expect(holders()).toEqual(['a']);

    const samples: { start: number; end: number; sip: boolean; ami: boolean }[] = [];
    const prober = await spawnTs(C.ns, 'netns-probe.ts', [VIP, '60'], (l) => { try { samples.push(JSON.parse(l)); } catch { /* not a sample */ } });
    // The VIP answers from the client before anything happens.
    await until(() => samples.some((s) => s.sip && s.ami), 10_000, 'the VIP to answer SIP and AMI from the client');

    const t0 = Date.now();
    sims.get('a')!.kill('SIGKILL'); // Asterisk on A crashes
    await until(() => samples.some((s) => s.start >= t0 && s.sip && s.ami), 20_000, 'the VIP to answer SIP OPTIONS and AMI again');
    const back = samples.find((s) => s.start >= t0 && s.sip && s.ami)!;
    const failoverSeconds = (back.end - t0) / 1000;
    const firstMiss = samples.find((s) => s.start >= t0 && (!s.sip || !s.ami));
    console.log(`failover_seconds=${failoverSeconds.toFixed(2)} (outage seen by the client: ${firstMiss ? `${((back.end - firstMiss.start) / 1000).toFixed(2)} s` : 'none'})`);
    expect(holders()).toEqual(['b']);
    expect(failoverSeconds).toBeLessThan(5);
    // A's own report says why it let go.
    const a = checkOf('a')!;
    expect(a.ok).toBe(false);
    expect(a.items.filter((i) => !i.ok).map((i) => i.name).sort()).toEqual(['ami', 'sip']);
    // Service stays up on B.
    await sleep(1500);
    expect(samples.filter((s) => s.start >= back.end + 200 && s.end < Date.now() - 500).every((s) => s.sip && s.ami)).toBe(true);

    // A's Asterisk comes back: A is healthy again but stays BACKUP (nopreempt) — no failback.
    await startSim(NODES[0]!);
    await until(() => checkOf('a')?.ok === true, 10_000, "A's check to pass again");
    const healedFrom = Date.now();
    await sleep(5000);
    expect(holders()).toEqual(['b']);
    const healed = samples.filter((s) => s.start >= healedFrom && s.end < Date.now() - 500);
    expect(healed.length).toBeGreaterThan(10);
    expect(healed.every((s) => s.sip && s.ami)).toBe(true);
    const vrrpA = JSON.parse(readFileSync(join(dir, 'a', 'state', 'vrrp.json'), 'utf8'))[INSTANCE].state;
    expect(vrrpA).toBe('BACKUP');
    prober.kill('SIGTERM');
  }, 120_000);
});
