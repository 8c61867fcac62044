/**
 * queues.conf as app_queue (apps/app_queue.c, Asterisk 20.20.1) reads it: queue_set_param for a
 * queue's parameters, reload_single_member for `member => interface,penalty,membername,
 * state_interface,ringinuse,wrapuptime,paused`, queue_set_global_params for [general]. Invalid
 * values are coerced and logged the way those functions do; unknown keywords are logged and ignored.
 */
import { separateArgs } from './app-args.ts';
import type { ConfigSection } from './config-parser.ts';

/** strategies[] of app_queue.c in its order (roundrobin is an alias of rrmemory). */
const STRATEGIES: Record<string, string> = {
  ringall: 'ringall', leastrecent: 'leastrecent', fewestcalls: 'fewestcalls', random: 'random', rrmemory: 'rrmemory',
  roundrobin: 'rrmemory', linear: 'linear', wrandom: 'wrandom', rrordered: 'rrordered',
};

/** parse_empty_options flags. */
export const EMPTY = { penalty: 1, paused: 2, inuse: 4, ringing: 8, unavailable: 16, invalid: 32, unknown: 64, wrapup: 128 } as const;

/** Keywords queue_set_param takes without a value check of its own (kept as written). */
const PLAIN_KEYS = new Set([
  'context', 'setinterfacevar', 'setqueuevar', 'setqueueentryvar', 'monitor-format', 'membermacro', 'membergosub',
  'queue-youarenext', 'queue-thereare', 'queue-callswaiting', 'queue-quantity1', 'queue-quantity2', 'queue-holdtime',
  'queue-minutes', 'queue-minute', 'queue-seconds', 'queue-thankyou', 'queue-callerannounce', 'queue-reporthold',
  'announce-frequency', 'announce-to-first-user', 'min-announce-frequency', 'announce-holdtime', 'announce-position',
  'announce-position-only-up', 'announce-position-limit', 'periodic-announce', 'periodic-announce-startdelay',
  'periodic-announce-frequency', 'relative-periodic-announce', 'random-periodic-announce', 'penaltymemberslimit',
  'autofill', 'monitor-type', 'autopausedelay', 'autopausebusy', 'autopauseunavail', 'reportholdtime', 'memberdelay',
  'timeoutrestart', 'defaultrule', 'timeoutpriority', 'log-restricted-caller-id',
]);

export interface QueueParams {
  strategy: string;
  timeout: number;
  retry: number;
  wrapuptime: number;
  maxlen: number;
  weight: number;
  servicelevel: number;
  ringinuse: boolean;
  /** parse_empty_options bit sets (EMPTY). */
  joinempty: number;
  leavewhenempty: number;
  autopause: 'no' | 'yes' | 'all';
  musicclass: string;
  announce: string;
  announceRoundSeconds: number;
  /** Other known keywords, lower-cased, as written. */
  other: Record<string, string>;
}

export interface MemberDef {
  iface: string;
  penalty: number;
  membername: string;
  stateInterface: string;
  ringinuse: boolean;
  wrapuptime: number;
  paused: boolean;
}

export interface QueueDef {
  name: string;
  params: QueueParams;
  members: MemberDef[];
}

/** ast_true / ast_false (main/utils.c). */
export const astTrue = (v: string) => /^(yes|true|y|t|1|on)$/i.test(v.trim());
export const astFalse = (v: string) => /^(no|false|n|f|0|off)$/i.test(v.trim());

/** C atoi: leading blanks, a sign, digits; anything else is 0. */
export function atoi(v: string): number {
  const m = /^\s*([+-]?\d+)/.exec(v);
  return m ? Number(m[1]) | 0 : 0;
}

/** init_queue defaults (strategy ringall when the section has none). */
export function defaultParams(): QueueParams {
  return {
    strategy: 'ringall', timeout: 15, retry: 5, wrapuptime: 0, maxlen: 0, weight: 0, servicelevel: 0, ringinuse: true,
    joinempty: 0, leavewhenempty: 0, autopause: 'no', musicclass: '', announce: '', announceRoundSeconds: 0, other: {},
  };
}

function parseEmpty(value: string, current: number, joinempty: boolean, log: string[]): number {
  let flags = current;
  for (const opt of value.split(',')) {
    const o = opt.toLowerCase();
    if (o in EMPTY) flags |= EMPTY[o as keyof typeof EMPTY];
    else if (o === 'loose') flags = EMPTY.penalty | EMPTY.invalid;
    else if (o === 'strict') flags = EMPTY.penalty | EMPTY.invalid | EMPTY.paused | EMPTY.unavailable;
    else if ((astFalse(o) && joinempty) || (astTrue(o) && !joinempty)) flags = EMPTY.penalty | EMPTY.invalid | EMPTY.paused;
    else if ((astFalse(o) && !joinempty) || (astTrue(o) && joinempty)) flags = 0;
    else log.push(`WARNING app_queue.c: Unknown option ${opt} for '${joinempty ? 'joinempty' : 'leavewhenempty'}'`);
  }
  return flags;
}

