/**
 * Scripted, seeded call generator for the simulator. Each `step()` draws from a seeded PRNG
 * (mulberry32) and advances a small state machine, so the sequence of AMI events is the same for
 * the same seed, endpoints, loaded configuration, clock and step count (only timestamps/uniqueid
 * epochs differ).
 *
 * Produces: registrations (ContactStatus/PeerStatus/DeviceStateChange); inbound calls from the
 * trunks, each run through the loaded dialplan (dialplan-runner.ts `runCall`, time conditions on
 * the simulator's clock) to a DID the dialplan knows, and then what its trace ends in goes on:
 * a queue (QueueCallerJoin/Leave/Abandon, AgentCalled/Connect/RingNoAnswer/Complete; members'
 * QueueMemberStatus follows their device state), a Dial that rings (DialBegin, DialEnd), a
 * voicemail message (MessageWaiting), a conference (ConfbridgeJoin/Leave), or the hangup the
 * dialplan gave; outbound calls from the phones over a trunk (made up, not run through the
 * dialplan); agent state changes (AgentLogin/AgentLogoff, QueueMemberAdded/Removed/Pause).
 * `start()` steps on an interval; `stop()` clears it. `maxSteps` bounds it.
 */
import { mulberry32 } from '../../random.ts';
import type { PbxState, SimChannel, SimQueue, SimQueueMember } from './state.ts';
import { runCall, type SimCallEnd } from './dialplan-runner.ts';
import { channelsFor, confbridgeJoin, confbridgeLeave, deviceOf, leaveMessage, mailboxName, trunkDids } from './call-generator-inbound.ts';

export interface CallGeneratorOptions {
  seed: number;
  /** Endpoint names to use; default: every endpoint of the simulator at start. */
  endpoints?: string[];
  /**
   * Trunk endpoints (pjsip.conf) the outside calls use (`PJSIP/<trunk>-…` channels); default `trunk`.
   * Inbound calls start in the trunk's context: a name that is no endpoint brings none.
   */
  trunks?: string[];
  /**
   * The numbers inbound calls dial: one list for every trunk, or per trunk name. Default: found in
   * the loaded dialplan (call-generator-inbound.ts `trunkDids`), again at each call.
   */
  dids?: string[] | Record<string, string[]>;
  /** Queue agents log in to and out of; default: the first queue app_queue lists. */
  queue?: string;
  /** Interval between steps for start(); default 50 ms. */
  stepMs?: number;
  /** Stop after this many steps (default 1000). */
  maxSteps?: number;
}

/** The simulator's clock and zone for time conditions (SimulatedAsterisk passes its own). */
export interface CallGeneratorClock {
  clock?: () => Date;
  zone?: () => string;
}

/** A channel rung for the caller: a Dial peer or the queue member app_queue rang. */
interface Rung {
  b: SimChannel;
  member?: SimQueueMember;
}

interface Call {
  a: SimChannel;
  rung: Rung[];
  /** The one that answers, when the call is answered. */
  answerer?: Rung;
  /** When the member (or callee) started ringing, epoch ms. */
  ringAt: number;
  phase: 'ringing' | 'up';
  ticksLeft: number;
  queue?: string;
  /** Seconds the caller waited in the queue. */
  hold?: number;
  dest: string;
  answer: boolean;
  /** A caller the dialplan left in VoiceMail or ConfBridge: up, until they hang up. */
  app?: { kind: 'voicemail'; mailbox: string } | { kind: 'confbridge'; conference: string } | { kind: 'voicemailmain' };
  outbound?: boolean;
}


export class CallGenerator {
  private readonly rnd: () => number;
  private timer: NodeJS.Timeout | undefined;
  private calls: Call[] = [];
  private readonly endpoints: string[];
  private agentsLoggedIn = new Set<string>();
  private readonly clock: () => Date;
  private readonly zone: () => string;
  steps = 0;
  /** Counts of what was generated, by kind; `unrouted`: inbound draws with no DID to dial. */
  readonly stats = { registrations: 0, inbound: 0, outbound: 0, queueCalls: 0, agentChanges: 0, hangups: 0, unrouted: 0 };
  /** Inbound calls by what their dialplan run ended in (SimCallTrace `ended`). */
  readonly ended: Partial<Record<SimCallEnd, number>> = {};

