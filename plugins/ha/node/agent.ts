/**
 * The HA node agent: what keepalived runs on each node (`acm ha check`, `acm ha notify`) and what
 * the operator runs there (`acm ha failover`, `acm ha verify`, `acm ha log`). It needs no database:
 * everything comes from node.json, which acm renders per node (see ../nodeconfig.ts), and the
 * state directory (check.json, vrrp.json, events.jsonl, standby-until).
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { amiPing, interfaceUp, reach, sipOptions, type ProbeResult } from './probes.ts';

const Ip = z.string().refine((s) => /^[0-9a-fA-F:.]+$/.test(s) && s.length <= 45, 'an IP address');
const Iface = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/, 'an interface name');

export const NodeConfig = z.object({
  node: z.string().min(1).max(64),
  group: z.string().min(1).max(64),
  groupId: z.number().int(),
  stateDir: z.string().regex(/^\/[A-Za-z0-9_./-]+$/).default('/var/lib/acm-ha'),
  timeoutMs: z.number().int().min(100).max(10_000).default(1000),
  self: z.object({ address: Ip, interface: Iface, priority: z.number().int() }),
  /** Whether this node has the group's highest priority (holds the VIPs in the normal state). */
  primary: z.boolean().default(false),
  peers: z.array(z.object({ name: z.string(), address: Ip, replicationAddress: Ip.nullable().optional() })).default([]),
  vips: z.array(z.object({ instance: z.string(), kind: z.string(), address: Ip, prefix: z.number().int(), interface: Iface })).default([]),
  ami: z.object({ host: Ip.default('127.0.0.1'), port: z.number().int().default(5038), username: z.string(), secret: z.string() }).nullable().optional(),
  sip: z.object({ host: Ip.default('127.0.0.1'), port: z.number().int().default(5060) }).nullable().optional(),
  witness: z.object({ address: Ip, port: z.number().int().nullable().optional() }).nullable().optional(),
  trunks: z.array(z.object({ name: z.string(), address: Ip.nullable().optional(), port: z.number().int().nullable().optional(), interface: Iface.nullable().optional() })).default([]),
  syslog: z.array(z.object({ host: Ip, port: z.number().int().default(514) })).default([]),
  /** How long `failover` keeps this node out of the election (the peer takes over meanwhile). */
  failoverHoldMs: z.number().int().min(1000).max(600_000).default(15_000),
});
export type NodeConfig = z.output<typeof NodeConfig>;

export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  return NodeConfig.parse(JSON.parse(await readFile(path, 'utf8')));
}

export interface CheckItem extends ProbeResult { name: string }
export interface CheckReport { ok: boolean; at: string; node: string; items: CheckItem[] }

export interface Probes {
  sip: typeof sipOptions;
  ami: typeof amiPing;
  reach: typeof reach;
  iface: typeof interfaceUp;
  now(): number;
}
export const realProbes: Probes = { sip: sipOptions, ami: amiPing, reach, iface: interfaceUp, now: Date.now };

async function writeJsonAtomic(path: string, data: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data, null, 1) + '\n', { mode: 0o640 });
  await rename(tmp, path);
}

/** Milliseconds left on an operator failover request, 0 when none. */
export async function standbyLeft(cfg: NodeConfig, now = Date.now()): Promise<number> {
  const text = await readFile(join(cfg.stateDir, 'standby-until'), 'utf8').catch(() => '');
  const until = Number(text.trim());
  return Number.isFinite(until) && until > now ? until - now : 0;
}

/**
 * `acm ha check`: every probe in parallel; ok only if all pass. The node fails (and keepalived
 * moves it to FAULT, releasing the VIPs) when Asterisk does not answer AMI Ping or SIP OPTIONS,
 * a trunk interface or gateway is unreachable, the witness cannot be seen (an isolated node must
 * not keep the VIP), or an operator asked this node to stand by (`acm ha failover`).
 */
