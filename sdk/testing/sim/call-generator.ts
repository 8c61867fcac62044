/**
 * Scripted, seeded call generator for the simulator. Each `step()` draws from a seeded PRNG
 * (mulberry32) and advances a small state machine, so the sequence of AMI events is the same for
 * the same seed, endpoints and step count (only timestamps/uniqueid epochs differ).
 *
 * Produces: registrations (ContactStatus/PeerStatus/DeviceStateChange), inbound and outbound
 * calls (Newchannel, DialBegin, Newstate, DialEnd, Hangup, Cdr), queue calls to the config-driven
 * queues (QueueCallerJoin/Leave/Abandon, AgentCalled/Connect/RingNoAnswer/Complete; members'
 * QueueMemberStatus follows their device state)
 * and agent state changes (AgentLogin/AgentLogoff, QueueMemberAdded/Removed/Pause). `start()` steps on an interval; `stop()` clears it. `maxSteps` bounds it.
 */
import type { PbxState, SimChannel, SimQueue, SimQueueMember } from './state.ts';

export interface CallGeneratorOptions {
  seed: number;
  /** Endpoint names to use; default: every endpoint of the simulator at start. */
  endpoints?: string[];
  /** Trunk endpoint names outside calls use (`PJSIP/<trunk>-…` channels); default `trunk`. */
  trunks?: string[];
  /** Queue used for queue calls; default: the first queue app_queue lists. */
  queue?: string;
  /** Interval between steps for start(); default 50 ms. */
  stepMs?: number;
  /** Stop after this many steps (default 1000). */
  maxSteps?: number;
}

