/**
 * Scripted, seeded call generator for the simulator. Each `step()` draws from a seeded PRNG
 * (mulberry32) and advances a small state machine, so the sequence of AMI events is the same for
 * the same seed, endpoints and step count (only timestamps/uniqueid epochs differ).
 *
 * Produces: registrations (ContactStatus/PeerStatus/DeviceStateChange), inbound and outbound
 * calls (Newchannel, DialBegin, Newstate, DialEnd, Hangup, Cdr), queue calls
 * (QueueCallerJoin/Leave + QueueMemberStatus) and agent state changes (AgentLogin/AgentLogoff,
 * QueueMemberStatus). `start()` steps on an interval; `stop()` clears it. `maxSteps` bounds it.
 */
import type { PbxState, SimChannel } from './state.ts';

export interface CallGeneratorOptions {
  seed: number;
  /** Endpoint names to use; default: every endpoint of the simulator at start. */
  endpoints?: string[];
  /** Trunk endpoint names outside calls use (`PJSIP/<trunk>-…` channels); default `trunk`. */
  trunks?: string[];
  /** Queue used for queue calls; default: the first queue. */
  queue?: string;
  /** Interval between steps for start(); default 50 ms. */
  stepMs?: number;
  /** Stop after this many steps (default 1000). */
  maxSteps?: number;
}

