/**
 * The applications the dialplan runner (dialplan-runner.ts) models, each as Asterisk 20.20.1
 * runs it (main/pbx_builtins.c, apps/app_exec.c, apps/app_playback.c, apps/app_read.c,
 * apps/app_queue.c, apps/app_dial.c). An application without a model throws: a test must not
 * pass over what it does not understand. What is not modelled is in DIFFERENCES.md.
 */
import type { RunningCall, SimCallEnd } from './dialplan-runner.ts';
import { applicationArgs } from './app-args.ts';
import { buildTiming, checkTiming } from './timing.ts';
import { EMPTY } from './queues-config.ts';
import { joinQueue, leaveQueue, ringMember } from './call-generator.ts';
import type { SimQueue } from './queues.ts';
import { setFunction, userEvent, vmAuthenticate } from './dialplan-apps-hotdesk.ts';

export type AppOutcome =
  | { kind: 'next' }
  | { kind: 'goto'; target: string }
  /** Digits typed during Background/WaitExten, to match as an extension (of `context`, else the current one). */
  | { kind: 'digits'; digits: string; context?: string }
  | { kind: 'timeout' }
  /** Gosub: push a frame, set ARG1…ARGn (app_stack.c), go to `target` (`[[context,]exten,]priority`). */
  | { kind: 'gosub'; target: string; args: string[] }
  | { kind: 'return'; value: string }
  /** The call ends; `blocking`: the application is still running (the call stays up). */
  | { kind: 'end'; end: SimCallEnd; blocking?: boolean };

/** pbx_checkcondition: an integer is true when not 0, any other non-empty text is true. */
export function checkCondition(cond: string): boolean {
  const m = /^\s*([+-]?\d+)/.exec(cond);
  if (m) return Number(m[1]) !== 0;
  return cond.trim() !== '';
}

const NEXT: AppOutcome = { kind: 'next' };
/** An application returning -1: the channel hangs up. */
const FAIL: AppOutcome = { kind: 'end', end: 'hangup' };

function setVar(call: RunningCall, name: string, value: string): void {
  const vars = call.data.vars;
  const key = Object.keys(vars).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
  vars[key] = value;
}

/** Playback/Background/Read answer the channel unless told not to (or to skip when it is not up). */
function answerUnless(call: RunningCall, noanswer: boolean): void {
  if (!noanswer) call.answer();
}

function play(call: RunningCall, files: string): void {
  call.played.push(...files.split('&').filter((f) => f !== ''));
}

/** Set(name=value): a variable (`_`/`__` inheritance prefixes dropped) or CALLERID(name|num) written. */
function set(call: RunningCall, data: string): AppOutcome {
  if (!data.includes('=')) return NEXT; // "Set requires an '=' to be a valid assignment"
  const [name, value] = applicationArgs('Set', data) as [string, string];
  const fn = /^([A-Za-z_]+)\((.*)\)$/.exec(name);
  if (!fn) {
    setVar(call, name.replace(/^_{1,2}/, ''), value);
    return NEXT;
  }
  const hotdesk = setFunction(call, fn[1]!, fn[2]!, value);
  if (hotdesk) return hotdesk;
  const field = fn[2]!.trim().toLowerCase();
  if (fn[1]!.toUpperCase() !== 'CALLERID' || !['name', 'num', 'number'].includes(field)) throw new Error(`Set(${name}=…): writing ${fn[1]} has no model in dialplan-apps.ts`);
  if (field === 'name') { call.data.callerId.name = value; call.chan.callerIdName = value; } else { call.data.callerId.num = value; call.chan.callerIdNum = value; }
  return NEXT;
}