interface Call {
  a: SimChannel;
  b?: SimChannel;
  /** When the member (or callee) started ringing, epoch ms. */
  ringAt: number;
  phase: 'ringing' | 'up';
  ticksLeft: number;
  queue?: string;
  /** The queue member rung. */
  member?: SimQueueMember;
  /** Seconds the caller waited in the queue. */
  hold?: number;
  dest: string;
  answer: boolean;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class CallGenerator {
  private readonly rnd: () => number;
  private timer: NodeJS.Timeout | undefined;
  private calls: Call[] = [];
  private readonly endpoints: string[];
  private agentsLoggedIn = new Set<string>();
  steps = 0;
  /** Counts of what was generated, by kind. */
  readonly stats = { registrations: 0, inbound: 0, outbound: 0, queueCalls: 0, agentChanges: 0, hangups: 0 };

  constructor(private readonly state: PbxState, private readonly o: CallGeneratorOptions) {
    this.rnd = mulberry32(o.seed);
    this.endpoints = o.endpoints ?? state.endpointNames();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.steps >= (this.o.maxSteps ?? 1000)) {
        this.stop();
        return;
      }
      this.step();
    }, this.o.stepMs ?? 50);
    this.timer.unref?.();
  }

  /** Stop stepping and hang up every call still up. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.calls) this.finish(c);
    this.calls = [];
  }

  private trunk(): string {
    return this.pick(this.o.trunks ?? []) ?? 'trunk';
  }

  private pick<T>(xs: readonly T[]): T | undefined {
    if (xs.length === 0) return undefined;
    return xs[Math.floor(this.rnd() * xs.length)];
  }

  /** One deterministic step. */
  step(): void {
    this.steps++;
    // Advance existing calls first (order is deterministic: creation order).
    for (const c of [...this.calls]) {
      c.ticksLeft--;
      if (c.ticksLeft > 0) continue;
      if (c.phase === 'ringing') {
        if (c.answer) {
          const q = c.queue ? this.state.queues.get(c.queue) : undefined;
          if (q) this.leaveQueue(q, c, c.member);
          if (c.b) this.state.setChannelState(c.b, 6);
          if (q) this.agentEvent('AgentConnect', q, c, [['HoldTime', String(c.hold ?? 0)], ['RingTime', String(Math.round((Date.now() - c.ringAt) / 1000))]]);
          this.state.setChannelState(c.a, 6);
          if (c.b) this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(c.b, 'Dest'), ['DialStatus', 'ANSWER']]);
          c.phase = 'up';
          c.ticksLeft = 1 + Math.floor(this.rnd() * 5);
        } else {
          if (c.b) this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(c.b, 'Dest'), ['DialStatus', 'NOANSWER']]);
          const q = c.queue ? this.state.queues.get(c.queue) : undefined;
          if (q) this.agentEvent('AgentRingNoAnswer', q, c, [['RingTime', String(Date.now() - c.ringAt)]]);
          this.finish(c);
        }
      } else this.finish(c);
    }
    const r = this.rnd();
    if (r < 0.15) this.registration();
    else if (r < 0.45) this.call('inbound');
    else if (r < 0.7) this.call('outbound');
    else if (r < 0.85) this.queueCall();
    else this.agentChange();
  }

  private registration(): void {
    const ep = this.pick(this.endpoints);
    if (!ep) return;
    const aor = this.state.endpointAors(ep)[0] ?? ep;
    const port = 5070 + Math.floor(this.rnd() * 100);
    const uri = `sip:${ep}@127.0.0.1:${port}`;
    if ((this.state.contacts.get(aor) ?? []).length > 0 && this.rnd() < 0.3) this.state.unregister(aor);
    else this.state.register(aor, uri, { callId: `gen-${this.steps}@127.0.0.1`, userAgent: 'acm-sim-gen/0.1' });
    this.stats.registrations++;
  }

  private call(dir: 'inbound' | 'outbound'): void {
    const ep = this.pick(this.endpoints);
    if (!ep) return;
    const sfx = this.state.newChannelSuffix();
    const ext = String(5550000 + Math.floor(this.rnd() * 10000));
    let a: SimChannel;
    let b: SimChannel | undefined;
    if (dir === 'outbound') {
      a = this.state.newChannel({ name: `PJSIP/${ep}-${sfx}`, endpoint: ep, callerIdNum: ep, callerIdName: `Ext ${ep}`, exten: ext, state: 4 });
      b = this.state.newChannel({ name: `PJSIP/${this.trunk()}-${this.state.newChannelSuffix()}`, callerIdNum: ext, exten: ext, linkedid: a.uniqueid });
      this.stats.outbound++;
    } else {
      a = this.state.newChannel({ name: `PJSIP/${this.trunk()}-${sfx}`, callerIdNum: ext, callerIdName: `Caller ${ext}`, exten: ep, state: 4, context: 'from-trunk' });
      b = this.state.newChannel({ name: `PJSIP/${ep}-${this.state.newChannelSuffix()}`, endpoint: ep, callerIdNum: ep, exten: ep, linkedid: a.uniqueid });
      this.stats.inbound++;
    }
    a.app = 'Dial';
    a.appData = `${b.name.split('-')[0]},20`;
    this.state.emitAmi('DialBegin', 'call', [...this.state.channelFields(a), ...this.state.channelFields(b, 'Dest'), ['DialString', b.name.split('/')[1]?.split('-')[0] ?? '']]);
    this.state.setChannelState(b, 5);
    this.calls.push({ a, b, ringAt: Date.now(), phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), dest: dir === 'outbound' ? ext : ep, answer: this.rnd() < 0.8 });
  }

  /** The generator's queue: `o.queue`, else the first one app_queue lists. */
  private queue(): SimQueue | undefined {
    return this.o.queue ? this.state.queues.get(this.o.queue) : this.state.queues.list()[0];
  }

  private queueCall(): void {
    const queue = this.queue();
    if (!queue) return;
    const ext = String(5550000 + Math.floor(this.rnd() * 10000));
    const a = this.state.newChannel({ name: `PJSIP/${this.trunk()}-${this.state.newChannelSuffix()}`, callerIdNum: ext, callerIdName: `Caller ${ext}`, exten: '600', state: 6 });
    a.app = 'Queue';
    a.appData = queue.name;
    joinQueue(this.state, queue, a);
    const member = this.pick(this.state.queues.orderedMembers(queue).filter((m) => m.status === 1 && !m.paused));
    const b = member ? ringMember(this.state, queue, a, member) : undefined;
    this.calls.push({ a, b, ringAt: Date.now(), phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), queue: queue.name, member, dest: '600', answer: member !== undefined && this.rnd() < 0.7 });
    this.stats.queueCalls++;
  }

  /** An agent logs in (a dynamic member is added, QueueMemberAdded) or off (removed, or a static member's pause toggles). */
  private agentChange(): void {
    const queue = this.queue();
    const ep = this.pick(this.endpoints);
    if (!queue || !ep) return;
    const agent = `agent-${ep}`;
    const iface = `PJSIP/${ep}`;
    const queues = this.state.queues;
    if (this.agentsLoggedIn.has(agent)) {
      this.agentsLoggedIn.delete(agent);
      this.state.emitAmi('AgentLogoff', 'agent', [['Agent', agent], ['Logintime', String(1 + Math.floor(this.rnd() * 100))]]);
      const m = queue.members.find((x) => x.iface === iface);
      if (m?.membership === 'dynamic') queues.remove(queue.name, iface);
      else if (m) queues.pause(queue.name, iface, '', m.paused === 0);
    } else {
      this.agentsLoggedIn.add(agent);
      this.state.emitAmi('AgentLogin', 'agent', [['Channel', `${iface}-${this.state.newChannelSuffix()}`], ['Agent', agent]]);
      const m = queue.members.find((x) => x.iface === iface);
      if (!m) queues.add(queue.name, iface);
      else if (m.paused) queues.pause(queue.name, iface, '', false);
    }
    this.stats.agentChanges++;
  }

  private finish(c: Call): void {
    this.calls = this.calls.filter((x) => x !== c);
    const disposition = c.phase === 'up' ? 'ANSWERED' : 'NO ANSWER';
    const q = c.queue ? this.state.queues.get(c.queue) : undefined;
    if (q && c.phase !== 'up') this.leaveQueue(q, c);
    if (q && c.member && c.phase === 'up') {
      const talk = Math.round((Date.now() - (c.a.answeredAt ?? Date.now())) / 1000);
      this.agentEvent('AgentComplete', q, c, [['HoldTime', String(c.hold ?? 0)], ['TalkTime', String(talk)], ['Reason', 'caller']]);
      this.state.queues.complete(q, c.member, talk, c.hold ?? 0);
    }
    if (c.b) this.state.hangup(c.b, c.phase === 'up' ? 16 : 19);
    this.state.hangup(c.a, c.phase === 'up' ? 16 : 19, { destination: c.dest, destChannel: c.b?.name, disposition });
    this.stats.hangups++;
  }

  /** The caller leaves the queue: answered by its member (before the agent connects) or abandoned. */
  private leaveQueue(q: SimQueue, c: Call, member?: SimQueueMember): void {
    c.hold = leaveQueue(this.state, q, c.a, member);
  }

  /** AgentCalled/Connect/RingNoAnswer/Complete (queue_multi_channel_to_ami): caller, Dest member channel, queue and member. */
  private agentEvent(name: string, q: SimQueue, c: Call, extra: Array<[string, string]>): void {
    if (!c.b || !c.member) return;
    this.state.emitAmi(name, 'agent', [...this.state.channelFields(c.a), ...this.state.channelFields(c.b, 'Dest'), ['Queue', q.name], ['Interface', c.member.iface], ['MemberName', c.member.name], ...extra]);
  }
}

