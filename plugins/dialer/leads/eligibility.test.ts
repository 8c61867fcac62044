import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dialRules, mayDial, RETRY_OUTCOMES, type Attempt, type Campaign, type DialRules, type DialRulesInput, type Outcome } from './eligibility.ts';

/*
 * The oracle below is written apart from the implementation: local time comes from Intl's
 * `longOffset` zone name plus arithmetic on a UTC Date (the implementation reads formatToParts'
 * wall-clock fields), and every rule is restated from the issue, not from eligibility.ts.
 */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function local(t: number, zone: string): { date: string; minute: number; isoDay: number } {
  let f = offsetFormatters.get(zone);
  if (!f) offsetFormatters.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value; // "GMT", "GMT+05:45", "GMT-03:30"
  const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset ${name}`);
  const off = m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const d = new Date(t + off * 60_000);
  return { date: d.toISOString().slice(0, 10), minute: d.getUTCHours() * 60 + d.getUTCMinutes() + d.getUTCSeconds() / 60 + d.getUTCMilliseconds() / 60_000, isoDay: d.getUTCDay() || 7 };
}

interface Spec { start: number; end: number; days: number[]; maxAttempts: number; perDay: number; retry: Record<string, { after: number; max: number }> }

function neverDial(spec: Spec, number: string, tenant: Set<string>, global: Set<string>, history: Attempt[]): boolean {
  if (tenant.has(number) || global.has(number)) return true;
  if (history.some((a) => a.outcome === 'answered' || a.outcome === 'unobtainable' || a.outcome === 'in-progress')) return true;
  if (history.length >= spec.maxAttempts) return true;
  return RETRY_OUTCOMES.some((o) => history.filter((a) => a.outcome === o).length > spec.retry[o]!.max);
}

/** May the lead be dialled at t, by the rules. */
function oracle(spec: Spec, number: string, zone: string, tenant: Set<string>, global: Set<string>, history: Attempt[], t: number): boolean {
  if (neverDial(spec, number, tenant, global, history)) return false;
  const here = local(t, zone);
  if (!spec.days.includes(here.isoDay) || here.minute < spec.start || here.minute >= spec.end) return false;
  if (history.filter((a) => local(a.at, zone).date === here.date).length >= spec.perDay) return false;
  const last = history.reduce<Attempt | undefined>((l, a) => (!l || a.at >= l.at ? a : l), undefined);
  return !last || t >= last.at + spec.retry[last.outcome]!.after * 60_000;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function rulesOf(spec: Spec): DialRules {
  const input: DialRulesInput = {
    hours: { start: hhmm(spec.start), end: hhmm(spec.end), days: spec.days },
    maxAttempts: spec.maxAttempts,
    maxAttemptsPerDay: spec.perDay,
    retry: Object.fromEntries(RETRY_OUTCOMES.map((o) => [o, { afterMinutes: spec.retry[o]!.after, maxRetries: spec.retry[o]!.max }])) as DialRulesInput['retry'],
  };
  return dialRules(input);
}

// Zones with DST in both hemispheres, half-hour and 45-minute offsets, a 30-minute DST (Lord Howe),
// DST changes at midnight (Santiago, Havana, Asunción), Dublin's "negative" DST, Casablanca's Ramadan shifts.
const ZONES = [
  'Europe/London', 'America/New_York', 'America/Los_Angeles', 'America/Phoenix', 'Australia/Lord_Howe', 'Australia/Sydney', 'Asia/Kathmandu',
  'America/St_Johns', 'Pacific/Chatham', 'America/Santiago', 'America/Havana', 'America/Asuncion', 'Europe/Dublin', 'Africa/Casablanca',
  'Asia/Tehran', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Antarctica/Troll', 'UTC',
];
const NUMBERS = Array.from({ length: 12 }, (_, i) => `+4420794609${String(i).padStart(2, '0')}`);
// Instants near DST changes of the zones above (2025–2028), so the property meets them often.
const NEAR = [
  '2026-03-08T07:00Z', '2026-11-01T06:00Z', '2026-03-29T01:00Z', '2026-10-25T01:00Z', '2026-04-05T03:00Z', '2026-09-06T04:00Z',
  '2026-04-05T15:00Z', '2026-10-04T16:00Z', '2027-03-14T07:00Z', '2027-03-28T01:00Z', '2026-03-22T03:00Z', '2026-10-04T04:00Z',
].map((s) => Date.parse(s));

// Whole hours half the time, so instants that are whole hours too land on window edges.
const specArb = fc.record({
  start: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 23 }).map((h) => h * 60)),
  len: fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.integer({ min: 1, max: 24 }).map((h) => h * 60)),
  days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  maxAttempts: fc.integer({ min: 1, max: 8 }),
  perDay: fc.integer({ min: 1, max: 4 }),
  retry: fc.record(Object.fromEntries(RETRY_OUTCOMES.map((o) => [o, fc.record({ after: fc.integer({ min: 1, max: 24 * 60 }), max: fc.integer({ min: 0, max: 3 }) })])) as Record<string, fc.Arbitrary<{ after: number; max: number }>>),
}).map(({ start, len, ...rest }): Spec => ({ start, end: Math.min(1440, start + len), ...rest }));

const nowArb = fc.oneof(
  fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2029, 0, 1) }),
  fc.integer({ min: Date.UTC(2025, 0, 1) / 3_600_000, max: Date.UTC(2029, 0, 1) / 3_600_000 }).map((h) => h * 3_600_000),
  fc.tuple(fc.constantFrom(...NEAR), fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 })).map(([a, d]) => a + d),
);
const outcomeArb: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...RETRY_OUTCOMES) },
  { weight: 1, arbitrary: fc.constantFrom<Outcome>('answered', 'unobtainable', 'in-progress') },
);
const caseArb = fc.record({
  spec: specArb,
  now: nowArb,
  zone: fc.constantFrom(...ZONES),
  number: fc.constantFrom(...NUMBERS),
  tenant: fc.uniqueArray(fc.constantFrom(...NUMBERS), { maxLength: 3 }),
  global: fc.uniqueArray(fc.constantFrom(...NUMBERS), { maxLength: 3 }),
  history: fc.array(fc.record({ ago: fc.integer({ min: 0, max: 4 * 86_400_000 }), outcome: outcomeArb }), { maxLength: 6 }),
});

describe('mayDial: property over random leads, campaigns, histories and instants', () => {
  it('allows exactly what the rules allow; nextAt is the first allowed instant', () => {
    let allowed = 0;
    let waits = 0;
    fc.assert(fc.property(caseArb, (c) => {
      const rules = rulesOf(c.spec);
      const tenant = new Set(c.tenant);
      const global = new Set(c.global);
      const campaign: Campaign = { rules, dnc: { tenant, global } };
      const history: Attempt[] = c.history.map((h) => ({ at: c.now - h.ago, outcome: h.outcome }));
      const lead = { number: c.number, timezone: c.zone };
      const v = mayDial(lead, campaign, c.now, history);
      const truth = oracle(c.spec, c.number, c.zone, tenant, global, history, c.now);
      expect(v.ok).toBe(truth);
      if (v.ok) { allowed++; return; }
      if (!('nextAt' in v)) {
        expect(neverDial(c.spec, c.number, tenant, global, history)).toBe(true);
        return;
      }
      waits++;
      expect(v.nextAt).toBeGreaterThan(c.now);
      expect(oracle(c.spec, c.number, c.zone, tenant, global, history, v.nextAt)).toBe(true);
      expect(mayDial(lead, campaign, v.nextAt, history)).toEqual({ ok: true });
      expect(oracle(c.spec, c.number, c.zone, tenant, global, history, v.nextAt - 1)).toBe(false);
    }), { numRuns: 3000, seed: 17 });
    // The property is only worth something if both sides were exercised.
    expect(allowed).toBeGreaterThan(100);
    expect(waits).toBeGreaterThan(300);
  });

  it('a dialler that sleeps until nextAt never dials a DNC number, out of hours, or past a limit', () => {
    let dials = 0;
    fc.assert(fc.property(
      specArb, fc.constantFrom(...ZONES), nowArb, fc.uniqueArray(fc.constantFrom(...NUMBERS), { maxLength: 4 }),
      fc.array(outcomeArb, { minLength: 40, maxLength: 40 }),
      (spec, zone, start, dncList, outcomes) => {
        const rules = rulesOf(spec);
        const dnc = new Set(dncList);
        const campaign: Campaign = { rules, dnc: { tenant: dnc, global: new Set() } };
        const histories = new Map(NUMBERS.map((n) => [n, [] as Attempt[]]));
        let now = start;
        let k = 0;
        for (let step = 0; step < 60 && k < outcomes.length; step++) {
          let wake = Infinity;
          for (const number of NUMBERS) {
            const history = histories.get(number)!;
            const v = mayDial({ number, timezone: zone }, campaign, now, history);
            if (v.ok) {
              expect(oracle(spec, number, zone, dnc, new Set(), history, now)).toBe(true);
              // An in-progress attempt resolves before the next step: the dialler records its outcome.
              const o = outcomes[k++ % outcomes.length]!;
              dials++;
              history.push({ at: now, outcome: o === 'in-progress' ? 'no-answer' : o });
            } else if ('nextAt' in v) wake = Math.min(wake, v.nextAt);
          }
          if (wake === Infinity) break;
          now = wake;
        }
        for (const [number, history] of histories) {
          expect(dnc.has(number) ? history.length : 0).toBe(0);
          expect(history.length).toBeLessThanOrEqual(spec.maxAttempts);
          for (const o of RETRY_OUTCOMES) expect(history.filter((a) => a.outcome === o).length).toBeLessThanOrEqual(spec.retry[o]!.max + 1);
          const answered = history.findIndex((a) => a.outcome === 'answered' || a.outcome === 'unobtainable');
          if (answered >= 0) expect(answered).toBe(history.length - 1);
        }
      },
    ), { numRuns: 150, seed: 42 });
    expect(dials).toBeGreaterThan(1000);
  });
});