export async function runCheck(cfg: NodeConfig, probes: Probes = realProbes, write = true): Promise<CheckReport> {
  const t = cfg.timeoutMs;
  const jobs: Promise<CheckItem>[] = [];
  const add = (name: string, p: Promise<ProbeResult>) => jobs.push(p.then((r) => ({ name, ...r }), (e: Error) => ({ name, ok: false, detail: e.message, ms: 0 })));
  if (cfg.ami) add('ami', probes.ami(cfg.ami, t));
  if (cfg.sip) add('sip', probes.sip(cfg.sip.host, cfg.sip.port, t));
  if (cfg.witness) add('witness', probes.reach(cfg.witness.address, cfg.witness.port, t));
  for (const tr of cfg.trunks) {
    if (tr.interface) add(`trunk ${tr.name} interface`, probes.iface(tr.interface));
    if (tr.address) add(`trunk ${tr.name} gateway`, probes.reach(tr.address, tr.port, t));
  }
  const left = await standbyLeft(cfg, probes.now());
  if (left > 0) jobs.push(Promise.resolve({ name: 'operator', ok: false, detail: `operator failover: standing by for ${Math.ceil(left / 1000)} s more`, ms: 0 }));
  const items = await Promise.all(jobs);
  const report: CheckReport = { ok: items.every((i) => i.ok), at: new Date(probes.now()).toISOString(), node: cfg.node, items };
  if (write) {
    await mkdir(cfg.stateDir, { recursive: true });
    await writeJsonAtomic(join(cfg.stateDir, 'check.json'), report).catch(() => {});
  }
  return report;
}

export interface VrrpEvent { at: string; node: string; type: string; instance: string; state: string; priority?: number | null }
const STATES = ['MASTER', 'BACKUP', 'FAULT', 'STOP', 'DELETED'];

/** RFC 5424 syslog line (facility daemon=3; MASTER/FAULT as warning, else notice). */
export function syslogLine(e: VrrpEvent, host = hostname()): string {
  const severity = e.state === 'FAULT' || e.state === 'MASTER' ? 4 : 5;
  const pri = 3 * 8 + severity;
  const safe = (s: string) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, 48) || '-';
  return `<${pri}>1 ${e.at} ${safe(host)} acm-ha ${process.pid} vrrp [acmha@32473 node="${e.node.replace(/["\\\]]/g, '_')}" instance="${e.instance.replace(/["\\\]]/g, '_')}" state="${e.state}"] ${e.node}: ${e.instance} is now ${e.state}`;
}

/**
 * `acm ha notify INSTANCE|GROUP NAME STATE [PRIORITY]` (keepalived's notify arguments): records
 * the event in events.jsonl (the node's full history), the current state per instance in
 * vrrp.json, and sends it to the syslog targets. acm collects events.jsonl from every node.
 */
export async function recordNotify(cfg: NodeConfig, args: string[], now = new Date()): Promise<VrrpEvent> {
  const [type = '', instance = '', state = '', priority] = args;
  if (!['INSTANCE', 'GROUP'].includes(type) || !/^[A-Za-z0-9_.-]{1,64}$/.test(instance) || !STATES.includes(state)) {
    throw new Error(`usage: notify INSTANCE|GROUP NAME MASTER|BACKUP|FAULT|STOP [PRIORITY] (got ${JSON.stringify(args).slice(0, 120)})`);
  }
  const e: VrrpEvent = { at: now.toISOString(), node: cfg.node, type, instance, state, priority: priority && /^\d+$/.test(priority) ? Number(priority) : null };
  await mkdir(cfg.stateDir, { recursive: true });
  await appendFile(join(cfg.stateDir, 'events.jsonl'), JSON.stringify(e) + '\n');
  if (type === 'INSTANCE') {
    const path = join(cfg.stateDir, 'vrrp.json');
    const cur = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    cur[instance] = { state, at: e.at };
    await writeJsonAtomic(path, cur);
  }
  await Promise.all(cfg.syslog.map((t) => new Promise<void>((resolve) => {
    const s = dgram.createSocket(t.host.includes(':') ? 'udp6' : 'udp4');
    s.send(syslogLine(e), t.port, t.host, () => { s.close(); resolve(); });
  })));
  return e;
}

/** Addresses on this node's interfaces (`ip -o addr show`, no shell). */
export function localAddresses(): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('ip', ['-o', 'addr', 'show'], { timeout: 3000 }, (err, stdout) => {
      if (err) return resolve([]);
      resolve([...stdout.matchAll(/\binet6?\s+([0-9a-fA-F:.]+)\//g)].map((m) => m[1]!));
    });
  });
}

/**
 * `acm ha failover`: moves the services off this node. It makes `check` fail (standby-until) so
 * keepalived drops to FAULT and releases the VIPs at once (the peer takes them over), waits until
 * no VIP is left here, then keeps standing by for `settleMs` so the peer is master before this
 * node rejoins as BACKUP — with nopreempt it then stays backup: failback is the same command on
 * the other node, after the operator confirmed this one is healthy.
 */
