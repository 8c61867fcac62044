/**
 * A call walked through the simulator's loaded dialplan as pbx.c runs it, on a clock the test
 * sets. The applications acm's dialplans branch with run (Goto, GotoIf, GotoIfTime, Set,
 * WaitExten); Answer, NoOp, Background and Playback pass; any other application ends the walk:
 * the call reached it (Dial, Queue, VoiceMail, Hangup…). An extension found through an
 * `include` runs with the channel still in the including context, as in Asterisk.
 */
import type { Dialplan, Extension } from './dialplan.ts';
import { patternMatches } from './dialplan.ts';
import { applicationArgs } from './app-args.ts';
import { substitute } from './substitute.ts';

export interface WalkOptions {
  /** The simulator's clock: GotoIfTime and `${EPOCH}` read it. */
  now: Date;
  /** What the caller dials at each WaitExten, in turn (`''` or none left: the wait times out). */
  digits?: string[];
  callerId?: { num?: string; name?: string };
  maxSteps?: number;
}

export interface WalkStep { context: string; exten: string; priority: number; app: string; data: string }

const PASS = new Set(['answer', 'noop', 'background', 'playback']);

/** The extension `exten` reaches from `context`: its own first (exact, then patterns), then its includes in order. */
export function findExtension(dp: Dialplan, context: string, exten: string, seen = new Set<string>()): Extension | undefined {
  if (seen.has(context)) return undefined;
  seen.add(context);
  const c = dp.contexts.get(context);
  if (!c) return undefined;
  const own = c.extensions.get(exten) ?? [...c.extensions.values()].find((e) => e.exten.startsWith('_') && patternMatches(e.exten.slice(1), exten));
  if (own) return own;
  for (const inc of c.includes) {
    const found = findExtension(dp, inc, exten, seen);
    if (found) return found;
  }
  return undefined;
}

/** The steps a call to `exten@context` takes, the last one the application it ended at (or the last it ran). */
export function walkCall(dp: Dialplan, context: string, exten: string, o: WalkOptions): WalkStep[] {
  const digits = [...(o.digits ?? [])];
  const vars: Record<string, string> = { EPOCH: String(Math.floor(o.now.getTime() / 1000)) };
  const callerId = { ...o.callerId };
  const steps: WalkStep[] = [];
  let at = { context, exten, priority: 1 as number | string };
  for (let n = 0; n < (o.maxSteps ?? 200); n++) {
    const ext = findExtension(dp, at.context, at.exten);
    const prio = ext?.priorities.find((p) => (typeof at.priority === 'number' ? p.priority === at.priority : p.label === at.priority));
    if (!ext || !prio) return steps;
    const data = substitute(prio.data, { exten: at.exten, context: at.context, callerId, vars });
    steps.push({ context: at.context, exten: at.exten, priority: prio.priority, app: prio.app, data });
    const app = prio.app.toLowerCase();
    const next = { ...at, priority: prio.priority + 1 };
    const goto = (target: string) => {
      const parts = applicationArgs('Goto', target);
      const [ctx, ex, p] = parts.length === 3 ? parts : parts.length === 2 ? [at.context, ...parts] : [at.context, at.exten, ...parts];
      return { context: ctx!, exten: ex!, priority: /^\d+$/.test(p!) ? Number(p) : p! };
    };
    if (PASS.has(app)) at = next;
    else if (app === 'goto') at = goto(data);
    else if (app === 'gotoif' || app === 'gotoiftime') {
      const [cond, yes, no] = applicationArgs(prio.app, data) as [string, string, string];
      const taken = app === 'gotoif' ? cond !== '' && cond !== '0' : checkTiming(cond, o.now);
      const branch = taken ? yes : no;
      at = branch ? goto(branch) : next;
    } else if (app === 'set') {
      const [name, value] = applicationArgs('Set', data) as [string, string];
      if (name.toUpperCase() === 'CALLERID(NAME)') callerId.name = value;
      else vars[name] = value;
      at = next;
    } else if (app === 'waitexten') {
      const dialled = digits.shift() ?? '';
      const exists = (x: string) => !!findExtension(dp, at.context, x);
      const to = dialled === '' ? 't' : exists(dialled) ? dialled : 'i';
      if (!exists(to)) return steps;
      at = { context: at.context, exten: to, priority: 1 };
    } else return steps;
  }
  throw new Error(`the call to ${exten}@${context} ran ${o.maxSteps ?? 200} priorities: a loop?`);
}

/* ------------------------------------------------------------------------------------------------
 * GotoIfTime's condition (main/pbx_timing.c ast_build_timing / ast_check_timing2):
 * `<times>,<weekdays>,<mdays>,<months>[,<timezone>]`, `|` also separates; each field `*`, a
 * value, a cyclic `-` range or an `&` list; a time range includes its last minute. Without a
 * timezone Asterisk reads the server's local time: the simulator's is UTC.
 * ---------------------------------------------------------------------------------------------- */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** get_range: the set of values (0-based) a field names. */
function range(field: string | undefined, max: number, names?: string[]): Set<number> {
  if (!field || field === '*') return new Set(Array.from({ length: max }, (_, i) => i));
  const lookup = (s: string) => {
    const i = names && s > '9' ? names.indexOf(s.toLowerCase()) : -1;
    if (i >= 0) return i;
    const v = parseInt(s, 10);
    return v >= 1 && v <= max ? v - 1 : -1;
  };
  const out = new Set<number>();
  for (const part of field.split('&')) {
    const [a, b] = part.split('-') as [string, string | undefined];
    const start = lookup(a);
    const end = b === undefined ? start : lookup(b);
    if (start < 0 || end < 0) continue; // "Invalid ... skipping element"
    for (let i = start; ; i = (i + 1) % max) { out.add(i); if (i === end) break; }
  }
  return out;
}

/** get_timerange: the minutes of the day a field names. */
function minutes(field: string | undefined): Set<number> {
  if (!field || field === '*') return new Set(Array.from({ length: 1440 }, (_, i) => i));
  const out = new Set<number>();
  const hm = (s: string) => { const m = /^\s*(\d{1,2}):(\d{1,2})/.exec(s); return m && Number(m[1]) <= 23 && Number(m[2]) <= 59 ? Number(m[1]) * 60 + Number(m[2]) : -1; };
  for (const part of field.split('&')) {
    const [a, b] = part.split('-') as [string, string | undefined];
    const start = hm(a);
    const end = b === undefined ? start : hm(b);
    if (start < 0 || end < 0) continue;
    for (let i = start; ; i = (i + 1) % 1440) { out.add(i); if (i === end) break; }
  }
  return out;
}

export function checkTiming(spec: string, now: Date): boolean {
  const fields = spec.split(/[|,]/);
  const tz = fields.length === 5 ? fields[4] : undefined;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz || 'UTC', hourCycle: 'h23', weekday: 'short', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(now).map((p) => [p.type, p.value]));
  return range(fields[3], 12, MONTHS).has(Number(parts.month) - 1) && range(fields[2], 31).has(Number(parts.day) - 1)
    && range(fields[1], 7, DAYS).has(DAYS.indexOf(String(parts.weekday).toLowerCase()))
    && minutes(fields[0]).has(Number(parts.hour) * 60 + Number(parts.minute));
}
