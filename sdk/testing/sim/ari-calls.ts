/**
 * ARI call control of the simulator: POST /channels (originate into a Stasis app or the
 * dialplan), answer, play, continue, hangup, bridges. Event order, fields, cause codes and
 * replies follow tests/fixtures/asterisk20/ari-call-*.txt (a real Asterisk 20 dialling a PJSIP
 * trunk). A test decides each callee's outcome with `SimulatedAsterisk.callees`.
 */
import crypto from 'node:crypto';
import type { PbxState, SimChannel } from './state.ts';
import { AriBridges } from './ari-bridges.ts';

/** What an originate dials, as the test's `callees` hook sees it. */
export interface SimDial {
  /** The dial string, e.g. `PJSIP/+442071234567@carrier-a`. */
  endpoint: string;
  tech: string;
  resource: string;
  channelId: string;
  app?: string;
  variables: Record<string, string>;
}

/**
 * How the callee answers: `answer` after `afterMs` (default 10; then hangs up itself after
 * `hangupAfterMs` when given), `busy` (17/486), `congestion` (34/503), `unallocated` (1/404)
 * after `afterMs`, or `no-answer` (rings until the originate's timeout: 19/480).
 */
export interface SimCalleeOutcome {
  outcome: 'answer' | 'busy' | 'congestion' | 'unallocated' | 'no-answer';
  afterMs?: number;
  hangupAfterMs?: number;
}

export interface AriCallHooks {
  callee(dial: SimDial): SimCalleeOutcome;
  /** Length of one media item of a play. */
  playbackMs(): number;
}

export type AriReply = { status: number; body: unknown; reason?: string };

export interface AriCall {
  ch: SimChannel;
  /** The app the channel is subscribed to (it stays subscribed after leaving Stasis). */
  app?: string;
  args: string[];
  inStasis: boolean;
  pjsip: boolean;
  dialstring: string;
  timers: Set<NodeJS.Timeout>;
  variables: Record<string, string>;
}


const FAIL = { busy: [17, 'User busy', 486, 'BUSY'], congestion: [34, 'Circuit/channel congestion', 503, 'CONGESTION'], unallocated: [1, 'Unallocated (unassigned) number', 404, 'NOANSWER'] } as const;
const REASONS: Record<string, [number, string, number?]> = {
  normal: [16, 'Normal Clearing'], busy: [17, 'User busy', 486], congestion: [34, 'Circuit/channel congestion'], no_answer: [19, 'User alerting, no answer'],
  timeout: [19, 'User alerting, no answer'], rejected: [21, 'Call Rejected'], unallocated: [1, 'Unallocated (unassigned) number'],
  normal_unspecified: [31, 'Normal, unspecified'], answered_elsewhere: [26, 'Answered elsewhere'],
};
export const msg = (status: number, message: string, reason?: string): AriReply => ({ status, body: { message }, reason });

export class AriCalls {
  private calls = new Map<string, AriCall>();
  private readonly bridges: AriBridges;

  constructor(private readonly s: PbxState, private readonly hooks: AriCallHooks) {
    this.bridges = new AriBridges(s, { call: (id) => this.calls.get(id), emit: (c, e) => this.emit(c, e), channel: (c) => this.channel(c) });
  }

  stop(): void {
    for (const c of this.calls.values()) for (const t of c.timers) clearTimeout(t);
    this.calls.clear();
    this.bridges.stop();
  }

  /** The reply to a call-control request, or undefined for ari-server.ts's own routes. */
  route(seg: string[], method: string, q: URLSearchParams, body: Record<string, unknown> | undefined): AriReply | undefined {
    const [a, id, op] = seg;
    if (a === 'channels') {
      if (seg.length === 1 && method === 'POST') return this.originate(q, body);
      if (seg.length === 2 && method === 'DELETE' && this.calls.has(id!)) return this.hangup(id!, q);
      if (seg.length === 3 && method === 'GET' && op === 'variable') return this.variable(id!, q.get('variable'));
      if (seg.length === 3 && method === 'POST') {
        if (op === 'answer') return this.answer(id!);
        if (op === 'play') return this.play(id!, q);
        if (op === 'continue') return this.continueIn(id!, q);
      }
    }
    return a === 'bridges' ? this.bridges.route(seg, method, q) : undefined;
  }

  channel(c: AriCall): Record<string, unknown> {
    return this.s.ariChannel(c.ch);
  }

