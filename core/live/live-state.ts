import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { BusMessage, EventBus } from '../../sdk/bus.ts';
import { liveSubject } from '../bus/subjects.ts';
import { ExtensionSchema, ServerSchema, TrunkSchema } from '../model/entities.ts';
import type { AmiBusEvent } from '../asterisk/ami-client.ts';

/** The status columns of an extension that follow the servers (seed fields 42-64). */
export interface ExtensionLive {
  extStatus: number | null;
  agentStatus: string | null;
  callsDin: number;
  callsQin: number;
  callsOut: number;
  vmUnread: number | null;
  vmOld: number | null;
  fullContact: string | null;
  ipAddr: string | null;
  lastMs: number | null;
  userAgent: string | null;
  regSeconds: number | null;
  regServer: string | null;
}

/** One change pushed to browsers and scripts (`acm.<tenant>.<cluster>.0.live.extension`). */
export interface ExtensionChange {
  type: 'extension';
  id: number;
  extension: string;
  tenantId: number;
  siteId: number;
  clusterId: number;
  groupId: number | null;
  changes: Partial<ExtensionLive>;
}

/** Asterisk device states (`DeviceStateChange` State:) as ExtensionState status codes. */
const DEVICE_STATE: Record<string, number> = {
  NOT_INUSE: 0, INUSE: 1, BUSY: 2, INVALID: -1, UNKNOWN: -1, UNAVAILABLE: 4, RINGING: 8, RINGINUSE: 9, ONHOLD: 16,
};

/** QueueMemberStatus `Status:` (AST_DEVICE_*) in words. */
const MEMBER_STATUS: Record<string, string> = {
  '0': 'unknown', '1': 'available', '2': 'in use', '3': 'busy', '4': 'invalid', '5': 'unavailable', '6': 'ringing', '7': 'ringing', '8': 'on hold',
};

interface Known {
  id: number; extension: string; tenantId: number; siteId: number; clusterId: number; groupId: number | null;
  live: ExtensionLive;
}

/** `PJSIP/6101-0000000a` → `6101`; `PJSIP/6101` → `6101`; anything else → null. */
export function endpointOf(channelOrDevice: string | undefined): string | null {
  // Same result as /^PJSIP\/(.+?)(?:-[0-9a-f]{8})?$/ (this runs per event), without the regex.
  if (!channelOrDevice || !channelOrDevice.startsWith('PJSIP/')) return null;
  const n = channelOrDevice.length;
  if (n === 6) return null;
  for (let i = 6; i < n; i++) {
    const c = channelOrDevice.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return null; // `.` does not match these
  }
  // The lazy name takes the shortest match: without the `-xxxxxxxx` channel suffix if it has one.
  if (n >= 16 && channelOrDevice.charCodeAt(n - 9) === 45) {
    let hex = true;
    for (let i = n - 8; i < n; i++) {
      const c = channelOrDevice.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
        hex = false;
        break;
      }
    }
    if (hex) return channelOrDevice.slice(6, n - 9);
  }
  return channelOrDevice.slice(6);
}

/** The host of a contact URI: `sip:6101@10.0.0.5:5060` → `10.0.0.5`, `…@[::1]:5060` → `::1`. */
function hostOf(uri: string): string | null {
  // Usual case (a plain host right after the first `@`) without the regexes; same result.
  const at = uri.indexOf('@');
  if (at < 0) return null;
  const c = uri.charCodeAt(at + 1);
  if (at + 1 < uri.length && c !== 91 && c !== 58 && c !== 59 && c !== 62) {
    let end = at + 1;
    for (; end < uri.length; end++) {
      const d = uri.charCodeAt(end);
      if (d === 58 || d === 59 || d === 62) break;
    }
    return uri.charCodeAt(end - 1) === 93 ? uri.slice(at + 1, end - 1) : uri.slice(at + 1, end);
  }
  return /@(\[[^\]]+\]|[^:;>]+)/.exec(uri)?.[1]?.replace(/^\[|\]$/g, '') ?? null;
}

/**
 * Keeps the live columns of extensions, servers and trunks current from AMI events on the bus.
 * Events are applied in memory at once and published as changes; the database is written in
 * batches (`flushEveryMs`), only for rows that changed.
 */
