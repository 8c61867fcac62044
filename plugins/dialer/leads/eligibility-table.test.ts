import { describe, expect, it } from 'vitest';
import { dialRules, DialRulesInput, mayDial, type Attempt, type Campaign } from './eligibility.ts';

/* Explicit instants, worked out by hand from the zones' published rules (UTC in every literal). */

const retry = { afterMinutes: 30, maxRetries: 2 };
const input = (start: string, end: string, days = [1, 2, 3, 4, 5, 6, 7], extra: Partial<DialRulesInput> = {}): DialRulesInput => ({
  hours: { start, end, days }, maxAttempts: 5, maxAttemptsPerDay: 3,
  retry: { busy: retry, 'no-answer': { afterMinutes: 120, maxRetries: 3 }, congestion: retry, machine: { afterMinutes: 240, maxRetries: 1 } },
  ...extra,
});
const none = { tenant: new Set<string>(), global: new Set<string>() };
const campaign = (i: DialRulesInput, dnc = none): Campaign => ({ rules: dialRules(i), dnc });
const at = (s: string) => Date.parse(s);
const lead = (timezone: string) => ({ number: '+12125550123', timezone });
const NINE_TO_NINE = campaign(input('09:00', '21:00'));

describe('nextAt: the local opening time, exactly, on DST-change days', () => {
  const cases: [string, string, string, string][] = [
    // zone, now, expected nextAt, why
    ['America/New_York', '2026-03-08T06:00:00Z', '2026-03-08T13:00:00Z', '01:00 EST on DST start day → 09:00 EDT'],
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01T14:00:00Z', '01:30 EDT, first pass, on DST end day → 09:00 EST'],
    ['America/New_York', '2026-11-01T06:30:00Z', '2026-11-01T14:00:00Z', '01:30 EST, second pass → 09:00 EST'],
    ['Europe/London', '2026-03-29T00:30:00Z', '2026-03-29T08:00:00Z', '00:30 GMT → 09:00 BST'],
    ['Europe/London', '2026-10-25T00:30:00Z', '2026-10-25T09:00:00Z', '01:30 BST → 09:00 GMT'],
    ['Australia/Sydney', '2026-04-04T15:00:00Z', '2026-04-04T23:00:00Z', '02:00 AEDT on DST end day (03:00 → 02:00) → 09:00 AEST'],
    ['Australia/Lord_Howe', '2026-10-03T15:00:00Z', '2026-10-03T22:00:00Z', '01:30 +1030, half-hour DST from 02:00 → 09:00 +11'],
    ['America/Santiago', '2026-09-06T03:30:00Z', '2026-09-06T12:00:00Z', 'Sat 23:30 -04, DST from Sun 00:00 (→ 01:00) → Sun 09:00 -03'],
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z', '2026-06-01T03:15:00Z', '05:45 +0545 → 09:00'],
    ['America/New_York', '2026-03-09T01:30:00Z', '2026-03-09T13:00:00Z', '21:30 EDT after closing → next day 09:00 EDT'],
  ];
  for (const [zone, now, expected, why] of cases) {
    it(`${zone} ${why}`, () => {
      const v = mayDial(lead(zone), NINE_TO_NINE, at(now), []);
      expect(v).toMatchObject({ ok: false, reason: 'outside-hours', nextAt: at(expected) });
      expect(mayDial(lead(zone), NINE_TO_NINE, at(expected), [])).toEqual({ ok: true });
      expect(mayDial(lead(zone), NINE_TO_NINE, at(expected) - 1, []).ok).toBe(false);
    });
  }

  it('a window opening inside the skipped hour opens when the clock lands after it', () => {
    // New York, 2026-03-08: 02:00 EST (07:00Z) becomes 03:00 EDT; 02:30 never happens.
    const c = campaign(input('02:30', '05:00'));
    expect(mayDial(lead('America/New_York'), c, at('2026-03-08T06:00:00Z'), [])).toMatchObject({ nextAt: at('2026-03-08T07:00:00Z') });
    // A window wholly inside the gap does not happen that day: next day 02:30 EDT.
    const gap = campaign(input('02:10', '02:50'));
    expect(mayDial(lead('America/New_York'), gap, at('2026-03-08T06:00:00Z'), [])).toMatchObject({ nextAt: at('2026-03-09T06:10:00Z') });
  });

  it('a repeated local hour is in hours both times', () => {
    // New York, 2026-11-01: 01:00–02:00 happens in EDT (05:00–06:00Z) and again in EST (06:00–07:00Z).
    const c = campaign(input('01:30', '05:00'));
    expect(mayDial(lead('America/New_York'), c, at('2026-11-01T05:45:00Z'), [])).toEqual({ ok: true }); // 01:45 EDT
    expect(mayDial(lead('America/New_York'), c, at('2026-11-01T06:10:00Z'), [])).toMatchObject({ nextAt: at('2026-11-01T06:30:00Z') }); // 01:10 EST
  });

  it('Santiago goes back from Sunday 00:00 to Saturday 23:00: a Saturday-evening window is open again', () => {
    const c = campaign(input('22:00', '24:00', [6]));
    expect(mayDial(lead('America/Santiago'), c, at('2026-04-05T02:59:59Z'), [])).toEqual({ ok: true }); // Sat 23:59:59 -03
    expect(mayDial(lead('America/Santiago'), c, at('2026-04-05T03:30:00Z'), [])).toEqual({ ok: true }); // Sat 23:30 -04
    expect(mayDial(lead('America/Santiago'), c, at('2026-04-05T04:00:00Z'), [])).toMatchObject({ nextAt: at('2026-04-12T02:00:00Z') }); // Sun 00:00 → next Sat 22:00 -04
  });
});