/** GotoIfTime: TESTTIME (epoch seconds) replaces the clock, as pbx_builtin_gotoiftime reads it. */
function gotoIfTime(call: RunningCall, data: string): AppOutcome {
  if (!data) return FAIL;
  const [spec, b1, b2] = applicationArgs('GotoIfTime', data) as [string, string, string];
  let at = call.now();
  const testTime = Object.entries(call.data.vars).find(([k]) => k.toUpperCase() === 'TESTTIME');
  if (testTime) {
    const m = /^\s*([+-]?\d+)/.exec(testTime[1]);
    if (m) at = new Date(Number(m[1]) * 1000);
    else delete call.data.vars[testTime[0]]; // "Using current time to evaluate"
  }
  const t = buildTiming(spec, call.state.log);
  const branch = t && checkTiming(t, at, call.zone) ? b1 : b2;
  return branch ? { kind: 'goto', target: branch } : NEXT;
}

/** get_member_status: is no member available under the queue's joinempty conditions? */
function queueEmpty(q: SimQueue, conditions: number): boolean {
  return !q.members.some((m) => {
    const excluded = (m.status === 4 && conditions & EMPTY.invalid) || (m.status === 5 && conditions & EMPTY.unavailable)
      || (m.status === 2 && conditions & EMPTY.inuse) || (m.status === 6 && conditions & EMPTY.ringing)
      || (m.status === 0 && conditions & EMPTY.unknown) || (m.paused && conditions & EMPTY.paused);
    return !excluded;
  });
}

function queue(call: RunningCall, args: string[]): AppOutcome {
  const { state, chan } = call;
  const q = state.queues.get(args[0] ?? '');
  // join_queue fails: QUEUESTATUS set, the dialplan goes on.
  const status = !q ? 'UNKNOWN' : q.params.joinempty && queueEmpty(q, q.params.joinempty) ? 'JOINEMPTY' : q.params.maxlen && q.entries.length >= q.params.maxlen ? 'FULL' : undefined;
  if (!q || status) {
    setVar(call, 'QUEUESTATUS', status ?? 'UNKNOWN');
    return NEXT;
  }
  call.result.queue = q.name;
  call.result.position = joinQueue(state, q, chan);
  const ready = state.queues.orderedMembers(q).filter((m) => m.status === 1 && !m.paused);
  for (const m of q.params.strategy === 'ringall' ? ready : ready.slice(0, 1)) {
    const b = ringMember(state, q, chan, m);
    call.cleanup.push(() => state.hangup(b, 19));
  }
  call.cleanup.unshift(() => { leaveQueue(state, q, chan); });
  return { kind: 'end', end: 'queue', blocking: true };
}

/** Dial: PJSIP peers with a contact ring (DialBegin); none reachable: CHANUNAVAIL and the dialplan goes on. */
function dial(call: RunningCall, args: string[]): AppOutcome {
  const { state, chan } = call;
  const peers = (args[0] ?? '').split('&').filter(Boolean);
  if (peers.length === 0) return FAIL; // "Dial requires an argument"
  call.result.dial = args[0];
  const iax = /^IAX2\/([^/]+)\/(.+)$/i.exec(args[0] ?? '');
  if (iax && peers.length === 1) return dialIax(call, iax[1]!, iax[2]!);
  if (call.opts.dialStatus && call.opts.dialStatus !== 'ANSWER') {
    setVar(call, 'DIALSTATUS', call.opts.dialStatus);
    return NEXT;
  }
  const pjsip = peers.map((p) => /^PJSIP\/([^/]+)$/i.exec(p)?.[1]);
  const reachable = pjsip.filter((ep): ep is string => ep !== undefined && state.pjsip.get('endpoint', ep) !== undefined && state.endpointContacts(ep).length > 0);
  if (pjsip.every((ep) => ep !== undefined) && reachable.length === 0) {
    setVar(call, 'DIALSTATUS', 'CHANUNAVAIL');
    return NEXT;
  }
  for (const ep of reachable) {
    const b = state.newChannel({ name: `PJSIP/${ep}-${state.newChannelSuffix()}`, endpoint: ep, callerIdNum: ep, exten: ep, linkedid: chan.uniqueid, state: 5 });
    state.emitAmi('DialBegin', 'call', [...state.channelFields(chan), ...state.channelFields(b, 'Dest'), ['DialString', ep]]);
    call.cleanup.push(() => state.hangup(b, 19));
  }
  return { kind: 'end', end: 'dial', blocking: true };
}

