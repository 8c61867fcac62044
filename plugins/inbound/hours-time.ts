import { dialplanToken } from '../../sdk/index.ts';
import { WEEKDAYS, type Holiday, type OpenRule } from './entities.ts';

/**
 * Business hours as Asterisk 20 evaluates them (main/pbx_timing.c `ast_build_timing`): a
 * GotoIfTime condition is `<times>,<weekdays>,<mdays>,<months>[,<timezone>]`, each field `*`, one
 * value, a `-` range (cyclic) or an `&` list; a time range includes its LAST minute
 * (`get_timerange` sets the end bit too), so acm's `to` (exclusive) is rendered a minute earlier.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** `mon-fri`, `mon&wed-thu`: runs of consecutive days (Monday first) as ranges. */
export function weekdaySpec(days: readonly string[]): string {
  const on = WEEKDAYS.map((d) => days.includes(d));
  if (on.every(Boolean)) return '*';
  const parts: string[] = [];
  for (let i = 0; i < 7; i++) {
    if (!on[i]) continue;
    let j = i;
    while (j + 1 < 7 && on[j + 1]) j++;
    parts.push(i === j ? WEEKDAYS[i]! : `${WEEKDAYS[i]}-${WEEKDAYS[j]}`);
    i = j;
  }
  return parts.join('&');
}

/** The condition of an open rule, in the site's timezone. */
export function openCondition(r: OpenRule, tz: string): string {
  return `${hhmm(minutes(r.from))}-${hhmm(minutes(r.to) - 1)},${weekdaySpec(r.days)},*,*,${dialplanToken(tz, 'timezone')}`;
}

/** A yearly holiday (`MM-DD`): that day of that month, all day. */
export function yearlyCondition(h: Holiday, tz: string): string {
  const [mm, dd] = h.date.split('-').map(Number) as [number, number];
  return `*,*,${dd},${MONTHS[mm - 1]},${dialplanToken(tz, 'timezone')}`;
}

/** Milliseconds the zone is ahead of UTC at `at`. */
function offset(at: number, tz: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - Math.floor(at / 1000) * 1000;
}

/** The UTC instant (ms) of 00:00 of `YYYY-MM-DD` in `tz`. */
function midnight(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  const first = wall - offset(wall, tz);
  return wall - offset(first, tz);
}

/** The date (`YYYY-MM-DD`) it is in `tz` at `now`. */
export function localDate(now: Date, tz: string): string {
  return new Date(now.getTime() + offset(now.getTime(), tz)).toISOString().slice(0, 10);
}

/**
 * A one-off holiday as an interval of `${EPOCH}` (seconds): GotoIfTime knows no year, and the
 * site's midnights are fixed instants acm can compute (a DST day is 23 or 25 hours long).
 */
export function oneOffSeconds(date: string, tz: string): { from: number; to: number } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { from: midnight(date, tz) / 1000, to: midnight(next, tz) / 1000 };
}
