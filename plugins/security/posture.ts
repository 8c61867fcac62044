/**
 * Server posture: parsers for `fail2ban-client status [jail]`, `iptables -L -v -n [-x]`,
 * `iptables -S` and `nft list ruleset`, and the one place blacklist commands are built (from a
 * validated address only; nothing a user typed reaches a shell otherwise).
 */
import { isIP } from 'node:net';
import { networkProblem } from '../../sdk/index.ts';

/* ---------------------------------------------------------------------------------------------
 * fail2ban
 * ------------------------------------------------------------------------------------------- */

export interface Fail2banJail {
  name: string;
  currentlyFailed: number;
  totalFailed: number;
  files: string[];
  currentlyBanned: number;
  totalBanned: number;
  bannedIps: string[];
}

const treeValue = (text: string, label: string): string | null => {
  const re = new RegExp(`^[\\s|\`-]*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[ \\t]*(.*)$`, 'm');
  const m = re.exec(text);
  return m ? m[1]!.trim() : null;
};

/** `fail2ban-client status` → jail names. Throws when the text is not that output. */
export function parseFail2banStatus(text: string): { jails: string[] } {
  const count = treeValue(text, 'Number of jail');
  const list = treeValue(text, 'Jail list');
  if (count === null || list === null) throw new Error('not fail2ban-client status output');
  const jails = list.split(/[,\s]+/).filter(Boolean);
  if (jails.length !== Number(count)) throw new Error(`fail2ban reports ${count} jails but lists ${jails.length}`);
  return { jails };
}

const num = (v: string | null, what: string): number => {
  if (v === null || !/^\d+$/.test(v)) throw new Error(`fail2ban jail status without a number for "${what}"`);
  return Number(v);
};

/** `fail2ban-client status <jail>`. */
export function parseFail2banJail(text: string): Fail2banJail {
  const name = /^Status for the jail: (.+)$/m.exec(text)?.[1]?.trim();
  if (!name) throw new Error('not fail2ban-client status <jail> output');
  const banned = treeValue(text, 'Banned IP list') ?? '';
  const files = treeValue(text, 'File list') ?? treeValue(text, 'Journal matches') ?? '';
  return {
    name,
    currentlyFailed: num(treeValue(text, 'Currently failed'), 'Currently failed'),
    totalFailed: num(treeValue(text, 'Total failed'), 'Total failed'),
    files: files.split(/\s+/).filter(Boolean),
    currentlyBanned: num(treeValue(text, 'Currently banned'), 'Currently banned'),
    totalBanned: num(treeValue(text, 'Total banned'), 'Total banned'),
    bannedIps: banned.split(/\s+/).filter((v) => v && isIP(v) !== 0),
  };
}

/* ---------------------------------------------------------------------------------------------
 * iptables
 * ------------------------------------------------------------------------------------------- */

export interface FirewallRule {
  packets: number | null;
  bytes: number | null;
  target: string;
  protocol: string;
  source: string;
  destination: string;
  in?: string;
  out?: string;
  /** Matches and options after the columns (`udp dpt:5060 /* sip *\/`), or the rule spec for -S/nft. */
  extra: string;
}

export interface FirewallChain {
  table: string;
  name: string;
  /** Built-in chains: ACCEPT/DROP; user chains: null. */
  policy: string | null;
  references: number | null;
  packets: number | null;
  bytes: number | null;
  rules: FirewallRule[];
}

/** iptables without -x prints 98K, 12M… */
export function counter(v: string): number {
  const m = /^(\d+)([KMGTP]?)$/.exec(v);
  if (!m) throw new Error(`not a counter: "${v}"`);
  const mult = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 }[m[2] as '' | 'K'];
  return Number(m[1]) * mult;
}

/** `iptables -L -v -n [-x]` (one table). */
export function parseIptablesList(text: string, table = 'filter'): FirewallChain[] {
  const chains: FirewallChain[] = [];
  let cur: FirewallChain | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (!line.trim()) continue;
    const head = /^Chain (\S+) \((?:policy (\S+) (\S+) packets, (\S+) bytes|(\d+) references)\)$/.exec(line);
    if (head) {
      cur = {
        table, name: head[1]!, policy: head[2] ?? null, references: head[5] !== undefined ? Number(head[5]) : null,
        packets: head[3] !== undefined ? counter(head[3]) : null, bytes: head[4] !== undefined ? counter(head[4]) : null, rules: [],
      };
      chains.push(cur);
      continue;
    }
    if (/^\s*pkts\s+bytes\s+target/.test(line)) continue;
    if (!cur) throw new Error(`rule outside a chain: "${line.slice(0, 80)}"`);
    const tok = line.trim().split(/\s+/);
    // pkts bytes [target] prot opt in out source destination [extra…]: the target is empty for rules without -j.
    const optIdx = tok.findIndex((t, i) => i >= 3 && i <= 4 && /^(--|-f|!f)$/.test(t));
    if (optIdx < 0 || tok.length < optIdx + 5) throw new Error(`unreadable iptables rule: "${line.slice(0, 80)}"`);
    const hasTarget = optIdx === 4;
    const extra = tok.length > optIdx + 5 ? line.trim().replace(new RegExp(`^(?:\\S+\\s+){${optIdx + 5}}`), '') : '';
    cur.rules.push({
      packets: counter(tok[0]!), bytes: counter(tok[1]!), target: hasTarget ? tok[2]! : '', protocol: tok[optIdx - 1]!,
      in: tok[optIdx + 1]!, out: tok[optIdx + 2]!, source: tok[optIdx + 3]!, destination: tok[optIdx + 4]!,
      extra: extra.trim(),
    });
  }
  if (!chains.length) throw new Error('not iptables -L -v -n output');
  return chains;
}