export class LiveState {
  /** clusterId → endpoint → extension (nested: no key string to build per event). */
  private byEndpoint = new Map<number, Map<string, Known>>();
  private serverCluster = new Map<number, number>();
  /** Subject → server id and cluster id as written in it (`acm.<tenant>.<cluster>.<server>.…`). */
  private subjectIds = new Map<string, { serverId: number; clusterId: number }>();
  private dirty = new Set<Known>();
  private flushing: Promise<void> = Promise.resolve();
  private pendingQueueCalls = new Set<string>();
  private trunkStatus = new Map<number, string>();
  private unsub: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  /** `events` counts AMI events; `applied`/`ignored` count extension updates (a DialBegin may update two). */
  stats = { events: 0, applied: 0, ignored: 0, flushes: 0 };

  constructor(private orm: MikroORM, private bus: EventBus, private logger: Logger, private flushEveryMs = 1000) {}

  async start(): Promise<void> {
    await this.reload();
    this.unsub.push(this.bus.subscribe<AmiBusEvent>('acm.*.*.*.ami.*', (m) => this.apply(m)));
    this.timer = setInterval(() => void this.flush().catch((err: Error) => this.logger.error({ err: err.message }, 'live state flush failed')), this.flushEveryMs);
    this.timer.unref();
  }

  /** Re-reads which extensions and servers exist (after edits or a commit). */
  async reload(): Promise<void> {
    const em = this.orm.em.fork();
    const servers = await em.find(ServerSchema, {}, { fields: ['id', 'clusterId'] });
    this.serverCluster = new Map(servers.map((s) => [s.id, s.clusterId]));
    const exts = await em.find(ExtensionSchema, {});
    const next = new Map<number, Map<string, Known>>();
    for (const e of exts) {
      const prev = this.byEndpoint.get(e.clusterId)?.get(e.extension);
      let inCluster = next.get(e.clusterId);
      if (!inCluster) next.set(e.clusterId, (inCluster = new Map()));
      inCluster.set(e.extension, {
        id: e.id, extension: e.extension, tenantId: e.tenantId, siteId: e.siteId, clusterId: e.clusterId, groupId: e.groupId ?? null,
        live: prev?.live ?? {
          extStatus: e.extStatus ?? null, agentStatus: e.agentStatus ?? null, callsDin: e.callsDin ?? 0, callsQin: e.callsQin ?? 0,
          callsOut: e.callsOut ?? 0, vmUnread: e.vmUnread ?? null, vmOld: e.vmOld ?? null, fullContact: e.fullContact ?? null,
          ipAddr: e.ipAddr ?? null, lastMs: e.lastMs ?? null, userAgent: e.userAgent ?? null, regSeconds: e.regSeconds ?? null,
          regServer: e.regServer ?? null,
        },
      });
    }
    this.byEndpoint = next;
  }

  private find(clusterId: number, endpoint: string | null): Known | undefined {
    return endpoint ? this.byEndpoint.get(clusterId)?.get(endpoint) : undefined;
  }

