/**
 * app_queue's queues (apps/app_queue.c, Asterisk 20.20.1): built from queues.conf on load and
 * reload (reload_queues / reload_single_queue), members added, removed, paused and re-penalised
 * at run time, member status following device state, callers waiting. Iteration orders are
 * app_queue's ao2 containers: queues hashed in 53 buckets by case-insensitive name; members
 * hashed in 37 buckets by member_hash_fn, or kept in a list for linear/rrordered queues.
 */
import { fatalLog, FileStamps, parseConfig, type ConfigSource } from './config-parser.ts';
import { astStrHash } from './ao2.ts';
import { astTrue, atoi, parseQueueSection, type QueueParams } from './queues-config.ts';
import type { Fields, SimChannel } from './state.ts';

export interface SimQueueMember {
  iface: string;
  name: string;
  stateInterface: string;
  membership: 'static' | 'dynamic';
  penalty: number;
  callsTaken: number;
  /** Epoch seconds (0 = never). */
  lastCall: number;
  lastPause: number;
  loginTime: number;
  /** 1 while the member is on a queue call (mem->starttime). */
  inCall: number;
  /** Device state number (0 unknown … 8 on hold). */
  status: number;
  paused: number;
  pausedReason: string;
  ringinuse: boolean;
  wrapuptime: number;
}

export interface SimQueueEntry {
  channel: SimChannel;
  /** Epoch ms of joining. */
  start: number;
  prio: number;
}

export interface SimQueue {
  name: string;
  params: QueueParams;
  /** Members kept in a list (strategy linear/rrordered when the queue was created), else hashed. */
  listed: boolean;
  /** Insertion order; `orderedMembers()` gives app_queue's iteration order. */
  members: SimQueueMember[];
  entries: SimQueueEntry[];
  holdtime: number;
  talktime: number;
  completed: number;
  abandoned: number;
  completedInSl: number;
  abandonedInSl: number;
}

/** What the queues need from the PBX. */
export interface QueueHost {
  /** ast_device_state of an interface (number). */
  deviceState(iface: string): number;
  emit(event: string, fields: Fields): void;
  db: Map<string, string>;
  log: string[];
}

export type AddResult = 'ok' | 'exists' | 'nosuchqueue';
export type RemoveResult = AddResult | 'notdynamic';

export const now = () => Math.floor(Date.now() / 1000);
export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** member_hash_fn: the first 5 characters from the `/` on, 6 bits each. */
function memberHash(iface: string): number {
  const slash = iface.indexOf('/');
  const s = slash >= 0 ? iface.slice(slash) : iface;
  let h = 0;
  for (let i = 0; i < 5 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    h += (c < 32 ? 0 : c > 96 ? c - 64 : c - 32) << (i * 6);
  }
  return Math.abs(h);
}

function bucketOrder<T>(items: T[], hash: (t: T) => number, buckets: number): T[] {
  return items.map((t, i) => ({ t, i, b: hash(t) % buckets })).sort((a, b) => a.b - b.b || a.i - b.i).map((x) => x.t);
}

export class QueueStore {
  private queues: SimQueue[] = [];
  /** [general] persistentmembers (queue_persistent_members, default off). */
  persistentMembers = false;
  private readonly stamps = new FileStamps();
  private readonly ruleStamps = new FileStamps();

  constructor(private readonly host: QueueHost) {}

  /** Queues in app_queue's container order. */
  list(): SimQueue[] {
    return bucketOrder(this.queues, (q) => astStrHash(q.name, true), 53);
  }

  get(name: string): SimQueue | undefined {
    return this.queues.find((q) => same(q.name, name));
  }

  orderedMembers(q: SimQueue): SimQueueMember[] {
    return q.listed ? [...q.members] : bucketOrder(q.members, (m) => memberHash(m.iface), 37);
  }

