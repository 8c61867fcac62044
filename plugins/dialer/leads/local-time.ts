/*
 * Wall-clock time in an IANA zone, from Intl only (no Temporal on Node 20, no tz tables of our own).
 *
 * An instant is epoch milliseconds. Its wall time is the local date and time written as if it were
 * UTC ("wall ms"), so local dates and minutes fall out of plain division. The offset of a zone at
 * an instant is wall − instant. Wall time is not monotonic in the instant: a DST start skips an
 * hour (a gap), a DST end repeats one, and a few zones (America/Santiago) move back across
 * midnight. `nextInWindow` therefore walks forward instant by instant, jumping straight to the
 * next window opening when no offset change lies between, and landing on each offset change
 * exactly (binary search to the millisecond) when one does — so what it returns is the first
 * instant whose wall time is in the window, whatever the zone does.
 */

export const MINUTE = 60_000;
export const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

const zoneNames = new Map<string, string | null>();

/** The zone's name as Intl resolves it, or undefined when it is not an IANA zone this runtime knows. */
export function canonicalZone(name: string): string | undefined {
  if (name.length > 64 || !ZONE_NAME.test(name)) return undefined;
  let known = zoneNames.get(name);
  if (known === undefined) {
    // Building a formatter costs ~100 µs; a lead file repeats a handful of zones. Bounded, as a
    // hostile file may name a new one on every row.
    if (zoneNames.size >= 10_000) zoneNames.clear();
    try {
      known = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      known = null;
    }
    zoneNames.set(name, known);
  }
  return known ?? undefined;
}

const EN_US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d\d):(\d\d):(\d\d)$/;

/** Wall time of the instant in the zone, as epoch-style milliseconds. */
export function wallMs(t: number, zone: string): number {
  const f = formatter(zone);
  // format() and a regex cost a quarter of formatToParts(); the parts remain the fallback.
  const m = EN_US.exec(f.format(t));
  let y: number, mo: number, d: number, h: number, mi: number, s: number;
  if (m) {
    [mo, d, y, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else {
    const part = (type: string) => Number(f.formatToParts(t).find((p) => p.type === type)?.value ?? 0);
    [y, mo, d, h, mi, s] = [part('year'), part('month'), part('day'), part('hour'), part('minute'), part('second')];
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, s, ((t % 1000) + 1000) % 1000);
  return utc.getTime();
}

export function offsetAt(t: number, zone: string): number {
  return wallMs(t, zone) - t;
}

/** Local day number (days since 1970-01-01 in local dates) of a wall time. */
export function dayOf(wall: number): number {
  return Math.floor(wall / DAY);
}

/** ISO weekday of a local day number: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The first instant in (lo, hi] whose offset differs from the offset at lo (one change assumed in range). */
export function offsetChange(lo: number, hi: number, zone: string): number {
  const base = offsetAt(lo, zone);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetAt(mid, zone) === base) lo = mid; else hi = mid;
  }
  return hi;
}

/** Calling hours: minutes of the local day [start, end) on the listed ISO weekdays. */
export interface Window {
  startMin: number;
  endMin: number;
  days: ReadonlySet<number>;
}

/** Whether a wall time is inside the window, on a local day ≥ minDay. */
export function inWindow(wall: number, w: Window, minDay = -Infinity): boolean {
  const day = dayOf(wall);
  if (day < minDay || !w.days.has(isoWeekday(day))) return false;
  const min = (wall - day * DAY) / MINUTE;
  return min >= w.startMin && min < w.endMin;
}

/** The next window opening (wall ms) strictly after `wall`'s position, on a day ≥ minDay; undefined if no allowed day. */
function nextOpening(wall: number, w: Window, minDay: number): number | undefined {
  const today = dayOf(wall);
  for (let day = Math.max(today, minDay); day <= Math.max(today, minDay) + 7; day++) {
    const open = day * DAY + w.startMin * MINUTE;
    if (open > wall && w.days.has(isoWeekday(day))) return open;
  }
  return undefined;
}

/**
 * The first instant ≥ from whose wall time in `zone` is inside the window (and on a local day ≥ minDay).
 * Undefined only for a window with no day.
 */
export function nextInWindow(from: number, zone: string, w: Window, minDay = -Infinity): number | undefined {
  if (w.days.size === 0 || w.endMin <= w.startMin) return undefined;
  let t = from;
  for (let guard = 0; guard < 64; guard++) {
    const wall = wallMs(t, zone);
    if (inWindow(wall, w, minDay)) return t;
    const open = nextOpening(wall, w, minDay);
    if (open === undefined) return undefined;
    // Without an offset change before it, the wall clock reaches `open` after exactly open − wall ms.
    const target = t + (open - wall);
    // Same offset at both ends: the wall clock reached `open` at `target` (a change and its
    // reversal within a week does not happen in tzdb). Otherwise land on the change and look again.
    if (offsetAt(target, zone) === wall - t) return target;
    t = offsetChange(t, target, zone);
  }
  throw new Error(`no window found in ${zone} after ${new Date(from).toISOString()}`);
}