  /** Applies one AMI event from the bus (`acm.<tenant>.<cluster>.<server>.ami.<Event>`). */
  apply(msg: BusMessage<AmiBusEvent>): void {
    this.stats.events++;
    // A server publishes under a handful of subjects: read each once.
    const subject = msg.subject;
    let ids = this.subjectIds.get(subject);
    if (ids === undefined) {
      const a = subject.indexOf('.', 4);
      const b = subject.indexOf('.', a + 1);
      const c = subject.indexOf('.', b + 1);
      ids = { serverId: Number(subject.slice(b + 1, c)), clusterId: Number(subject.slice(a + 1, b)) };
      if (this.subjectIds.size >= 10_000) this.subjectIds.clear();
      this.subjectIds.set(subject, ids);
    }
    const serverId = ids.serverId;
    const clusterId = this.serverCluster.get(serverId) ?? ids.clusterId;
    const f = msg.data.fields;
    switch (msg.data.event) {
      case 'DeviceStateChange': {
        const k = this.find(clusterId, endpointOf(f.Device));
        const code = f.State === undefined ? undefined : DEVICE_STATE[f.State];
        return this.change(k, code === undefined ? {} : { extStatus: code });
      }
      case 'ContactStatus': {
        const k = this.find(clusterId, f.EndpointName ?? f.AOR ?? null);
        if (!k) return this.change(undefined, {});
        if (f.ContactStatus === 'Removed') return this.change(k, { fullContact: null, ipAddr: null, lastMs: null, regServer: null });
        const host = hostOf(f.URI ?? '');
        const rtt = Number(f.RoundtripUsec);
        return this.change(k, {
          fullContact: f.URI ?? null, ipAddr: host, lastMs: Number.isFinite(rtt) ? Math.round(rtt / 1000) : null, regServer: String(serverId),
          ...(f.UserAgent ? { userAgent: f.UserAgent } : {}),
        });
      }
      case 'QueueMemberStatus': {
        const k = this.find(clusterId, endpointOf(f.Interface ?? f.StateInterface));
        const paused = f.Paused === '1';
        return this.change(k, { agentStatus: paused ? 'paused' : (MEMBER_STATUS[f.Status ?? ''] ?? null) });
      }
      case 'AgentCalled': {
        const ep = endpointOf(f.Interface ?? f.DestChannel);
        if (ep) this.pendingQueueCalls.add(`${clusterId}:${ep}`);
        return this.change(undefined, {});
      }
      case 'DialBegin': {
        const callee = endpointOf(f.DestChannel);
        const caller = this.find(clusterId, endpointOf(f.Channel));
        if (caller) this.change(caller, { callsOut: caller.live.callsOut + 1 });
        const k = this.find(clusterId, callee);
        if (!k) return caller ? undefined : this.change(undefined, {});
        if (this.pendingQueueCalls.size !== 0 && this.pendingQueueCalls.delete(`${clusterId}:${callee}`)) return this.change(k, { callsQin: k.live.callsQin + 1 });
        return this.change(k, { callsDin: k.live.callsDin + 1 });
      }
      case 'MessageWaiting': {
        const box = /^(\d+)(@|$)/.exec(f.Mailbox ?? '')?.[1] ?? null;
        const k = this.find(clusterId, box);
        return this.change(k, { vmUnread: Number(f.New ?? 0), vmOld: Number(f.Old ?? 0) });
      }
      case 'Registry': {
        void this.trunkRegistry(clusterId, f);
        return;
      }
      default:
        this.stats.ignored++;
    }
  }

  private change(k: Known | undefined, patch: Partial<ExtensionLive>): void {
    if (!k) {
      this.stats.ignored++;
      return;
    }
    let changes: Record<string, unknown> | undefined;
    const live = k.live as unknown as Record<string, unknown>;
    for (const key in patch) {
      const v = (patch as Record<string, unknown>)[key];
      if (live[key] !== v) {
        (changes ??= {})[key] = v;
        live[key] = v;
      }
    }
    this.stats.applied++;
    if (!changes) return;
    this.dirty.add(k);
    const change: ExtensionChange = { type: 'extension', id: k.id, extension: k.extension, tenantId: k.tenantId, siteId: k.siteId, clusterId: k.clusterId, groupId: k.groupId, changes };
    this.bus.publish(liveSubject(k, 'extension'), change);
  }

  private async trunkRegistry(clusterId: number, f: Record<string, string>): Promise<void> {
    const em = this.orm.em.fork();
    const trunks = await em.find(TrunkSchema, { clusterId, register: true });
    const domain = f.Domain?.replace(/^sip:/, '').split(':')[0];
    const t = trunks.find((x) => x.host === domain || f.Username?.includes(x.username ?? '\0'));
    if (!t || !f.Status) return;
    if (this.trunkStatus.get(t.id) === f.Status) return;
    this.trunkStatus.set(t.id, f.Status);
    await em.nativeUpdate(TrunkSchema, { id: t.id }, { registrationStatus: f.Status });
    this.bus.publish(liveSubject({ tenantId: t.tenantId, clusterId }, 'trunk'), { type: 'trunk', id: t.id, tenantId: t.tenantId, siteId: t.siteId, clusterId, changes: { registrationStatus: f.Status } });
  }

  /** The live columns of one extension (for tests and the status views). */
  get(clusterId: number, extension: string): ExtensionLive | undefined {
    return this.byEndpoint.get(clusterId)?.get(extension)?.live;
  }

  /**
   * Writes changed rows to the database in one transaction, one flush after the other: two at
   * once (the timer's and a caller's) update the same rows in different orders, which MariaDB
   * answers with a deadlock.
   */
  flush(): Promise<void> {
    const run = this.flushing.then(async () => {
      if (!this.dirty.size) return;
      const rows = [...this.dirty];
      this.dirty.clear();
      await this.orm.em.fork().transactional(async (em) => {
        for (const k of rows) await em.nativeUpdate(ExtensionSchema, { id: k.id }, { ...k.live });
      });
      this.stats.flushes++;
    });
    this.flushing = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const u of this.unsub) u();
    await this.flush();
  }
}