/** AddQueueMember/RemoveQueueMember: the interface defaults to the channel's name without its `-suffix`. */
function channelInterface(call: RunningCall, iface: string | undefined): string {
  if (iface) return iface;
  const n = call.chan.name;
  return n.includes('-') ? n.slice(0, n.lastIndexOf('-')) : n;
}

function queueMember(call: RunningCall, app: string, args: string[]): AppOutcome {
  const queues = call.state.queues;
  const [qname = '', ifaceArg] = args;
  if (app === 'addqueuemember' || app === 'removequeuemember') {
    const iface = channelInterface(call, ifaceArg);
    if (app === 'removequeuemember') {
      const r = queues.remove(qname, iface);
      setVar(call, 'RQMSTATUS', { ok: 'REMOVED', exists: 'NOTINQUEUE', nosuchqueue: 'NOSUCHQUEUE', notdynamic: 'NOTDYNAMIC' }[r]);
      return NEXT;
    }
    const penalty = /^\s*\d+/.test(args[2] ?? '') ? parseInt(args[2]!, 10) : 0; // an invalid penalty is 0
    const r = queues.add(qname, iface, { penalty, membername: args[4], stateInterface: args[5], wrapuptime: Math.max(0, parseInt(args[6] ?? '', 10) || 0) });
    setVar(call, 'AQMSTATUS', { ok: 'ADDED', exists: 'MEMBERALREADY', nosuchqueue: 'NOSUCHQUEUE' }[r]);
    return NEXT;
  }
  if (!ifaceArg) return FAIL; // "Missing interface argument to PauseQueueMember"
  const paused = app === 'pausequeuemember';
  const found = queues.pause(qname, ifaceArg, args[3] ?? '', paused);
  setVar(call, paused ? 'PQMSTATUS' : 'UPQMSTATUS', found ? (paused ? 'PAUSED' : 'UNPAUSED') : 'NOTFOUND');
  return NEXT;
}

