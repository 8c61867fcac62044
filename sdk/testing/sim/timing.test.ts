import { describe, expect, it } from 'vitest';
import { buildTiming, checkTiming } from './timing.ts';

const at = (iso: string) => new Date(iso);
const check = (spec: string, iso: string, zone = 'UTC') => checkTiming(buildTiming(spec)!, at(iso), zone);

describe('pbx_timing (GotoIfTime specs)', () => {
  const hours = '08:00-17:00,mon-fri,*,*,America/New_York';

  it('follows New York wall time across the March DST change (EST -05:00 before, EDT -04:00 after)', () => {
    // Friday 2026-03-06, EST: 08:00 local is 13:00Z.
    expect(check(hours, '2026-03-06T12:59:00Z')).toBe(false);
    expect(check(hours, '2026-03-06T13:00:00Z')).toBe(true);
    // Monday 2026-03-09, EDT: 08:00 local is 12:00Z (a fixed -05:00 would say 07:00, closed).
    expect(check(hours, '2026-03-09T11:59:00Z')).toBe(false);
    expect(check(hours, '2026-03-09T12:00:00Z')).toBe(true);
    // A range includes its end minute, as get_timerange sets the last bit.
    expect(check(hours, '2026-03-09T21:00:00Z')).toBe(true);
    expect(check(hours, '2026-03-09T21:01:00Z')).toBe(false);
  });

  it('takes the weekday in the spec zone: Friday 23:30 in New York is Saturday in UTC', () => {
    const weekdays = '*,mon-fri,*,*,America/New_York';
    expect(check(weekdays, '2026-03-07T04:30:00Z')).toBe(true); // Fri 23:30 EST
    expect(check(weekdays, '2026-03-07T05:30:00Z')).toBe(false); // Sat 00:30 EST
    expect(check('*,mon-fri,*,*', '2026-03-07T04:30:00Z', 'UTC')).toBe(false); // the server zone (UTC) says Saturday
    expect(check('*,mon-fri,*,*', '2026-03-07T04:30:00Z', 'America/New_York')).toBe(true);
  });

  it('reads cyclic ranges, & lists, numbers, month days and months like get_range', () => {
    expect(check('22:00-06:00', '2026-03-06T23:15:00Z')).toBe(true);
    expect(check('22:00-06:00', '2026-03-06T12:00:00Z')).toBe(false);
    expect(check('*,fri-mon,*,*', '2026-03-08T12:00:00Z')).toBe(true); // Sunday is inside fri..mon
    expect(check('*,tue&thu,*,*', '2026-03-05T12:00:00Z')).toBe(true); // Thursday
    expect(check('*,tue&thu,*,*', '2026-03-06T12:00:00Z')).toBe(false);
    expect(check('*,*,25,dec', '2026-12-25T12:00:00Z')).toBe(true);
    expect(check('*,*,1-24,dec', '2026-12-25T12:00:00Z')).toBe(false);
    expect(check('*,*,*,3', '2026-03-25T12:00:00Z')).toBe(true); // months as numbers: 3 = mar
    expect(check('*,6,*,*', '2026-03-06T12:00:00Z')).toBe(true); // weekday numbers start at 1 = sun
  });

  it('skips a bad element with pbx_timing.c warning and keeps the rest', () => {
    const log: string[] = [];
    const t = buildTiming('25:00-26:00&09:00-10:00,mon-fry,*,*', log)!;
    expect(log).toEqual(["WARNING pbx_timing.c: '25:00' isn't a valid start time.", "WARNING pbx_timing.c: Invalid end day of week 'fry', skipping element"]);
    expect(checkTiming(t, at('2026-03-09T09:30:00Z'), 'UTC')).toBe(false); // no weekday left in the mask
    expect(buildTiming('')).toBeUndefined();
  });
});