  emit(c: AriCall, e: Record<string, unknown>): void {
    if (c.app) this.s.emitAri({ ...e, application: c.app });
  }

  private later(c: AriCall, ms: number, fn: () => void): void {
    const t = setTimeout(() => { c.timers.delete(t); if (this.calls.has(c.ch.uniqueid)) fn(); }, ms);
    c.timers.add(t);
  }

  private dialEvent(c: AriCall, dialstatus: string): void {
    this.emit(c, { type: 'Dial', dialstatus, forward: '', dialstring: c.dialstring, peer: this.channel(c) });
  }

  /** POST /channels */
  originate(q: URLSearchParams, body: Record<string, unknown> | undefined): AriReply {
    const endpoint = q.get('endpoint') ?? '';
    if (!endpoint) return msg(400, 'Endpoint must be specified');
    const app = q.get('app') ?? undefined;
    const context = q.get('context') ?? undefined;
    const extension = q.get('extension') ?? undefined;
    if (!app && !extension) return msg(400, 'Application or extension must be specified');
    const channelId = q.get('channelId') || `${Math.floor(Date.now() / 1000)}.${crypto.randomInt(1e6)}`;
    if (this.calls.has(channelId) || [...this.s.channels.values()].some((x) => x.uniqueid === channelId)) return msg(409, 'Channel with given unique ID already exists');
    const slash = endpoint.indexOf('/');
    const tech = slash > 0 ? endpoint.slice(0, slash) : '';
    const resource = slash > 0 ? endpoint.slice(slash + 1) : '';
    const pjsipName = tech.toLowerCase() === 'pjsip' ? (resource.includes('@') ? resource.slice(resource.lastIndexOf('@') + 1) : resource.split('/')[0] ?? '') : '';
    const ep = pjsipName ? this.s.pjsip.get('endpoint', pjsipName) : undefined;
    const local = tech.toLowerCase() === 'local' && /^[^@/]+@[^@/]+/.test(resource);
    if (!ep && !local) return { status: 500, body: { error: 'Allocation failed' } };
    const variables = Object.fromEntries(Object.entries((body?.variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const cid = /^\s*(?:"([^"]*)"\s*)?<?([^<>]*?)>?\s*$/.exec(q.get('callerId') ?? '');
    const [lexten = 's', lcontext = 'default'] = resource.split('/')[0]!.split('@');
    const ch = this.s.newChannel({
      name: ep ? `PJSIP/${pjsipName}-${this.s.newChannelSuffix()}` : `Local/${resource}-${this.s.newChannelSuffix()};1`,
      uniqueid: channelId, callerIdNum: cid?.[2] ?? '', callerIdName: variables['CALLERID(name)'] ?? cid?.[1] ?? '',
      context: ep ? (ep.options.context ?? 'default') : lcontext, exten: ep ? 's' : lexten,
    });
    ch.connectedNum = ch.callerIdNum;
    ch.connectedName = ch.callerIdName;
    ch.app = 'AppDial2';
    ch.appData = '(Outgoing Line)';
    if (ep) ch.protocolId = crypto.randomUUID();
    const c: AriCall = { ch, app, args: [], inStasis: false, pjsip: !!ep, dialstring: resource, timers: new Set(), variables };
    const argText = q.get('appArgs');
    if (argText) c.args = argText.split(',');
    this.calls.set(channelId, c);
    const reply = this.channel(c);
    const timeout = Number(q.get('timeout') ?? 30);
    const outcome = this.hooks.callee({ endpoint, tech, resource, channelId, app, variables });
    const fail = outcome.outcome === 'answer' || outcome.outcome === 'no-answer' ? undefined : FAIL[outcome.outcome];
    setImmediate(() => {
      if (!this.calls.has(channelId)) return;
      this.dialEvent(c, '');
      if (outcome.outcome === 'no-answer') {
        if (timeout > 0) this.later(c, timeout * 1000, () => this.destroy(c, 19, 'User alerting, no answer', c.pjsip ? 480 : undefined));
        return;
      }
      this.later(c, outcome.afterMs ?? 10, () => {
        if (!fail) this.answered(c, outcome, context && extension ? { context, extension, priority: Number(q.get('priority') ?? 1) } : undefined);
        else {
          const [cause, txt, tech, dialstatus] = fail;
          const techCause = c.pjsip ? { tech_cause: tech } : {};
          this.emit(c, { type: 'ChannelHangupRequest', cause, ...techCause, channel: this.channel(c) });
          this.dialEvent(c, dialstatus);
          this.destroy(c, cause, txt, c.pjsip ? tech : undefined);
        }
      });
    });
    return { status: 200, body: reply };
  }

  private answered(c: AriCall, o: SimCalleeOutcome, dialplan?: { context: string; extension: string; priority: number }): void {
    this.s.setChannelState(c.ch, 6);
    this.emit(c, { type: 'ChannelStateChange', channel: this.channel(c) });
    this.dialEvent(c, 'ANSWER');
    if (o.hangupAfterMs !== undefined) {
      this.later(c, o.hangupAfterMs, () => {
        this.emit(c, { type: 'ChannelHangupRequest', cause: 16, channel: this.channel(c) });
        this.end(c, 16, 'Normal Clearing');
      });
    }
    if (!c.app) {
      if (dialplan) this.toDialplan(c, dialplan);
      return;
    }
    // An app without a WebSocket: Stasis() fails and the channel goes, unheard.
    if (!this.s.ariApps.has(c.app)) {
      c.app = undefined;
      this.destroy(c, 16, 'Normal Clearing');
      return;
    }
    c.ch.app = 'Stasis';
    c.ch.appData = [c.app, ...c.args].join(',');
    c.inStasis = true;
    this.emit(c, { type: 'ChannelVarset', variable: 'STASISSTATUS', value: '', channel: this.channel(c) });
    this.emit(c, { type: 'StasisStart', args: c.args, channel: this.channel(c) });
  }

  /** Leaves Stasis (if in it), then ChannelDestroyed. */
  private end(c: AriCall, cause: number, txt: string, techCause?: number): void {
    if (c.ch.bridgeId) this.bridges.leave(c);
    if (c.inStasis) {
      c.inStasis = false;
      this.emit(c, { type: 'StasisEnd', channel: this.channel(c) });
      this.emit(c, { type: 'ChannelVarset', variable: 'STASISSTATUS', value: 'SUCCESS', channel: this.channel(c) });
    }
    this.destroy(c, cause, txt, techCause);
  }

  private destroy(c: AriCall, cause: number, txt: string, techCause?: number): void {
    for (const t of c.timers) clearTimeout(t);
    this.calls.delete(c.ch.uniqueid);
    c.ch.app = 'AppDial2';
    c.ch.appData = '(Outgoing Line)';
    this.emit(c, { type: 'ChannelDestroyed', cause, cause_txt: txt, ...(techCause ? { tech_cause: techCause } : {}), channel: this.channel(c) });
    this.s.hangup(c.ch, cause);
  }

  private inStasis(id: string): AriCall | AriReply {
    const c = this.calls.get(id);
    if (c?.inStasis) return c;
    if (c || [...this.s.channels.values()].some((x) => x.uniqueid === id)) return msg(409, 'Channel not in Stasis application');
    return msg(404, 'Channel not found');
  }

  /** POST /channels/{id}/answer */
  answer(id: string): AriReply {
    const c = this.inStasis(id);
    if (!('ch' in c)) return c;
    if (c.ch.state !== 6) {
      this.s.setChannelState(c.ch, 6);
      this.emit(c, { type: 'ChannelStateChange', channel: this.channel(c) });
    }
    return { status: 204, body: undefined };
  }

  /** POST /channels/{id}/play */
  play(id: string, q: URLSearchParams): AriReply {
    const c = this.inStasis(id);
    if (!('ch' in c)) return c;
    const media = q.getAll('media').flatMap((m) => m.split(',')).filter(Boolean);
    if (media.length === 0) return msg(500, 'Failed to queue media for playback');
    const pb = { id: q.get('playbackId') || crypto.randomUUID(), target_uri: `channel:${id}`, language: q.get('lang') || 'en' };
    const view = (i: number, state: string) => ({ id: pb.id, media_uri: media[i], ...(media[i + 1] ? { next_media_uri: media[i + 1] } : {}), target_uri: pb.target_uri, language: pb.language, state });
    const step = (i: number) => {
      this.emit(c, { type: 'PlaybackStarted', playback: view(i, 'playing') });
      this.later(c, this.hooks.playbackMs(), () => {
        if (i + 1 < media.length) {
          this.emit(c, { type: 'PlaybackContinuing', playback: view(i, 'continuing') });
          step(i + 1);
        } else this.emit(c, { type: 'PlaybackFinished', playback: view(i, 'done') });
      });
    };
    setImmediate(() => { if (this.calls.has(id)) step(0); });
    return { status: 201, body: view(0, 'queued') };
  }

  /** POST /channels/{id}/continue */
  continueIn(id: string, q: URLSearchParams): AriReply {
    const c = this.inStasis(id);
    if (!('ch' in c)) return c;
    if (c.ch.bridgeId) this.bridges.leave(c);
    c.inStasis = false;
    this.emit(c, { type: 'StasisEnd', channel: this.channel(c) });
    this.toDialplan(c, { context: q.get('context') || c.ch.context, extension: q.get('extension') || c.ch.exten, priority: Number(q.get('priority') || 1) });
    return { status: 204, body: undefined };
  }

  /**
   * The channel runs the simulated dialplan there: NoOp, Answer, Set, Verbose go on, Wait(n)
   * waits, Hangup (or the end of the extension) hangs up with 16; any other application (Queue,
   * Dial …) keeps the channel there until it is hung up. A missing place: cause 0 at once (recorded).
   */
  private toDialplan(c: AriCall, to: { context: string; extension: string; priority: number }): void {
    const found = this.s.dialplan.find(to.context, to.extension, { priority: to.priority });
    if (!found) {
      if (to.priority > 1) { this.hangupInDialplan(c); return; }
      this.emit(c, { type: 'ChannelVarset', variable: 'STASISSTATUS', value: 'SUCCESS', channel: this.channel(c) });
      c.ch.app = 'AppDial2';
      c.ch.appData = '(Outgoing Line)';
      this.emit(c, { type: 'ChannelDialplan', dialplan_app: 'AppDial2', dialplan_app_data: '(Outgoing Line)', channel: this.channel(c) });
      this.destroy(c, 0, 'Unknown');
      return;
    }
    const { app, data, priority } = found.priority;
    Object.assign(c.ch, { context: to.context, exten: to.extension, priority, app, appData: data });
    this.emit(c, { type: 'ChannelDialplan', dialplan_app: app, dialplan_app_data: data, channel: this.channel(c) });
    const next = () => this.toDialplan(c, { ...to, priority: priority + 1 });
    const name = app.toLowerCase();
    if (name === 'hangup') this.hangupInDialplan(c);
    else if (name === 'wait') this.later(c, Number.parseFloat(data || '0') * 1000, next);
    else if (['noop', 'answer', 'set', 'verbose'].includes(name)) next();
  }

  private hangupInDialplan(c: AriCall): void {
    this.emit(c, { type: 'ChannelVarset', variable: 'STASISSTATUS', value: 'SUCCESS', channel: this.channel(c) });
    this.destroy(c, 16, 'Normal Clearing');
  }

  /** DELETE /channels/{id} of a channel this module placed. */
  hangup(id: string, q: URLSearchParams): AriReply {
    const c = this.calls.get(id);
    if (!c) return msg(404, 'Channel not found');
    const reason = q.get('reason');
    if (reason !== null && !REASONS[reason]) return msg(400, 'Invalid reason for hangup reason provided', 'Invalid Reason');
    const code = q.get('reason_code');
    if (code !== null && !/^[0-9]+$/.test(code)) return msg(400, 'Invalid reason for hangup reason code provided', 'Invalid Reason Code');
    const [cause, txt, tech] = REASONS[reason ?? 'normal']!;
    this.emit(c, { type: 'ChannelHangupRequest', cause: 32, soft: true, channel: this.channel(c) });
    if (c.ch.state !== 6) {
      this.dialEvent(c, 'NOANSWER');
      this.destroy(c, 16, 'Normal Clearing');
    } else this.end(c, cause, txt, c.pjsip ? tech : undefined);
    return { status: 204, body: undefined };
  }

  /** GET /channels/{id}/variable */
  variable(id: string, name: string | null): AriReply | undefined {
    const c = this.calls.get(id);
    if (!c) return undefined;
    if (!name) return msg(400, 'Variable name is required');
    const v = c.variables[name];
    return v === undefined ? msg(404, 'Provided variable was not found') : { status: 200, body: { value: v } };
  }

  /** DTMF from the callee (a test's hook): ChannelDtmfReceived to the app. */
  dtmf(id: string, digit: string, durationMs = 100): void {
    const c = this.calls.get(id);
    if (c) this.emit(c, { type: 'ChannelDtmfReceived', digit, duration_ms: durationMs, channel: this.channel(c) });
  }
}