/** Run one application with its substituted data. */
export function runApp(call: RunningCall, app: string, data: string): AppOutcome {
  const name = app.toLowerCase();
  if (name === 'set') return set(call, data);
  if (name === 'gotoiftime') return gotoIfTime(call, data);
  if (name === 'gosub') return gosub(data);
  if (name === 'gosubif') return gosubIf(data);
  if (name === 'return') return { kind: 'return', value: data };
  const args = applicationArgs(app, data);
  switch (name) {
    case 'noop':
      return NEXT;
    case 'answer':
      call.answer();
      return NEXT;
    case 'progress':
      // pbx_builtin_progress: indicates 183 early media; the channel is not answered (its state stays Ring).
      call.result.progress = true;
      return NEXT;
    case 'goto':
      return data ? { kind: 'goto', target: data } : FAIL;
    case 'gotoif': {
      const branch = checkCondition(args[0] ?? '') ? args[1] : args[2];
      return branch ? { kind: 'goto', target: branch } : NEXT;
    }
    case 'execif': {
      const pick = checkCondition(args[0] ?? '') ? args[1] : args[2];
      if (!pick) return NEXT;
      const open = pick.indexOf('(');
      const inner = open < 0 ? '' : pick.slice(open + 1, pick.lastIndexOf(')') > open ? pick.lastIndexOf(')') : undefined);
      return runApp(call, (open < 0 ? pick : pick.slice(0, open)).trim(), inner);
    }
    case 'playback': {
      const opts = args[1] ?? '';
      if (call.chan.state !== 6 && opts.includes('skip')) return NEXT;
      answerUnless(call, opts.includes('noanswer'));
      play(call, args[0] ?? '');
      setVar(call, 'PLAYBACKSTATUS', 'SUCCESS');
      return NEXT;
    }
    case 'background': {
      const opts = args[1] ?? '';
      if (call.chan.state !== 6 && opts.includes('s')) return NEXT;
      answerUnless(call, opts.includes('n'));
      play(call, args[0] ?? '');
      setVar(call, 'BACKGROUNDSTATUS', 'SUCCESS');
      const d = call.takeDigits();
      return d ? { kind: 'digits', digits: d, context: args[3] || undefined } : NEXT;
    }
    case 'waitexten': {
      const d = call.takeDigits();
      return d ? { kind: 'digits', digits: d } : { kind: 'timeout' };
    }
    case 'read': {
      const [variable = '', file = '', max = '', opts = ''] = args;
      if (call.chan.state !== 6 && opts.includes('s')) return NEXT;
      answerUnless(call, opts.includes('n'));
      if (!opts.includes('i')) play(call, file);
      let d = (call.takeDigits() ?? '').split('#')[0]!; // '#' ends the input and is not stored
      const maxDigits = parseInt(max, 10);
      if (maxDigits > 0) d = d.slice(0, maxDigits);
      setVar(call, variable, d);
      setVar(call, 'READSTATUS', d ? 'OK' : 'TIMEOUT');
      return NEXT;
    }
    case 'hangup': {
      const cause = (args[0] ?? '').trim();
      if (cause && !/^\d+$/.test(cause)) throw new Error(`Hangup(${cause}): cause names have no model in dialplan-apps.ts`);
      call.result.cause = cause ? Number(cause) : 16;
      return { kind: 'end', end: 'hangup' };
    }
    case 'queue':
      return queue(call, args);
    case 'dial':
      return dial(call, args);
    case 'voicemail':
    case 'voicemailmain':
      call.answer();
      call.result.mailbox = args[0];
      return { kind: 'end', end: name, blocking: true };
    case 'confbridge':
      call.answer();
      call.result.conference = args[0];
      return { kind: 'end', end: 'confbridge', blocking: true };
    case 'vmauthenticate': return vmAuthenticate(call, data);
    case 'userevent': return userEvent(call, data);
    case 'addqueuemember':
    case 'removequeuemember':
    case 'pausequeuemember':
    case 'unpausequeuemember':
      return queueMember(call, name, args);
    default:
      throw new Error(`application ${app} has no model in dialplan-apps.ts`);
  }
}

/** `label(args)` (app_stack.c): the label, then the arguments (app-args.ts). */
function gosub(data: string): AppOutcome {
  const [target = '', ...args] = applicationArgs('Gosub', data);
  return { kind: 'gosub', target: target.trim(), args };
}

/** `cond?labeliftrue(args):labeliffalse(args)`: no label for the branch taken is a no-op. */
function gosubIf(data: string): AppOutcome {
  if (!data.includes('?')) return FAIL; // "GosubIf requires an argument: GosubIf(cond?label1(args):label2(args)"
  const [cond = '', yes = '', no = ''] = applicationArgs('GosubIf', data);
  const pick = checkCondition(cond) ? yes : no;
  return pick.trim() ? gosub(pick) : NEXT;
}

/**
 * Dial(IAX2/<peer>/<number>) to another simulated server (roaming.ts): the far call's trace is
 * the caller's `remote`. It rings or is answered there: Dial blocks as for a phone; the far side
 * hangs up without answering: CONGESTION and the dialplan goes on (recorded: the roaming loop
 * takes the next answer).
 */
function dialIax(call: RunningCall, peer: string, num: string): AppOutcome {
  const node = call.state.node;
  const r = node ? call.state.roaming.dial(node, peer, num, call.data.callerId) : { status: 'CHANUNAVAIL' as const };
  if (!r.trace) {
    setVar(call, 'DIALSTATUS', r.status);
    return NEXT;
  }
  call.remote = r.trace;
  if (!isBlocking(r.trace)) {
    setVar(call, 'DIALSTATUS', 'CONGESTION');
    return NEXT;
  }
  call.cleanup.push(() => r.trace!.hangup());
  return { kind: 'end', end: 'dial', blocking: true };
}
const isBlocking = (t: { ended: SimCallEnd }) => ['dial', 'queue', 'voicemail', 'voicemailmain', 'confbridge'].includes(t.ended);