/** `iptables -S` (one table): policies, chains and each rule's spec. No counters. */
export function parseIptablesRules(text: string, table = 'filter'): FirewallChain[] {
  const chains = new Map<string, FirewallChain>();
  const chain = (name: string) => {
    let c = chains.get(name);
    if (!c) chains.set(name, (c = { table, name, policy: null, references: null, packets: null, bytes: null, rules: [] }));
    return c;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    let m = /^-P (\S+) (\S+)(?: -c (\d+) (\d+))?$/.exec(line);
    if (m) { const c = chain(m[1]!); c.policy = m[2]!; continue; }
    m = /^-N (\S+)$/.exec(line);
    if (m) { chain(m[1]!); continue; }
    m = /^-A (\S+)(.*)$/.exec(line);
    if (m) {
      const spec = m[2]!.trim();
      const opt = (re: RegExp) => re.exec(` ${spec}`)?.[1] ?? null;
      chain(m[1]!).rules.push({
        packets: null, bytes: null, target: opt(/\s-j (\S+)/) ?? '', protocol: opt(/\s-p (\S+)/) ?? 'all',
        source: opt(/\s-s (\S+)/) ?? '0.0.0.0/0', destination: opt(/\s-d (\S+)/) ?? '0.0.0.0/0',
        in: opt(/\s-i (\S+)/) ?? '*', out: opt(/\s-o (\S+)/) ?? '*', extra: spec,
      });
      continue;
    }
    throw new Error(`unreadable iptables -S line: "${line.slice(0, 80)}"`);
  }
  if (!chains.size) throw new Error('not iptables -S output');
  return [...chains.values()];
}

/* ---------------------------------------------------------------------------------------------
 * nftables
 * ------------------------------------------------------------------------------------------- */

export interface NftSet { table: string; name: string; type: string | null; elements: string[] }

