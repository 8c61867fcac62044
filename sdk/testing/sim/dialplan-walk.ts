/**
 * A call walked through the simulator's loaded dialplan as pbx.c runs it, on a clock the test
 * sets. The applications acm's dialplans branch with run (Goto, GotoIf, GotoIfTime, Set,
 * WaitExten); Answer, NoOp, Background and Playback pass; any other application ends the walk:
 * the call reached it (Dial, Queue, VoiceMail, Hangup…). An extension found through an
 * `include` runs with the channel still in the including context, as in Asterisk.
 */
import type { Dialplan, Extension } from './dialplan.ts';
import { buildTiming, checkTiming as timingTrue } from './timing.ts';
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

/** The extension `exten` reaches from `context` (pbx_find_extension: dialplan.ts `find`). */
function findExtension(dp: Dialplan, context: string, exten: string): Extension | undefined {
  return dp.find(context, exten, { priority: 1 })?.extension;
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

/** GotoIfTime's condition on the server's zone (the simulator's is UTC): timing.ts. */
export function checkTiming(spec: string, now: Date): boolean {
  const t = buildTiming(spec);
  return t !== undefined && timingTrue(t, now, 'UTC');
}