interface Call {
  a: SimChannel;
  b?: SimChannel;
  phase: 'ringing' | 'up';
  ticksLeft: number;
  queue?: string;
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
          if (c.b) this.state.setChannelState(c.b, 6);
          this.state.setChannelState(c.a, 6);
          if (c.b) this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(c.b, 'Dest'), ['DialStatus', 'ANSWER']]);
          c.phase = 'up';
          c.ticksLeft = 1 + Math.floor(this.rnd() * 5);
        } else {
          if (c.b) this.state.emitAmi('DialEnd', 'call', [...this.state.channelFields(c.a), ...this.state.channelFields(c.b, 'Dest'), ['DialStatus', 'NOANSWER']]);
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
    this.calls.push({ a, b, phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), dest: dir === 'outbound' ? ext : ep, answer: this.rnd() < 0.8 });
  }

  private queueCall(): void {
    const q = this.o.queue ?? [...this.state.queues.keys()][0];
    const queue = q ? this.state.queues.get(q) : undefined;
    if (!queue) return;
    const ext = String(5550000 + Math.floor(this.rnd() * 10000));
    const a = this.state.newChannel({ name: `PJSIP/${this.trunk()}-${this.state.newChannelSuffix()}`, callerIdNum: ext, callerIdName: `Caller ${ext}`, exten: '600', state: 6 });
    a.app = 'Queue';
    a.appData = queue.name;
    queue.calls++;
    this.state.emitAmi('QueueCallerJoin', 'agent', [...this.state.channelFields(a), ['Queue', queue.name], ['Position', String(queue.calls)], ['Count', String(queue.calls)]]);
    const member = this.pick(queue.members.filter((m) => m.status === 1 && !m.paused));
    let b: SimChannel | undefined;
    if (member) {
      const ep = member.iface.replace(/^PJSIP\//, '');
      b = this.state.newChannel({ name: `${member.iface}-${this.state.newChannelSuffix()}`, endpoint: ep, callerIdNum: ep, exten: ep, linkedid: a.uniqueid });
      this.state.emitAmi('DialBegin', 'call', [...this.state.channelFields(a), ...this.state.channelFields(b, 'Dest'), ['DialString', member.iface]]);
      this.state.setChannelState(b, 5);
      this.memberStatus(queue.name, member.iface, 6);
    }
    this.calls.push({ a, b, phase: 'ringing', ticksLeft: 1 + Math.floor(this.rnd() * 3), queue: queue.name, dest: '600', answer: member !== undefined && this.rnd() < 0.7 });
    this.stats.queueCalls++;
  }

  private agentChange(): void {
    const q = this.o.queue ?? [...this.state.queues.keys()][0];
    const queue = q ? this.state.queues.get(q) : undefined;
    const ep = this.pick(this.endpoints);
    if (!queue || !ep) return;
    const agent = `agent-${ep}`;
    if (this.agentsLoggedIn.has(agent)) {
      this.agentsLoggedIn.delete(agent);
      this.state.emitAmi('AgentLogoff', 'agent', [['Agent', agent], ['Logintime', String(1 + Math.floor(this.rnd() * 100))]]);
      const m = queue.members.find((x) => x.iface === `PJSIP/${ep}`);
      if (m && m.membership === 'dynamic') {
        queue.members = queue.members.filter((x) => x !== m);
        this.state.emitAmi('QueueMemberRemoved', 'agent', [['Queue', queue.name], ['MemberName', m.name], ['Interface', m.iface]]);
      } else if (m) {
        m.paused = m.paused ? 0 : 1;
        this.memberStatus(queue.name, m.iface, m.status);
      }
    } else {
      this.agentsLoggedIn.add(agent);
      this.state.emitAmi('AgentLogin', 'agent', [['Channel', `PJSIP/${ep}-${this.state.newChannelSuffix()}`], ['Agent', agent]]);
      let m = queue.members.find((x) => x.iface === `PJSIP/${ep}`);
      if (!m) {
        m = { iface: `PJSIP/${ep}`, name: `PJSIP/${ep}`, membership: 'dynamic', penalty: 0, callsTaken: 0, lastCall: 0, loginTime: Math.floor(Date.now() / 1000), inCall: 0, status: this.state.endpointContacts(ep).length > 0 ? 1 : 5, paused: 0 };
        queue.members.push(m);
      }
      m.paused = 0;
      this.memberStatus(queue.name, m.iface, m.status);
    }
    this.stats.agentChanges++;
  }

  private memberStatus(queueName: string, iface: string, status: number): void {
    const q = this.state.queues.get(queueName);
    const m = q?.members.find((x) => x.iface === iface);
    if (!q || !m) return;
    m.status = status;
    m.inCall = status === 2 || status === 6 ? 1 : 0;
    this.state.emitAmi('QueueMemberStatus', 'agent', [
      ['Queue', q.name], ['MemberName', m.name], ['Interface', m.iface], ['StateInterface', m.iface], ['Membership', m.membership],
      ['Penalty', String(m.penalty)], ['CallsTaken', String(m.callsTaken)], ['LastCall', String(m.lastCall)], ['LastPause', '0'],
      ['LoginTime', String(m.loginTime)], ['InCall', String(m.inCall)], ['Status', String(m.status)], ['Paused', String(m.paused)],
      ['PausedReason', ''], ['Ringinuse', '1'], ['Wrapuptime', '0'],
    ]);
  }

  private finish(c: Call): void {
    this.calls = this.calls.filter((x) => x !== c);
    const disposition = c.phase === 'up' ? 'ANSWERED' : 'NO ANSWER';
    if (c.b) this.state.hangup(c.b, c.phase === 'up' ? 16 : 19);
    this.state.hangup(c.a, c.phase === 'up' ? 16 : 19, { destination: c.dest, destChannel: c.b?.name, disposition });
    if (c.queue) {
      const q = this.state.queues.get(c.queue);
      if (q) {
        q.calls = Math.max(0, q.calls - 1);
        if (c.phase === 'up') q.completed++;
        else q.abandoned++;
        this.state.emitAmi('QueueCallerLeave', 'agent', [...this.state.channelFields(c.a), ['Queue', q.name], ['Count', String(q.calls)], ['Position', '1']]);
        const iface = c.b ? c.b.name.replace(/-[0-9a-f]+$/, '') : undefined;
        const m = iface ? q.members.find((x) => x.iface === iface) : undefined;
        if (m) {
          if (c.phase === 'up') {
            m.callsTaken++;
            m.lastCall = Math.floor(Date.now() / 1000);
          }
          this.memberStatus(q.name, m.iface, 1);
        }
      }
    }
    this.stats.hangups++;
  }
}