  constructor(private readonly state: PbxState, private readonly o: CallGeneratorOptions, env: CallGeneratorClock = {}) {
    this.rnd = mulberry32(o.seed);
    this.endpoints = o.endpoints ?? state.endpointNames();
    this.clock = env.clock ?? (() => new Date());
    this.zone = env.zone ?? (() => 'UTC');
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
      if (c.phase === 'ringing' && c.answer && c.answerer) this.answer(c, c.answerer);
      else if (c.phase === 'ringing') {
        this.noAnswer(c);
        this.finish(c);
      } else this.finish(c);
    }
    const r = this.rnd();
    if (r < 0.15) this.registration();
    else if (r < 0.6) this.inbound();
    else if (r < 0.85) this.outbound();
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

  /** A phone calls out over a trunk (not run through the dialplan). */
  private outbound(): void {
    const ep = this.pick(this.endpoints);
    if (!ep) return;
    const sfx = this.state.newChannelSuffix();
    const ext = String(5550000 + Math.floor(this.rnd() * 10000));
    const a = this.state.newChannel({ name: `PJSIP/${ep}-${sfx}`, endpoint: ep, callerIdNum: ep, callerIdName: `Ext ${ep}`, exten: ext, state: 4 });
    const b = this.state.newChannel({ name: `PJSIP/${this.trunk()}-${this.state.newChannelSuffix()}`, callerIdNum: ext, exten: ext, linkedid: a.uniqueid });
    this.stats.outbound++;
    a.app = 'Dial';
    a.appData = `${deviceOf(b)},20`;
    this.state.emitAmi('DialBegin', 'call', [...this.state.channelFields(a), ...this.state.channelFields(b, 'Dest'), ['DialString', deviceOf(b).split('/')[1] ?? '']]);
    this.state.setChannelState(b, 5);
    const rung = { b };
    this.calls.push({ a, rung: [rung], answerer: rung, ringAt: Date.now(), phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), dest: ext, answer: this.rnd() < 0.8, outbound: true });
  }

  /** The DIDs a trunk's calls dial: the options', else the loaded dialplan's. */
  private didsOf(trunk: string): string[] {
    const d = this.o.dids;
    if (Array.isArray(d)) return d;
    if (d) return d[trunk] ?? [];
    return trunkDids(this.state, trunk);
  }

  /** A call from a trunk to one of its DIDs, run through the dialplan; what the run ends in goes on here. */
  private inbound(): void {
    const trunk = this.trunk();
    const did = this.state.pjsip.get('endpoint', trunk) ? this.pick(this.didsOf(trunk)) : undefined;
    if (did === undefined) {
      this.stats.unrouted++;
      return;
    }
    const num = String(5550000 + Math.floor(this.rnd() * 10000));
    const t = runCall(this.state, { from: { trunk }, exten: did, callerId: { num, name: `Caller ${num}` } }, this.clock, this.zone());
    this.ended[t.ended] = (this.ended[t.ended] ?? 0) + 1;
    const a = t.channel;
    if (!a) return; // chan_pjsip's 404: no channel
    this.stats.inbound++;
    const base = { a, ringAt: Date.now(), dest: did };
    switch (t.ended) {
      case 'queue': {
        const q = this.state.queues.get(t.result.queue ?? '');
        const rung = channelsFor(this.state, a).map((b) => ({ b, member: q?.members.find((m) => m.iface === deviceOf(b)) }));
        const answerer = this.pick(rung);
        this.calls.push({ ...base, rung, answerer, phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), queue: q?.name, answer: answerer !== undefined && this.rnd() < 0.7 });
        this.stats.queueCalls++;
        return;
      }
      case 'dial': {
        const rung = channelsFor(this.state, a).map((b) => ({ b }));
        const answerer = this.pick(rung);
        this.calls.push({ ...base, rung, answerer, phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), answer: this.rnd() < 0.8 });
        return;
      }
      case 'voicemail':
      case 'voicemailmain':
      case 'confbridge': {
        const app = t.ended === 'voicemail' ? { kind: t.ended, mailbox: mailboxName(t.result.mailbox ?? '') } as const
          : t.ended === 'confbridge' ? { kind: t.ended, conference: t.result.conference ?? '' } as const : { kind: t.ended };
        if (app.kind === 'confbridge') confbridgeJoin(this.state, app.conference, a);
        this.calls.push({ ...base, rung: [], phase: 'up', ticksLeft: 1 + Math.floor(this.rnd() * 4), answer: true, app });
        return;
      }
      default:
        // The dialplan hung up (Hangup, fallthrough, no `i`/`t`): the runner already ended the channel.
    }
  }

  /** The answerer picks up: the others stop ringing (answered elsewhere), the caller leaves the queue. */
  private answer(c: Call, w: Rung): void {
    for (const r of c.rung.filter((x) => x !== w)) {
      this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(r.b, 'Dest'), ['DialStatus', 'CANCEL']]);
      this.state.hangup(r.b, 26);
    }
    c.rung = [w];
    const q = c.queue ? this.state.queues.get(c.queue) : undefined;
    if (q) c.hold = leaveQueue(this.state, q, c.a, w.member);
    this.state.setChannelState(w.b, 6);
    if (q) this.agentEvent('AgentConnect', q, c, w, [['HoldTime', String(c.hold ?? 0)], ['RingTime', String(Math.round((Date.now() - c.ringAt) / 1000))]]);
    if (c.a.state !== 6) this.state.setChannelState(c.a, 6);
    this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(w.b, 'Dest'), ['DialStatus', 'ANSWER']]);
    c.phase = 'up';
    c.ticksLeft = 1 + Math.floor(this.rnd() * 5);
  }

  private noAnswer(c: Call): void {
    const q = c.queue ? this.state.queues.get(c.queue) : undefined;
    for (const r of c.rung) {
      this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(r.b, 'Dest'), ['DialStatus', 'NOANSWER']]);
      if (q) this.agentEvent('AgentRingNoAnswer', q, c, r, [['RingTime', String(Date.now() - c.ringAt)]]);
    }
  }

  /** An agent logs in (a dynamic member is added, QueueMemberAdded) or off (removed, or a static member's pause toggles). */
  private agentChange(): void {
    const queue = this.o.queue ? this.state.queues.get(this.o.queue) : this.state.queues.list()[0];
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

  /** The caller hangs up (or the callee, once they talked). */
  private finish(c: Call): void {
    this.calls = this.calls.filter((x) => x !== c);
    const up = c.phase === 'up';
    if (c.app?.kind === 'voicemail') leaveMessage(this.state, c.a, c.app.mailbox);
    if (c.app?.kind === 'confbridge') confbridgeLeave(this.state, c.app.conference, c.a);
    const q = c.queue ? this.state.queues.get(c.queue) : undefined;
    if (q && !up) leaveQueue(this.state, q, c.a);
    const w = c.answerer;
    if (q && up && w?.member) {
      const talk = Math.round((Date.now() - (c.a.answeredAt ?? Date.now())) / 1000);
      this.agentEvent('AgentComplete', q, c, w, [['HoldTime', String(c.hold ?? 0)], ['TalkTime', String(talk)], ['Reason', 'caller']]);
      this.state.queues.complete(q, w.member, talk, c.hold ?? 0);
    }
    for (const r of c.rung) this.state.hangup(r.b, up ? 16 : 19);
    // An outside caller who gives up hangs up normally; a phone's call nobody answered ends NO ANSWER.
    this.state.hangup(c.a, up || !c.outbound ? 16 : 19, { destination: c.dest, destChannel: (w ?? c.rung[0])?.b.name, disposition: c.a.answeredAt ? 'ANSWERED' : 'NO ANSWER' });
    this.stats.hangups++;
  }

  /** AgentCalled/Connect/RingNoAnswer/Complete (queue_multi_channel_to_ami): caller, Dest member channel, queue and member. */
  private agentEvent(name: string, q: SimQueue, c: Call, r: Rung, extra: Array<[string, string]>): void {
    if (!r.member) return;
    this.state.emitAmi(name, 'agent', [...this.state.channelFields(c.a), ...this.state.channelFields(r.b, 'Dest'), ['Queue', q.name], ['Interface', r.member.iface], ['MemberName', r.member.name], ...extra]);
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