  /**
   * reload_handler: queuerules.conf, then queues.conf (skipped when unchanged on a reload).
   * Returns false when queues.conf is missing or invalid: at boot app_queue then declines to load;
   * a reload still reports success.
   */
  load(source: ConfigSource, reload: boolean): boolean {
    this.loadRules(source, reload);
    if (reload && this.stamps.unchanged(source, 'queues.conf')) return true;
    const parsed = parseConfig(source, 'queues.conf');
    this.stamps.remember(source, parsed.files);
    const log = this.host.log;
    if (parsed.missing) {
      log.push('NOTICE app_queue.c: No call queueing config file (queues.conf), so no call queues');
      return false;
    }
    if (parsed.fatal) {
      log.push(fatalLog(parsed.fatal), 'ERROR app_queue.c: Config file queues.conf is in an invalid format.  Aborting.');
      return false;
    }
    this.persistentMembers = false;
    const found = new Set<SimQueue>();
    for (const s of parsed.sections) {
      if (s.isTemplate) continue;
      if (same(s.name, 'general')) {
        const pm = s.entries.find((e) => same(e.key, 'persistentmembers'));
        if (pm) this.persistentMembers = astTrue(pm.value);
        continue;
      }
      const old = this.get(s.name);
      if (old && found.has(old)) {
        log.push(`WARNING app_queue.c: Queue '${s.name}' already defined! Skipping!`);
        continue;
      }
      const def = parseQueueSection(s, log);
      const q = old ?? this.create(def.name, def.params);
      q.params = def.params;
      // reload_single_member: a member already there is replaced (keeping its pause and call
      // counts) and re-linked at the end; static members no longer in the file go, dynamic ones
      // stay and take the queue's ringinuse.
      let members = [...q.members];
      const fromFile = new Set<SimQueueMember>();
      for (const d of def.members) {
        const cur = members.find((m) => same(m.iface, d.iface));
        const m = this.newMember(d.iface, d.membername, d.stateInterface, d.penalty, cur ? cur.paused === 1 : d.paused, d.ringinuse, d.wrapuptime);
        m.membership = 'static';
        if (cur) {
          m.callsTaken = cur.callsTaken;
          m.lastCall = cur.lastCall;
          members = members.filter((x) => x !== cur);
        }
        members.push(m);
        fromFile.add(m);
      }
      q.members = members.filter((m) => fromFile.has(m) || m.membership === 'dynamic');
      for (const m of q.members) {
        if (fromFile.has(m)) continue;
        m.ringinuse = q.params.ringinuse;
        m.status = this.host.deviceState(m.stateInterface);
      }
      found.add(q);
    }
    this.queues = this.queues.filter((q) => found.has(q));
    if (!reload && this.persistentMembers) this.restoreMembers();
    return true;
  }

  /** reload_queue_members (at load with persistentmembers): the dynamic members dumped to AstDB come back. */
  private restoreMembers(): void {
    const prefix = '/Queue/PersistentMembers/';
    const keys = [...this.host.db.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys) {
      const name = key.slice(prefix.length);
      if (!this.get(name)) {
        this.host.log.push(`WARNING app_queue.c: Error loading persistent queue: '${name}': it does not exist`);
        this.host.db.delete(key);
        continue;
      }
      for (const member of (this.host.db.get(key) ?? '').split(/[,|]/).filter(Boolean)) {
        const [iface = '', penalty, paused, membername, stateInterface, reason, wrapuptime] = member.split(';');
        if (penalty === undefined || paused === undefined || !['0', '1'].includes(paused.trim())) {
          this.host.log.push(penalty === undefined || paused === undefined ? `WARNING app_queue.c: Error parsing persistent member string for '${name}' (${penalty === undefined ? 'penalty' : 'paused'})` : `WARNING app_queue.c: Error converting paused: ${paused}: Expected 0 or 1.`);
          break;
        }
        this.add(name, iface, { membername, stateInterface, penalty: atoi(penalty), paused: paused.trim() === '1', reason, wrapuptime: atoi(wrapuptime ?? '') }, false);
      }
    }
    if (keys.length > 0) this.host.log.push('NOTICE app_queue.c: Queue members successfully reloaded from database.');
  }

  private loadRules(source: ConfigSource, reload: boolean): void {
    if (reload && this.ruleStamps.unchanged(source, 'queuerules.conf')) {
      this.host.log.push('NOTICE app_queue.c: queuerules.conf has not changed since it was last loaded. Not taking any action.');
      return;
    }
    const parsed = parseConfig(source, 'queuerules.conf');
    this.ruleStamps.remember(source, parsed.files);
    if (parsed.missing) this.host.log.push('NOTICE app_queue.c: No queuerules.conf file found, queues will not follow penalty rules');
    else if (parsed.fatal) this.host.log.push(fatalLog(parsed.fatal), 'ERROR app_queue.c: Config file queuerules.conf is in an invalid format.  Aborting.');
  }

