/**
 * Asterisk security events (AMI class `security`, or res_security_log lines) into per-source
 * counters. Only an allow-list of headers is ever kept: Challenge, Response, ExpectedResponse,
 * ReceivedHash and the like never leave this module.
 */
import { isIP } from 'node:net';

/** Levels on the OSSEC 0-15 scale, so one routing rule serves both sources. */
export const EVENT_LEVELS: Record<string, number> = {
  SuccessfulAuth: 0,
  ChallengeSent: 0,
  RequestBadFormat: 3,
  RequestNotSupported: 3,
  RequestNotAllowed: 4,
  InvalidTransport: 4,
  SessionLimit: 4,
  MemoryLimit: 4,
  LoadAverageLimit: 4,
  InvalidAccountID: 5,
  InvalidPassword: 5,
  ChallengeResponseFailed: 5,
  AuthMethodNotAllowed: 5,
  FailedACL: 6,
  UnexpectedAddress: 6,
};
export const SECURITY_EVENTS = Object.keys(EVENT_LEVELS);
/** Events that count as a failed attempt from their source. */
export const FAILURE_EVENTS = new Set(['InvalidAccountID', 'InvalidPassword', 'ChallengeResponseFailed', 'FailedACL', 'AuthMethodNotAllowed', 'UnexpectedAddress', 'RequestNotAllowed']);
/** The only headers kept from a security event. */
export const KEPT_FIELDS = ['EventTV', 'Severity', 'Service', 'EventVersion', 'AccountID', 'SessionID', 'LocalAddress', 'RemoteAddress', 'RequestType', 'UsingPassword', 'Module', 'SessionTV'] as const;

export interface SecurityEvent {
  event: string;
  serverId: number | null;
  clusterId: number | null;
  tenantId: number | null;
  service: string;
  accountId: string;
  remote: RemoteAddress | null;
  local: RemoteAddress | null;
  requestType: string | null;
  time: string;
  level: number;
}

export interface RemoteAddress { family: string; transport: string; ip: string; port: number | null }

/** `IPV4/UDP/127.0.0.1/5071` → parts; `IPV6/UDP/[::1]/5060` and `IPV6/UDP/::1/5060` too. */
export function parseAstAddress(v: string | undefined): RemoteAddress | null {
  if (!v) return null;
  const parts = v.trim().split('/');
  if (parts.length < 4) return null;
  const family = parts[0]!.toUpperCase();
  const transport = parts[1]!.toUpperCase();
  const portText = parts[parts.length - 1]!;
  const addr = parts.slice(2, -1).join('/').replace(/^\[|\]$/g, '');
  if (!/^IPV[46]$/.test(family) || isIP(addr) === 0) return null;
  return { family, transport, ip: addr, port: /^\d{1,5}$/.test(portText) ? Number(portText) : null };
}

/** Keeps the allow-listed fields of an AMI security event and nothing else. */
export function toSecurityEvent(e: { event: string; serverId?: number | null; clusterId?: number | null; tenantId?: number | null; fields: Record<string, string>; receivedAt?: number }): SecurityEvent {
  const f = e.fields;
  const clip = (s: string | undefined, n = 120) => (s ?? '').slice(0, n);
  return {
    event: e.event,
    serverId: e.serverId ?? null, clusterId: e.clusterId ?? null, tenantId: e.tenantId ?? null,
    service: clip(f.Service, 20),
    accountId: clip(f.AccountID, 80),
    remote: parseAstAddress(f.RemoteAddress),
    local: parseAstAddress(f.LocalAddress),
    requestType: f.RequestType ? clip(f.RequestType, 120) : null,
    time: new Date(e.receivedAt ?? Date.now()).toISOString(),
    level: EVENT_LEVELS[e.event] ?? 3,
  };
}