describe('mayDial: rules one by one', () => {
  const ny = lead('America/New_York');
  const noon = at('2026-06-10T16:00:00Z'); // Wednesday 12:00 EDT

  it('calling hours: start allowed, end refused, days of week in local time', () => {
    expect(mayDial(ny, NINE_TO_NINE, at('2026-06-10T13:00:00Z'), [])).toEqual({ ok: true }); // 09:00:00.000
    expect(mayDial(ny, NINE_TO_NINE, at('2026-06-11T00:59:59.999Z'), [])).toEqual({ ok: true }); // 20:59:59.999
    expect(mayDial(ny, NINE_TO_NINE, at('2026-06-11T01:00:00Z'), [])).toMatchObject({ ok: false, nextAt: at('2026-06-11T13:00:00Z') });
    // Weekdays only: Friday 21:30 EDT is Saturday in UTC; the next opening is Monday 09:00.
    const weekdays = campaign(input('09:00', '21:00', [1, 2, 3, 4, 5]));
    expect(mayDial(ny, weekdays, at('2026-06-13T01:30:00Z'), [])).toMatchObject({ reason: 'outside-hours', nextAt: at('2026-06-15T13:00:00Z') });
    // Friday 20:00 in New York is Saturday 01:00 in London: allowed for the New York lead.
    expect(mayDial(ny, weekdays, at('2026-06-13T00:00:00Z'), [])).toEqual({ ok: true });
  });

  it('DNC lists, tenant and global, beat everything and give no nextAt', () => {
    expect(mayDial(ny, campaign(input('09:00', '21:00'), { tenant: new Set([ny.number]), global: new Set() }), noon, [])).toEqual(
      { ok: false, reason: 'dnc-tenant', detail: "on the tenant's do-not-call list" });
    expect(mayDial(ny, campaign(input('09:00', '21:00'), { tenant: new Set(), global: new Set([ny.number]) }), noon, [])).toMatchObject({ reason: 'dnc-global' });
    expect(mayDial(ny, campaign(input('09:00', '21:00'), { tenant: new Set(['+12125550124']), global: new Set() }), noon, [])).toEqual({ ok: true });
  });

  it('retry after N minutes per outcome, at most M times; a retry falling after closing waits for the next opening', () => {
    const busy = (iso: string): Attempt => ({ at: at(iso), outcome: 'busy' });
    expect(mayDial(ny, NINE_TO_NINE, noon, [busy('2026-06-10T15:45:00Z')])).toMatchObject({ reason: 'retry-wait', nextAt: at('2026-06-10T16:15:00Z') });
    expect(mayDial(ny, NINE_TO_NINE, noon, [busy('2026-06-10T15:30:00Z')])).toEqual({ ok: true });
    expect(mayDial(ny, NINE_TO_NINE, noon, [busy('2026-06-09T15:00:00Z'), busy('2026-06-09T16:00:00Z'), busy('2026-06-10T13:00:00Z')])).toMatchObject({ ok: false, reason: 'retries-exhausted' });
    // Busy at 20:50 EDT, retry after 30 min = 21:20: outside hours, so 09:00 next day.
    expect(mayDial(ny, NINE_TO_NINE, at('2026-06-11T00:55:00Z'), [busy('2026-06-11T00:50:00Z')])).toMatchObject({ reason: 'retry-wait', nextAt: at('2026-06-11T13:00:00Z') });
    const machine = { at: at('2026-06-09T16:00:00Z'), outcome: 'machine' as const };
    expect(mayDial(ny, NINE_TO_NINE, noon, [machine])).toEqual({ ok: true });
    expect(mayDial(ny, NINE_TO_NINE, noon, [machine, { ...machine, at: at('2026-06-10T13:00:00Z') }])).toMatchObject({ reason: 'retries-exhausted' });
  });

  it('a lead whose zone this runtime does not know is never dialled (no throw)', () => {
    expect(mayDial(lead('Mars/Olympus_Mons'), NINE_TO_NINE, noon, [])).toMatchObject({ ok: false, reason: 'unknown-timezone' });
    expect(mayDial(lead(''), NINE_TO_NINE, noon, [])).toMatchObject({ ok: false, reason: 'unknown-timezone' });
  });

  it('answered live, unobtainable and in progress are final for now, without nextAt', () => {
    for (const outcome of ['answered', 'unobtainable', 'in-progress'] as const) {
      const v = mayDial(ny, NINE_TO_NINE, noon, [{ at: at('2026-06-01T16:00:00Z'), outcome }]);
      expect(v).toMatchObject({ ok: false, reason: outcome });
      expect('nextAt' in v).toBe(false);
    }
  });

  it('attempts per lead in all, and per local day (the next local day starts the count again)', () => {
    const na = (iso: string): Attempt => ({ at: at(iso), outcome: 'no-answer' });
    const five = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05'].map((d) => na(`${d}T14:00:00Z`));
    const lots = campaign(input('09:00', '21:00', undefined, { retry: { ...input('09:00', '21:00').retry, 'no-answer': { afterMinutes: 60, maxRetries: 9 } } }));
    expect(mayDial(ny, lots, noon, five)).toMatchObject({ reason: 'max-attempts' });
    expect(mayDial(ny, lots, noon, five.slice(1))).toEqual({ ok: true });
    // Three today (local) at 09:00, 10:00, 11:00 EDT → tomorrow 09:00 EDT.
    const today = ['13', '14', '15'].map((h) => na(`2026-06-10T${h}:00:00Z`));
    expect(mayDial(ny, lots, noon, today)).toMatchObject({ reason: 'daily-limit', nextAt: at('2026-06-11T13:00:00Z') });
    // Three at 20:00–20:45 EDT yesterday, which is already 11 June in UTC: not today's in New York.
    const lateYesterday = ['00:00', '00:30', '00:45'].map((t) => na(`2026-06-11T${t}:00Z`));
    expect(mayDial(ny, lots, at('2026-06-11T13:00:00Z'), lateYesterday)).toEqual({ ok: true });
    // Daily limit on the Saturday before DST starts: Sunday 09:00 is EDT.
    const sat = ['15', '16', '17'].map((h) => na(`2026-03-07T${h}:00:00Z`));
    expect(mayDial(ny, lots, at('2026-03-07T19:00:00Z'), sat)).toMatchObject({ reason: 'daily-limit', nextAt: at('2026-03-08T13:00:00Z') });
  });

  it('rules input: HH:MM, end after start, at least one day, strict keys', () => {
    const valid = (patch: Partial<DialRulesInput['hours']>) => DialRulesInput.safeParse(input(patch.start ?? '09:00', patch.end ?? '21:00', patch.days)).success;
    expect(valid({})).toBe(true);
    expect(valid({ start: '9:00' })).toBe(false);
    expect(valid({ end: '24:01' })).toBe(false);
    expect(valid({ end: '24:00' })).toBe(true);
    expect(valid({ start: '21:00', end: '09:00' })).toBe(false);
    expect(valid({ days: [] })).toBe(false);
    expect(valid({ days: [0] })).toBe(false);
    expect(DialRulesInput.safeParse({ ...input('09:00', '21:00'), dnc: [] }).success).toBe(false);
  });
});