/** A caller enters Queue(): QueueCallerJoin with its position. */
export function joinQueue(state: PbxState, q: SimQueue, a: SimChannel): number {
  const pos = state.queues.join(q, a);
  state.emitAmi('QueueCallerJoin', 'agent', [...state.channelFields(a), ['Queue', q.name], ['Position', String(pos)], ['Count', String(q.entries.length)]]);
  return pos;
}

/** app_queue rings `member` for caller `a`: its channel (created ringing), DialBegin, AgentCalled. */
export function ringMember(state: PbxState, q: SimQueue, a: SimChannel, member: SimQueueMember): SimChannel {
  const ep = member.iface.replace(/^PJSIP\//, '');
  // Created ringing: the member's device state (and QueueMemberStatus) goes straight to 6.
  const b = state.newChannel({ name: `${member.iface}-${state.newChannelSuffix()}`, endpoint: ep, callerIdNum: ep, exten: ep, linkedid: a.uniqueid, state: 5 });
  state.emitAmi('DialBegin', 'call', [...state.channelFields(a), ...state.channelFields(b, 'Dest'), ['DialString', member.iface]]);
  state.emitAmi('AgentCalled', 'agent', [...state.channelFields(a), ...state.channelFields(b, 'Dest'), ['Queue', q.name], ['Interface', member.iface], ['MemberName', member.name]]);
  return b;
}

/** The caller leaves: answered by `member`, or abandoned (QueueCallerAbandon first). Returns the hold time. */
export function leaveQueue(state: PbxState, q: SimQueue, a: SimChannel, member?: SimQueueMember): number {
  const pos = q.entries.findIndex((e) => e.channel === a) + 1;
  const hold = state.queues.leave(q, a, member);
  if (!member) state.emitAmi('QueueCallerAbandon', 'agent', [...state.channelFields(a), ['Queue', q.name], ['Position', String(pos)], ['OriginalPosition', String(pos)], ['HoldTime', String(hold)]]);
  state.emitAmi('QueueCallerLeave', 'agent', [...state.channelFields(a), ['Queue', q.name], ['Position', String(pos)], ['Count', String(q.entries.length)]]);
  return hold;
}
