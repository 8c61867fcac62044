/**
 * Runs a call through the simulator's dialplan as pbx.c `__ast_pbx_run` does (Asterisk 20):
 * the channel starts at `exten`,1 in its context; each priority is found like
 * pbx_find_extension (dialplan.ts `find`: exact, patterns by specificity, includes in order),
 * its data substituted (substitute.ts), split (app-args.ts) and run by the model in
 * dialplan-apps.ts. Priorities run out: autofallthrough hangs up. A missing extension goes to
 * `i` (INVALID_EXTEN set), digits after Background/WaitExten are matched as an extension, a
 * WaitExten without input goes to `t`; after a hangup the `h` extension runs. Applications that
 * block (Queue, Dial, VoiceMail, ConfBridge) end the run with the call still up: `hangup()`.
 * Time conditions use the simulator's clock (`sim.setClock`) in the server's zone.
 */
import type { PbxState, SimChannel } from './state.ts';
import type { ChannelData } from './substitute.ts';
import { applicationArgs } from './app-args.ts';
import { substitute } from './substitute.ts';
import { buildTiming, checkTiming } from './timing.ts';
import { runApp, type AppOutcome } from './dialplan-apps.ts';

export interface SimCallOptions {
  /** Start context; default the `from` endpoint's context (pjsip.conf `context`, else `default`). */
  context?: string;
  /** Where the call comes from: a phone (`endpoint`) or a carrier (`trunk`), both pjsip endpoints. */
  from?: { endpoint?: string; trunk?: string };
  exten: string;
  /** Caller ID; default the endpoint's `callerid` (or its name), none for a trunk. */
  callerId?: { num?: string; name?: string };
  /**
   * DTMF answers, in order, one per Background/WaitExten/Read: `'2'` or `'1234'` is what the
   * caller types there, `''` is no input (Background plays through, WaitExten/Read time out).
   */
  digits?: string[];
  /** Clock for this call (GotoIfTime, timed includes); default the simulator's clock. */
  at?: Date;
  /** Channel variables at start (e.g. `TESTTIME`). */
  vars?: Record<string, string>;
  /** What Dial gets when it would ring (DIALSTATUS; the dialplan continues). Default: the call rings and the run ends. */
  dialStatus?: 'ANSWER' | 'NOANSWER' | 'BUSY' | 'CONGESTION' | 'CHANUNAVAIL';
}

export interface SimCallStep {
  context: string;
  exten: string;
  priority: number;
  label?: string;
  app: string;
  /** The arguments as the application sees them (after substitution and splitting). */
  args: string[];
}

export type SimCallEnd = 'hangup' | 'fallthrough' | 'invalid' | 'timeout' | 'notfound' | 'loop' | 'queue' | 'dial' | 'voicemail' | 'voicemailmain' | 'confbridge';

export interface SimCallResult {
  /** The queue joined (ended 'queue') and the caller's position. */
  queue?: string;
  position?: number;
  /** The dial string (ended 'dial'). */
  dial?: string;
  /** `mailbox@context` (ended 'voicemail'/'voicemailmain'). */
  mailbox?: string;
  conference?: string;
  /** Progress() ran: early media before (or instead of) an answer. */
  progress?: boolean;
  /** The account code Set(CHANNEL(accountcode)=…) gave the channel. */
  accountCode?: string;
  /** Hangup cause (ended 'hangup'). */
  cause?: number;
}

export interface SimCallTrace {
  steps: SimCallStep[];
  ended: SimCallEnd;
  result: SimCallResult;
  /** Sound files played by Playback/Background/Read, in order. */
  played: string[];
  /** Channel variables at the end. */
  vars: Record<string, string>;
  /** The caller's channel (none when chan_pjsip refused the call: 'notfound'). */
  channel?: SimChannel;
  /** Hang up a call that ended in an application that was still running (queue, dial…). */
  hangup(): void;
  /** The far server's trace when a Dial went over IAX2 to another simulator (roaming). */
  remote?: SimCallTrace;
}

/** What an application model sees of the running call. */
export interface RunningCall {
  readonly state: PbxState;
  readonly chan: SimChannel;
  readonly data: ChannelData & { vars: Record<string, string>; callerId: { num?: string; name?: string } };
  readonly opts: SimCallOptions;
  readonly played: string[];
  readonly result: SimCallResult;
  /** Hang-ups to run when the test ends the call. */
  readonly cleanup: Array<() => void>;
  /** The next DTMF answer; undefined when none is left (a timeout). */
  takeDigits(): string | undefined;
  answer(): void;
  now(): Date;
  /** The server's timezone. */
  readonly zone: string;
  /** Set by a Dial that went to another simulated server. */
  remote?: SimCallTrace;
}