/** A res_security_log line (`SecurityEvent="InvalidPassword",…,RemoteAddress="IPV4/…"`) as AMI-like fields. */
export function parseSecurityLogLine(line: string): { event: string; fields: Record<string, string> } | null {
  const i = line.indexOf('SecurityEvent="');
  if (i < 0) return null;
  const fields: Record<string, string> = {};
  const re = /(\w+)="([^"]*)"/g;
  for (let m = re.exec(line.slice(i)); m; m = re.exec(line.slice(i))) fields[m[1]!] = m[2]!;
  const event = fields.SecurityEvent;
  if (!event) return null;
  delete fields.SecurityEvent;
  const kept: Record<string, string> = {};
  for (const k of KEPT_FIELDS) if (fields[k] !== undefined) kept[k] = fields[k]!;
  return { event, fields: kept };
}

export interface SourceCounter {
  ip: string;
  firstSeen: string;
  lastSeen: string;
  failures: number;
  successes: number;
  /** Failures within the sliding window (what the brute-force threshold looks at). */
  recentFailures: number;
  byEvent: Record<string, number>;
  services: string[];
  /** Account ids tried from this address (at most 20). */
  accounts: string[];
  servers: number[];
  lastEvent: string;
}

interface SourceState extends Omit<SourceCounter, 'recentFailures'> {
  window: number[];
}

export interface TrackerOptions {
  windowSeconds: number;
  bruteForceThreshold: number;
  maxSources: number;
}

/** Per-source-address counters with a sliding window, bounded in memory. */
export class SourceTracker {
  private sources = new Map<string, SourceState>();
  totals: Record<string, number> = {};
  constructor(private opts: TrackerOptions, private now: () => number = Date.now) {}

  /** Counts one event; returns the source's failures in the window when it crosses the threshold (once per window). */
  record(ev: SecurityEvent): { crossed: boolean; recentFailures: number } {
    this.totals[ev.event] = (this.totals[ev.event] ?? 0) + 1;
    if (!ev.remote) return { crossed: false, recentFailures: 0 };
    const t = this.now();
    const iso = new Date(t).toISOString();
    let s = this.sources.get(ev.remote.ip);
    if (s) this.sources.delete(ev.remote.ip); // re-insert: Map order = least recently seen first
    else s = { ip: ev.remote.ip, firstSeen: iso, lastSeen: iso, failures: 0, successes: 0, byEvent: {}, services: [], accounts: [], servers: [], lastEvent: ev.event, window: [] };
    this.sources.set(ev.remote.ip, s);
    while (this.sources.size > this.opts.maxSources) this.sources.delete(this.sources.keys().next().value!);
    s.lastSeen = iso;
    s.lastEvent = ev.event;
    s.byEvent[ev.event] = (s.byEvent[ev.event] ?? 0) + 1;
    if (ev.service && !s.services.includes(ev.service) && s.services.length < 10) s.services.push(ev.service);
    if (ev.accountId && !s.accounts.includes(ev.accountId) && s.accounts.length < 20) s.accounts.push(ev.accountId);
    if (ev.serverId !== null && !s.servers.includes(ev.serverId) && s.servers.length < 50) s.servers.push(ev.serverId);
    if (ev.event === 'SuccessfulAuth') s.successes++;
    if (!FAILURE_EVENTS.has(ev.event)) return { crossed: false, recentFailures: this.prune(s, t) };
    s.failures++;
    const before = this.prune(s, t);
    s.window.push(t);
    if (s.window.length > this.opts.bruteForceThreshold * 2) s.window.splice(0, s.window.length - this.opts.bruteForceThreshold * 2);
    const after = s.window.length;
    return { crossed: before < this.opts.bruteForceThreshold && after >= this.opts.bruteForceThreshold, recentFailures: after };
  }

  private prune(s: SourceState, t: number): number {
    const from = t - this.opts.windowSeconds * 1000;
    while (s.window.length && s.window[0]! < from) s.window.shift();
    return s.window.length;
  }

  list(): SourceCounter[] {
    const t = this.now();
    return [...this.sources.values()].map(({ window: _w, ...rest }) => {
      const s = this.sources.get(rest.ip)!;
      return { ...rest, byEvent: { ...rest.byEvent }, services: [...rest.services], accounts: [...rest.accounts], servers: [...rest.servers], recentFailures: this.prune(s, t) };
    }).sort((a, b) => b.failures - a.failures || (a.ip < b.ip ? -1 : 1));
  }

  get size(): number {
    return this.sources.size;
  }

  clear(): void {
    this.sources.clear();
    this.totals = {};
  }
}