/** queue_set_param for a static queue (failunknown = 1; strategy was set before init_queue). */
function setParam(q: QueueParams, queue: string, key: string, val: string, line: number, log: string[]): void {
  const k = key.toLowerCase();
  switch (k) {
    case 'musicclass': case 'music': case 'musiconhold': q.musicclass = val; return;
    case 'announce': q.announce = val; return;
    case 'timeout': q.timeout = atoi(val) < 0 ? 15 : atoi(val); return;
    case 'ringinuse': q.ringinuse = astTrue(val); return;
    case 'retry': q.retry = atoi(val) <= 0 ? 5 : atoi(val); return;
    case 'wrapuptime': q.wrapuptime = atoi(val); return;
    case 'maxlen': q.maxlen = Math.max(0, atoi(val)); return;
    case 'servicelevel': q.servicelevel = atoi(val); return;
    case 'weight': q.weight = atoi(val); return;
    case 'strategy': return;
    case 'autopause': q.autopause = (['no', 'yes', 'all'].find((x) => x === val.toLowerCase()) ?? 'no') as QueueParams['autopause']; return;
    case 'joinempty': q.joinempty = parseEmpty(val, q.joinempty, true, log); return;
    case 'leavewhenempty': q.leavewhenempty = parseEmpty(val, q.leavewhenempty, false, log); return;
    case 'announce-round-seconds': {
      const n = atoi(val);
      if ([0, 5, 10, 15, 20, 30].includes(n)) q.announceRoundSeconds = n;
      else {
        log.push(`WARNING app_queue.c: '${val}' isn't a valid value for ${key} using 0 instead for queue '${queue}' at line ${line} of queues.conf`);
        q.announceRoundSeconds = 0;
      }
      return;
    }
    default:
      if (PLAIN_KEYS.has(k)) q.other[k] = val;
      else log.push(`WARNING app_queue.c: Unknown keyword in queue '${queue}': ${key} at line ${line} of queues.conf`);
  }
}

/** reload_single_member's parse of one `member =>` value; undefined for an empty definition. */
export function parseMember(data: string, queue: string, queueRinginuse: boolean, log: string[]): MemberDef | undefined {
  if (data === '') {
    log.push('WARNING app_queue.c: Empty queue member definition. Moving on!');
    return undefined;
  }
  const [iface = '', penalty, membername, stateIface, ringinuse, wrapuptime, paused] = separateArgs(data, 7);
  const name = membername?.trim() || iface;
  const flag = (v: string | undefined, dflt: boolean, bad: string): boolean => {
    const t = v?.trim() ?? '';
    if (t === '') return dflt;
    if (astTrue(t)) return true;
    if (astFalse(t)) return false;
    log.push(bad);
    return dflt;
  };
  return {
    iface,
    penalty: Math.max(0, atoi(penalty ?? '')),
    membername: name,
    stateInterface: stateIface?.trim() || iface,
    ringinuse: flag(ringinuse, queueRinginuse, `ERROR app_queue.c: Member ${name} has an invalid ringinuse value. Using ${queue} ringinuse value.`),
    wrapuptime: Math.max(0, atoi(wrapuptime ?? '')),
    paused: flag(paused, false, `ERROR app_queue.c: Member ${name} has an invalid paused value.`),
  };
}

/** A queue section: strategy first (before init_queue), then the parameters, then the members. */
export function parseQueueSection(s: ConfigSection, log: string[]): QueueDef {
  const params = defaultParams();
  const strategyEntry = s.entries.find((e) => e.key.toLowerCase() === 'strategy');
  if (strategyEntry) {
    const st = STRATEGIES[strategyEntry.value.toLowerCase()];
    if (!st) log.push(`WARNING app_queue.c: '${strategyEntry.value}' isn't a valid strategy for queue '${s.name}', using ringall instead`);
    params.strategy = st ?? 'ringall';
  }
  for (const e of s.entries) if (e.key.toLowerCase() !== 'member') setParam(params, s.name, e.key, e.value, e.line, log);
  const members: MemberDef[] = [];
  for (const e of s.entries) {
    if (e.key.toLowerCase() !== 'member') continue;
    const m = parseMember(e.value, s.name, params.ringinuse, log);
    if (m) members.push(m);
  }
  return { name: s.name, params, members };
}