  private create(name: string, params: QueueParams): SimQueue {
    const q: SimQueue = {
      name, params, listed: params.strategy === 'linear' || params.strategy === 'rrordered', members: [], entries: [],
      holdtime: 0, talktime: 0, completed: 0, abandoned: 0, completedInSl: 0, abandonedInSl: 0,
    };
    this.queues.push(q);
    return q;
  }

  /** create_queue_member. */
  private newMember(iface: string, name: string, stateInterface: string, penalty: number, paused: boolean, ringinuse: boolean, wrapuptime: number): SimQueueMember {
    if (!iface.includes('/')) this.host.log.push(`WARNING app_queue.c: No location at interface '${iface}'`);
    const t = now();
    const si = stateInterface || iface;
    return {
      iface, name: name || iface, stateInterface: si, membership: 'dynamic', penalty, callsTaken: 0, lastCall: 0,
      lastPause: paused ? t : 0, loginTime: t, inCall: 0, status: this.host.deviceState(si), paused: paused ? 1 : 0,
      pausedReason: '', ringinuse, wrapuptime,
    };
  }

  /** queue_member_blob_create: the fields of QueueMember* events. */
  blob(q: SimQueue, m: SimQueueMember): Fields {
    return [
      ['Queue', q.name], ['MemberName', m.name], ['Interface', m.iface], ['StateInterface', m.stateInterface],
      ['Membership', m.membership], ['Penalty', String(m.penalty)], ['CallsTaken', String(m.callsTaken)],
      ['LastCall', String(m.lastCall)], ['LastPause', String(m.lastPause)], ['LoginTime', String(m.loginTime)],
      ['InCall', String(m.inCall)], ['Status', String(m.status)], ['Paused', String(m.paused)],
      ['PausedReason', m.pausedReason], ['Ringinuse', m.ringinuse ? '1' : '0'], ['Wrapuptime', String(m.wrapuptime)],
    ];
  }

  /** add_to_queue (QueueAdd, AddQueueMember): a dynamic member. */
  add(queue: string, iface: string, o: { membername?: string; stateInterface?: string; penalty?: number; paused?: boolean; reason?: string; wrapuptime?: number } = {}, dump = true): AddResult {
    const q = this.get(queue);
    if (!q) return 'nosuchqueue';
    if (q.members.some((m) => same(m.iface, iface))) return 'exists';
    const m = this.newMember(iface, o.membername ?? '', o.stateInterface ?? '', o.penalty ?? 0, o.paused ?? false, q.params.ringinuse, o.wrapuptime ?? 0);
    if (o.reason !== undefined) m.pausedReason = o.reason;
    q.members.push(m);
    this.host.emit('QueueMemberAdded', this.blob(q, m));
    if (dump) this.dump(q);
    return 'ok';
  }

  /** remove_from_queue: only dynamic members can be removed. */
  remove(queue: string, iface: string): RemoveResult {
    const q = this.get(queue);
    if (!q) return 'nosuchqueue';
    const m = q.members.find((x) => same(x.iface, iface));
    if (!m) return 'exists';
    if (m.membership !== 'dynamic') return 'notdynamic';
    this.host.emit('QueueMemberRemoved', this.blob(q, m));
    q.members = q.members.filter((x) => x !== m);
    this.dump(q);
    return 'ok';
  }

  /** set_member_paused: in one queue, or every queue when `queue` is empty. False = interface not found. */
  pause(queue: string, iface: string, reason: string, paused: boolean): boolean {
    let found = 0;
    for (const q of this.list()) {
      if (queue && !same(q.name, queue)) continue;
      const m = q.members.find((x) => same(x.iface, iface));
      if (m) {
        found++;
        m.paused = paused ? 1 : 0;
        if (paused) m.lastPause = now();
        m.pausedReason = paused ? reason : '';
        this.dump(q);
        // An unpause with a reason shows the reason in its event only.
        if (!paused && reason) m.pausedReason = reason;
        this.host.emit('QueueMemberPause', this.blob(q, m));
        if (!paused) m.pausedReason = '';
      }
      if (queue) break;
    }
    return found > 0;
  }