export async function failover(cfg: NodeConfig, o: { holds?: () => Promise<string[]>; settleMs?: number; timeoutMs?: number; log?: (s: string) => void } = {}): Promise<{ released: boolean; ms: number }> {
  const started = Date.now();
  const holds = o.holds ?? localAddresses;
  const log = o.log ?? (() => {});
  await mkdir(cfg.stateDir, { recursive: true });
  await writeFile(join(cfg.stateDir, 'standby-until'), String(Date.now() + cfg.failoverHoldMs));
  log(`${cfg.node}: standing by; keepalived releases the VIPs at its next check`);
  const vips = cfg.vips.map((v) => v.address);
  const deadline = Date.now() + (o.timeoutMs ?? cfg.failoverHoldMs);
  let released = false;
  while (Date.now() < deadline) {
    const here = await holds();
    if (!vips.some((v) => here.includes(v))) { released = true; break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (released) {
    log(`${cfg.node}: VIPs released after ${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, o.settleMs ?? 3000));
    await rm(join(cfg.stateDir, 'standby-until'), { force: true });
  }
  return { released, ms: Date.now() - started };
}

/** The state in plain words (the seed's "NOW IN NORMAL STATE"), from who holds the VIPs. */
export function stateWords(o: { selfPrimary: boolean; selfHolds: boolean; peerHolds: boolean; checkOk: boolean; vips: number }): string {
  if (!o.vips) return 'NO VIP CONFIGURED';
  if (o.selfHolds && o.peerHolds) return 'SPLIT BRAIN - VIP ON MORE THAN ONE NODE';
  if (o.selfHolds) return o.selfPrimary ? 'NOW IN NORMAL STATE' : 'FAILOVER ACTIVE ON SECONDARY';
  if (o.peerHolds) return o.selfPrimary ? (o.checkOk ? 'FAILOVER ACTIVE ON SECONDARY - PRIMARY READY FOR FAILBACK' : 'FAILOVER ACTIVE ON SECONDARY - SERVICE DOWN LOCALLY') : 'NOW IN NORMAL STATE';
  return 'NO NODE HOLDS THE VIP - SERVICE DOWN';
}

/** `acm ha verify` on a node: the seed's `sip-ha -v`, clearer. */
export async function verify(cfg: NodeConfig, probes: Probes = realProbes, holds: () => Promise<string[]> = localAddresses): Promise<{ lines: string[]; ok: boolean }> {
  const [check, here] = await Promise.all([runCheck(cfg, probes, false), holds()]);
  const t = cfg.timeoutMs;
  const peers = await Promise.all(cfg.peers.map(async (p) => ({ p, src: await probes.reach(p.address, null, t), repl: p.replicationAddress ? await probes.reach(p.replicationAddress, null, t) : null })));
  const vipReach = await Promise.all(cfg.vips.map((v) => probes.reach(v.address, null, t)));
  const selfHolds = cfg.vips.some((v) => here.includes(v.address));
  const peerHolds = !selfHolds && vipReach.some((r) => r.ok);
  const selfPrimary = cfg.primary;
  const role = selfHolds ? 'ACTIVE (holds the VIPs)' : 'STANDBY';
  const lines = [
    'acm High Availability (keepalived VRRP) - verify',
    `this node       : ${cfg.node} (${cfg.self.address}) priority ${cfg.self.priority} - ${selfPrimary ? 'primary' : 'secondary'} - ${role}`,
    ...peers.map(({ p, src, repl }) => `peer            : ${p.name} ${p.address} ${src.ok ? 'reachable' : 'NOT REACHABLE'}${repl ? `; replication ${p.replicationAddress} ${repl.ok ? 'reachable' : 'NOT REACHABLE'}` : ''}`),
    `interface       : ${cfg.self.interface}`,
    `timestamp       : ${new Date(probes.now()).toISOString()}`,
    ...cfg.vips.map((v, i) => `${v.kind.padEnd(5)} VIP       : ${v.address}/${v.prefix} dev ${v.interface} - ${here.includes(v.address) ? 'HELD BY THIS NODE' : vipReach[i]!.ok ? 'held by a peer (reachable)' : 'NOT REACHABLE'}`),
    ...check.items.map((i) => `check ${i.name.padEnd(10)}: ${i.ok ? 'ok' : 'FAILED'} - ${i.detail}`),
    `replication     : ${selfHolds ? `this node -> ${cfg.peers.map((p) => p.replicationAddress ?? p.address).join(', ') || '(no peers)'}` : 'peer -> this node'}`,
    `- ${stateWords({ selfPrimary, selfHolds, peerHolds, checkOk: check.ok, vips: cfg.vips.length })} -`,
  ];
  return { lines, ok: check.ok };
}