export const MAX_STEPS = 500;

/** The context a call from `from` starts in: the endpoint's `context` (res_pjsip default `default`). */
function startContext(state: PbxState, o: SimCallOptions): string {
  if (o.context) return o.context;
  const ep = o.from?.trunk ?? o.from?.endpoint;
  if (!ep) return 'default';
  const e = state.pjsip.get('endpoint', ep);
  if (!e) throw new Error(`no pjsip endpoint ${ep}`);
  return e.options.context || 'default';
}

export function runCall(state: PbxState, o: SimCallOptions, clock: () => Date, zone: string): SimCallTrace {
  const context0 = startContext(state, o);
  const ep = o.from?.trunk ?? o.from?.endpoint;
  const cid = o.callerId ?? (o.from?.endpoint ? state.endpointCallerId(o.from.endpoint) ?? { num: o.from.endpoint, name: '' } : {});
  const at = () => o.at ?? clock();
  const timingTrue = (spec: string) => {
    const t = buildTiming(spec, state.log);
    return t !== undefined && checkTiming(t, at(), zone);
  };
  const exists = (ctx: string, exten: string) => state.dialplan.find(ctx, exten, { priority: 1 }, timingTrue) !== undefined;
  const steps: SimCallStep[] = [];
  const played: string[] = [];
  const result: SimCallResult = {};
  // chan_pjsip answers an INVITE for an unknown extension with 404, a Local channel is refused
  // ("No such extension/context"): no channel at all.
  if (!exists(context0, o.exten)) {
    return { steps, ended: 'notfound', result, played, vars: {}, hangup: () => {} };
  }
  const name = ep ? `PJSIP/${ep}-${state.newChannelSuffix()}` : `Local/${o.exten}@${context0}-${state.newChannelSuffix()};2`;
  const chan = state.newChannel({ name, endpoint: ep, callerIdNum: cid.num, callerIdName: cid.name, context: context0, exten: o.exten, state: 4 });
  const db = Object.fromEntries([...state.db].map(([k, v]) => [k.replace(/^\//, ''), v]));
  const digits = [...(o.digits ?? [])];
  const cleanup: Array<() => void> = [];
  const call: RunningCall = {
    state, chan, opts: o, played, result, cleanup, zone,
    data: { exten: o.exten, context: context0, callerId: { num: cid.num, name: cid.name }, vars: { ...o.vars }, db, dbDeleted: (k) => { state.db.delete(`/${k}`); }, endpoint: ep, now: at },
    takeDigits: () => digits.shift(),
    answer: () => { if (chan.state !== 6) state.setChannelState(chan, 6); },
    now: at,
  };
  let ctx = context0;
  let exten = o.exten;
  let prio = 1;
  /** Gosub frames (app_stack.c): where Return goes, and the ARGn values the frame hid. */
  const stack: { ctx: string; exten: string; prio: number; saved: Record<string, string | undefined> }[] = [];
  const dundi = new Map<string, string[]>();
  call.data.functions = {
    // func DUNDIQUERY(number[,context[,options]]): an id for DUNDIRESULT; the answers sorted by weight.
    DUNDIQUERY: (args) => {
      const [number = '', context = 'e164'] = applicationArgs('DUNDIQUERY', args);
      const id = String(state.roaming.nextQueryId());
      const answers = state.node && state.loadedModules.has('pbx_dundi.so') ? state.roaming.lookup(state.node, number, context) : [];
      dundi.set(id, answers.map((a) => `${a.tech}/${a.dest}`));
      return id;
    },
    DUNDIRESULT: (args) => {
      const [id = '', which = '1'] = applicationArgs('DUNDIRESULT', args);
      const answers = dundi.get(id) ?? [];
      return which === 'getnum' ? String(answers.length) : answers[Number(which) - 1] ?? '';
    },
  };
  const goTo = (c: string, e: string, p: number) => { ctx = c; exten = e; prio = p; };
  /** An extension that does not exist: `i` (INVALID_EXTEN), else the channel hangs up. */
  const invalid = (bad: string): SimCallEnd | undefined => {
    if (!exists(ctx, 'i')) return 'invalid';
    call.data.vars.INVALID_EXTEN = bad;
    goTo(ctx, 'i', 1);
    return undefined;
  };
  /** The pbx loop from the current place until the call ends (or blocks in an application). */
  const execute = (): { end: SimCallEnd; blocking?: boolean } => {
    for (;;) {
      if (steps.length >= MAX_STEPS) return { end: 'loop' };
      const found = state.dialplan.find(ctx, exten, { priority: prio }, timingTrue);
      if (!found) {
        if (exists(ctx, exten)) return { end: 'fallthrough' }; // autofallthrough
        const e = invalid(exten);
        if (e) return { end: e };
        continue;
      }
      const p = found.priority;
      Object.assign(chan, { context: ctx, exten, priority: prio, app: p.app });
      Object.assign(call.data, { exten, context: ctx });
      const appData = substitute(p.data, call.data);
      chan.appData = appData;
      state.emitAmi('Newexten', 'dialplan', [...state.channelFields(chan), ['Extension', exten], ['Application', p.app], ['AppData', appData]]);
      steps.push({ context: ctx, exten, priority: prio, ...(p.label ? { label: p.label } : {}), app: p.app, args: applicationArgs(p.app, appData) });
      const out: AppOutcome = runApp(call, p.app, appData);
      if (out.kind === 'next') prio++;
      else if (out.kind === 'goto') {
        const t = parseGoto(out.target, ctx, exten);
        const n = /^\d+$/.test(t.priority) ? Number(t.priority) : state.dialplan.find(t.context, t.exten, { label: t.priority }, timingTrue)?.priority.priority;
        if (n === undefined) return { end: 'hangup' }; // "Priority '…' must be a number > 0, or valid label"
        goTo(t.context, t.exten, n);
      } else if (out.kind === 'digits') {
        // __ast_pbx_run: digits typed during Background/WaitExten are an extension of the context.
        const c = out.context ?? ctx;
        if (exists(c, out.digits)) goTo(c, out.digits, 1);
        else {
          ctx = c;
          const e = invalid(out.digits);
          if (e) return { end: e };
        }
      } else if (out.kind === 'gosub') {
        const t = parseGoto(out.target, ctx, exten);
        const n = /^\d+$/.test(t.priority) ? Number(t.priority) : state.dialplan.find(t.context, t.exten, { label: t.priority }, timingTrue)?.priority.priority;
        // "Attempt to reach a non-existent destination for Gosub": the application fails.
        if (n === undefined || !state.dialplan.find(t.context, t.exten, { priority: n }, timingTrue)) return { end: 'hangup' };
        const vars = call.data.vars;
        const names = ['ARGC', ...Array.from({ length: Math.max(out.args.length, Number(vars.ARGC ?? 0)) }, (_, i) => `ARG${i + 1}`)];
        stack.push({ ctx, exten, prio: prio + 1, saved: Object.fromEntries(names.map((v) => [v, vars[v]])) });
        for (const v of names) delete vars[v];
        out.args.forEach((a, i) => { vars[`ARG${i + 1}`] = a; });
        vars.ARGC = String(out.args.length);
        goTo(t.context, t.exten, n);
      } else if (out.kind === 'return') {
        const frame = stack.pop();
        if (!frame) return { end: 'hangup' }; // "Return without Gosub: stack is empty"
        const vars = call.data.vars;
        for (const [v, value] of Object.entries(frame.saved)) { if (value === undefined) delete vars[v]; else vars[v] = value; }
        vars.GOSUB_RETVAL = out.value;
        goTo(frame.ctx, frame.exten, frame.prio);
      } else if (out.kind === 'timeout') {
        if (!exists(ctx, 't')) return { end: 'timeout' }; // "Timeout but no rule 't' or 'e' in context"
        goTo(ctx, 't', 1);
      } else return { end: out.end, blocking: out.blocking };
    }
  };
  const { end, blocking } = execute();
  // ast_pbx_h_exten_run: after the call ends, `h` of the channel's context runs once.
  if (!blocking && exists(ctx, 'h')) {
    goTo(ctx, 'h', 1);
    execute();
  }
  const hangupNow = () => {
    for (const f of cleanup.splice(0)) f();
    state.hangup(chan, result.cause ?? 16, { destination: o.exten });
  };
  if (!blocking) hangupNow();
  return { steps, ended: end, result, played, vars: { ...call.data.vars }, channel: chan, hangup: blocking ? hangupNow : () => {}, ...(call.remote ? { remote: call.remote } : {}) };
}

/** pbx_parseable_goto: `[[context,]exten,]priority` (an empty context or exten keeps the current one). */
export function parseGoto(target: string, ctx: string, exten: string): { context: string; exten: string; priority: string } {
  const parts = target.split(',');
  if (parts.length === 1) return { context: ctx, exten, priority: parts[0]!.trim() };
  if (parts.length === 2) return { context: ctx, exten: parts[0]!.trim() || exten, priority: parts[1]!.trim() };
  return { context: parts[0]!.trim() || ctx, exten: parts[1]!.trim() || exten, priority: parts[2]!.trim() };
}
