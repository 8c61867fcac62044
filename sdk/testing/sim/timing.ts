/**
 * main/pbx_timing.c (Asterisk 20.20.1): `ast_build_timing` / `ast_check_timing2`, the time
 * specs of GotoIfTime, ExecIfTime and timed includes: `<times>,<weekdays>,<mdays>,<months>[,<tz>]`
 * (`|` also separates). The time of day is a bitmask of minutes and a range includes its END
 * minute (`09:00-17:00` is true at 17:00). Local time is taken in the spec's timezone, else the
 * server's (`defaultZone`), converted with Node's Intl (IANA zone names, like ast_localtime;
 * an unknown zone is taken as UTC).
 */

export interface Timing {
  /** 1440 bits, one a minute of the day. */
  minutes: boolean[];
  dowmask: number;
  daymask: number;
  monthmask: number;
  timezone?: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** lookup_name: a name (when it does not start with a digit), else a number 1..max (`%2d`). */
function lookupName(s: string, names: string[] | undefined, max: number): number {
  if (names && s.charCodeAt(0) > 0x39) {
    const i = names.indexOf(s.toLowerCase());
    if (i >= 0) return i;
  }
  const m = /^\s*([+-]?\d{1,2})/.exec(s);
  const i = m ? Number(m[1]) : NaN;
  return i >= 1 && i <= max ? i - 1 : -1;
}

/** get_range: `*`/empty is all; `a-b` ranges are cyclic; `&` joins; bad elements are skipped. */
function getRange(src: string | undefined, max: number, names: string[] | undefined, log: string[], msg: string): number {
  if (!src || src === '*') return 2 ** max - 1;
  let mask = 0;
  for (const part of src.split('&')) {
    const dash = part.indexOf('-');
    const startS = dash >= 0 ? part.slice(0, dash) : part;
    let start = lookupName(startS, names, max);
    if (start < 0) { log.push(`WARNING pbx_timing.c: Invalid ${msg} '${startS}', skipping element`); continue; }
    let end = start;
    if (dash >= 0) {
      end = lookupName(part.slice(dash + 1), names, max);
      if (end < 0) { log.push(`WARNING pbx_timing.c: Invalid end ${msg} '${part.slice(dash + 1)}', skipping element`); continue; }
    }
    mask |= 1 << end;
    while (start !== end) {
      mask |= 1 << start;
      if (++start >= max) start = 0;
    }
  }
  return mask >>> 0;
}

/** sscanf("%2d:%2d") with get_timerange's bounds, as minutes of the day. */
function hhmm(s: string): number | undefined {
  const m = /^\s*([+-]?\d{1,2}):\s*([+-]?\d{1,2})/.exec(s);
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h < 0 || h > 23 || min < 0 || min > 59 ? undefined : h * 60 + min;
}

function getTimerange(times: string | undefined, log: string[]): boolean[] {
  const bits = new Array<boolean>(1440).fill(false);
  if (!times || times === '*') return bits.fill(true);
  for (const part of times.split('&')) {
    const dash = part.indexOf('-');
    if (dash < 0) {
      const t = hhmm(part);
      if (t === undefined) log.push(`WARNING pbx_timing.c: ${part} isn't a valid time.`);
      else bits[t] = true;
      continue;
    }
    const endpart = part.slice(dash + 1).replace(/^\D+/, ''); // "Mostly to skip spaces"
    if (!endpart) { log.push(`WARNING pbx_timing.c: Invalid time range starting with '${part.slice(0, dash)}-'.`); continue; }
    const start = hhmm(part.slice(0, dash));
    const end = hhmm(endpart);
    if (start === undefined) { log.push(`WARNING pbx_timing.c: '${part.slice(0, dash)}' isn't a valid start time.`); continue; }
    if (end === undefined) { log.push(`WARNING pbx_timing.c: '${endpart}' isn't a valid end time.`); continue; }
    let x = start;
    for (; x !== end; x = (x + 1) % 1440) bits[x] = true;
    bits[x] = true;
  }
  return bits;
}

/** ast_build_timing; undefined for an empty spec (the caller then takes the false branch). */
export function buildTiming(spec: string, log: string[] = []): Timing | undefined {
  if (!spec) return undefined;
  const seps = [...spec].filter((c) => c === '|' || c === ',').length;
  const lastSep = Math.max(spec.lastIndexOf('|'), spec.lastIndexOf(','));
  const fields = spec.split(/[|,]/);
  return {
    timezone: seps + 1 === 5 ? spec.slice(lastSep + 1) : undefined,
    minutes: getTimerange(fields[0], log),
    dowmask: fields.length > 1 ? getRange(fields[1], 7, DAYS, log, 'day of week') : 0x7f,
    daymask: fields.length > 2 ? getRange(fields[2], 31, undefined, log, 'day') : 0x7fffffff,
    monthmask: fields.length > 3 ? getRange(fields[3], 12, MONTHS, log, 'month') : 0xfff,
  };
}

/** Wall-clock fields of `at` in an IANA zone (ast_localtime). */
export function localTime(at: Date, zone: string): { month: number; mday: number; wday: number; hour: number; minute: number } {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  } catch {
    // An unknown zone: UTC (see DIFFERENCES.md).
    return localTime(at, 'UTC');
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { month: Number(p.month) - 1, mday: Number(p.day), wday: DAYS.indexOf(String(p.weekday).toLowerCase()), hour: Number(p.hour), minute: Number(p.minute) };
}

/** ast_check_timing2 at `at`; `defaultZone` is the server's local zone. */
export function checkTiming(t: Timing, at: Date, defaultZone: string): boolean {
  const tm = localTime(at, t.timezone || defaultZone);
  if (!(t.monthmask & (1 << tm.month))) return false;
  if (!(t.daymask & (1 << (tm.mday - 1)))) return false;
  if (!(t.dowmask & (1 << tm.wday))) return false;
  return t.minutes[tm.hour * 60 + tm.minute] === true;
}