/** `nft list ruleset`: chains with their rules (counters when the rule has `counter`) and sets. */
export function parseNftRuleset(text: string): { chains: FirewallChain[]; sets: NftSet[] } {
  const chains: FirewallChain[] = [];
  const sets: NftSet[] = [];
  let table: string | null = null;
  let chain: FirewallChain | null = null;
  let set: NftSet | null = null;
  let inElements = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let m: RegExpExecArray | null;
    if (set) {
      if (inElements || /^elements = \{/.test(line)) {
        const body: string = inElements ? line : line.replace(/^elements = \{/, '');
        inElements = !body.includes('}');
        for (const el of body.replace(/\}.*$/, '').split(',')) if (el.trim()) set.elements.push(el.trim());
        continue;
      }
      if ((m = /^type (\S+)/.exec(line))) { set.type = m[1]!.replace(/;$/, ''); continue; }
      if (line === '}') { set = null; continue; }
      continue; // flags, timeout, size…
    }
    if ((m = /^table (\S+ \S+|\S+) \{$/.exec(line))) { table = m[1]!; continue; }
    if (!table) throw new Error(`nft line outside a table: "${line.slice(0, 80)}"`);
    if ((m = /^chain (\S+) \{$/.exec(line))) {
      chain = { table, name: m[1]!, policy: null, references: null, packets: null, bytes: null, rules: [] };
      chains.push(chain);
      continue;
    }
    if ((m = /^set (\S+) \{$/.exec(line))) { set = { table, name: m[1]!, type: null, elements: [] }; sets.push(set); continue; }
    if (/^(map|flowtable|counter|quota|ct helper|limit) \S+ \{$/.test(line)) { set = { table, name: '', type: null, elements: [] }; continue; }
    if (line === '}') {
      if (chain) chain = null;
      else table = null;
      continue;
    }
    if (!chain) continue;
    if ((m = /^type \S+ hook \S+ priority [^;]+;(?: policy (\S+);)?/.exec(line))) { chain.policy = m[1] ?? null; continue; }
    const c = /\bcounter packets (\d+) bytes (\d+)/.exec(line);
    const verdict = /\b(accept|drop|reject|return|queue|continue|(?:jump|goto) \S+)(?:\s+with .*)?(?:\s*comment ".*")?$/.exec(line);
    const saddr = /\b(?:ip6?) saddr (\S+(?: \{[^}]*\})?)/.exec(line);
    const daddr = /\b(?:ip6?) daddr (\S+)/.exec(line);
    const proto = /\b(tcp|udp|icmp|icmpv6|sctp)\b/.exec(line);
    chain.rules.push({
      packets: c ? Number(c[1]) : null, bytes: c ? Number(c[2]) : null, target: verdict ? verdict[1]! : '',
      protocol: proto?.[1] ?? 'all', source: saddr?.[1] ?? '0.0.0.0/0', destination: daddr?.[1] ?? '0.0.0.0/0', extra: line,
    });
  }
  return { chains, sets };
}

/* ---------------------------------------------------------------------------------------------
 * Blacklist
 * ------------------------------------------------------------------------------------------- */

/**
 * An address or network safe to blacklist: a canonical IPv4/IPv6 address, optionally /prefix.
 * Refuses everything else (names, spaces, shell characters, leading zeros) and networks so wide
 * they would cut the server off (0.0.0.0/0, /1-/7, loopback).
 */
export function validateBlacklistAddress(input: unknown): { address: string; family: 4 | 6 } {
  if (typeof input !== 'string') throw new Error('address must be a string');
  const v = input.trim();
  if (v.length > 49 || !/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(v)) throw new Error('address must be an IPv4 or IPv6 address, optionally with /prefix');
  const [addr = '', prefix] = v.split('/');
  const family = isIP(addr);
  if (family === 0) throw new Error(`"${addr}" is not an IP address`);
  if (family === 4 && addr.split('.').some((o) => o.length > 1 && o.startsWith('0'))) throw new Error('IPv4 octets must not have leading zeros');
  // An IPv4-mapped IPv6 rule never matches the IPv4 packets it was meant for: a silent no-op.
  const problem = networkProblem(v);
  if (problem) throw new Error(problem);
  const max = family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : Number(prefix);
  if (bits > max) throw new Error(`prefix /${bits} is too long for IPv${family}`);
  if (bits < (family === 4 ? 8 : 16)) throw new Error(`refusing to blacklist a network as wide as /${bits}`);
  if (family === 4 && (addr.startsWith('127.') || addr === '0.0.0.0')) throw new Error('refusing to blacklist a loopback or unspecified address');
  if (family === 6 && (addr === '::1' || addr === '::')) throw new Error('refusing to blacklist a loopback or unspecified address');
  // One address is written without /32 (/128), as iptables lists it: one spelling, one entry.
  return { address: bits === max ? addr.toLowerCase() : `${addr.toLowerCase()}/${bits}`, family: family as 4 | 6 };
}

const CHAIN_RE = /^[A-Za-z0-9_-]{1,28}$/;

/** The command lines for a blacklist change; `address` must come from validateBlacklistAddress. */
export function blacklistCommand(action: 'add' | 'remove', address: string, family: 4 | 6, chain: string): string {
  validateBlacklistAddress(address);
  if (!CHAIN_RE.test(chain)) throw new Error('invalid chain name');
  const bin = family === 6 ? 'ip6tables' : 'iptables';
  // -w waits for the xtables lock instead of failing while fail2ban writes.
  if (action === 'add') return `${bin} -w -N ${chain} 2>/dev/null; ${bin} -w -C ${chain} -s ${address} -j DROP 2>/dev/null || ${bin} -w -I ${chain} -s ${address} -j DROP`;
  return `${bin} -w -D ${chain} -s ${address} -j DROP`;
}

/** Addresses DROPped in a chain (from parsed iptables output). */
export function blacklistOf(chains: FirewallChain[], chain: string): { address: string; packets: number | null; bytes: number | null }[] {
  const c = chains.find((x) => x.name === chain);
  if (!c) return [];
  return c.rules.filter((r) => r.target === 'DROP' || r.target === 'REJECT').map((r) => ({ address: r.source.replace(/\/(32|128)$/, ''), packets: r.packets, bytes: r.bytes }));
}

/* ---------------------------------------------------------------------------------------------
 * manager.conf (AMI users) — parsed for the audit's AMI rules
 * ------------------------------------------------------------------------------------------- */

export interface AmiUserConf { name: string; secretWeak: boolean; deny: string[]; permit: string[]; acl: string[] }

export function parseManagerConf(text: string): AmiUserConf[] {
  const users: AmiUserConf[] = [];
  let cur: (AmiUserConf & { secret?: string }) | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/;.*$/, '').trim();
    if (!line) continue;
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      cur = sec[1] === 'general' ? null : { name: sec[1]!, secretWeak: false, deny: [], permit: [], acl: [] };
      if (cur) users.push(cur);
      continue;
    }
    const kv = /^([A-Za-z_]+)\s*=>?\s*(.*)$/.exec(line);
    if (!kv || !cur) continue;
    const [k, v] = [kv[1]!.toLowerCase(), kv[2]!.trim()];
    if (k === 'deny') cur.deny.push(v);
    else if (k === 'permit') cur.permit.push(v);
    else if (k === 'acl') cur.acl.push(v);
    else if (k === 'secret') cur.secretWeak = v.length < 12 || /^[0-9]+$/.test(v) || v.toLowerCase().includes(cur.name.toLowerCase());
  }
  return users;
}