  /**
   * set_member_value: a member's penalty (QueueMemberPenalty) or ringinuse (QueueMemberRinginuse)
   * in one queue or, when `queue` is empty, every queue. False for a negative penalty, an unknown
   * queue or interface.
   */
  setValue(queue: string, iface: string, value: { penalty: number } | { ringinuse: boolean }): boolean {
    if ('penalty' in value && value.penalty < 0) {
      this.host.log.push(`ERROR app_queue.c: Invalid penalty (${value.penalty})`);
      return false;
    }
    const qs = queue ? [this.get(queue)].filter((q): q is SimQueue => q !== undefined) : this.list();
    let found = 0;
    for (const q of qs) {
      const m = q.members.find((x) => same(x.iface, iface));
      if (!m) continue;
      found++;
      if ('penalty' in value) m.penalty = value.penalty;
      else m.ringinuse = value.ringinuse;
      this.host.emit('penalty' in value ? 'QueueMemberPenalty' : 'QueueMemberRinginuse', this.blob(q, m));
    }
    if (!found) this.host.log.push(qs.length === 0 ? 'ERROR app_queue.c: Invalid queuename' : 'ERROR app_queue.c: Invalid interface');
    return found > 0;
  }

  /** clear_stats (QueueReset): a queue's (or every queue's) counters and its members' calls. */
  resetStats(queue: string): void {
    for (const q of this.queues) {
      if (queue && !same(q.name, queue)) continue;
      Object.assign(q, { holdtime: 0, talktime: 0, completed: 0, abandoned: 0, completedInSl: 0, abandonedInSl: 0 });
      for (const m of q.members) Object.assign(m, { callsTaken: 0, lastCall: 0, inCall: 0 });
    }
  }

  /** Device state of `device` (undefined: of any device) changed: update_status of every member watching it. */
  deviceChanged(device?: string): void {
    for (const q of this.list()) {
      for (const m of this.orderedMembers(q)) {
        if (device !== undefined && !same(m.stateInterface, device)) continue;
        const st = this.host.deviceState(m.stateInterface);
        if (st === m.status) continue;
        m.status = st;
        this.host.emit('QueueMemberStatus', this.blob(q, m));
      }
    }
  }

  /** A caller enters Queue(); returns its position. */
  join(q: SimQueue, channel: SimChannel): number {
    q.entries.push({ channel, start: Date.now(), prio: 0 });
    return q.entries.length;
  }

  /**
   * The caller leaves: answered by `member` (recalc_holdtime, the call counted when it completes)
   * or abandoned. Returns the hold time in seconds.
   */
  leave(q: SimQueue, channel: SimChannel, member?: SimQueueMember): number {
    const e = q.entries.find((x) => x.channel === channel);
    if (!e) return 0;
    q.entries = q.entries.filter((x) => x !== e);
    const hold = Math.floor((Date.now() - e.start) / 1000);
    if (member) {
      q.holdtime = (q.holdtime * 3 + hold) >> 2;
      member.inCall = 1;
    } else {
      q.abandoned++;
      if (hold <= q.params.servicelevel) q.abandonedInSl++;
    }
    return hold;
  }

  /** A member's queue call ended after `talk` seconds (update_queue). */
  complete(q: SimQueue, member: SimQueueMember, talk: number, hold: number): void {
    member.callsTaken++;
    member.lastCall = now();
    member.inCall = 0;
    q.completed++;
    if (hold <= q.params.servicelevel) q.completedInSl++;
    q.talktime = (q.talktime * 3 + talk) >> 2;
  }

  /** ServicelevelPerf and ServicelevelPerf2 as `%2.1f`. */
  serviceLevels(q: SimQueue): [string, string] {
    const sl = q.completed > 0 ? (100 * q.completedInSl) / q.completed : 0;
    const all = q.completed + q.abandoned;
    const sl2 = all > 0 ? (100 * (q.abandonedInSl + q.completedInSl)) / all : 0;
    return [sl.toFixed(1), sl2.toFixed(1)];
  }

  /** dump_queue_members: dynamic members to AstDB Queue/PersistentMembers/<queue> when persistentmembers is on. */
  private dump(q: SimQueue): void {
    if (!this.persistentMembers) return;
    const key = `/Queue/PersistentMembers/${q.name}`;
    const dyn = this.orderedMembers(q).filter((m) => m.membership === 'dynamic');
    if (dyn.length === 0) this.host.db.delete(key);
    else this.host.db.set(key, dyn.map((m) => `${m.iface};${m.penalty};${m.paused};${m.name};${m.stateInterface};${m.pausedReason};${m.wrapuptime}`).join('|'));
  }
}
