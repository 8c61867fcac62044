import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, type AgentView, type PacingState } from './controller.ts';
import { PacingStats } from './stats.ts';

/**
 * A campaign mid-day: `talking` agents `elapsed` s into their calls, `wrapping` ones 8 s into a
 * 10 s wrap-up (free within the next ring), `free` ones; measured figures as a real day's.
 */
function state(o: { free?: number; talking?: number; wrapping?: number; elapsed?: number; ringing?: number[]; waiting?: number; live?: number; abandoned?: number; leadsLeft?: number }): PacingState {
  const stats = new PacingStats();
  for (let i = 0; i < 300; i++) stats.notLive(i % 3 === 0 ? 3 : 27);
  for (let i = 0; i < 150; i++) { stats.liveAnswer(8 + (i % 5)); stats.talk.add(60 + (i % 60)); stats.wrap.add(10); }
  const agents: AgentView[] = [
    ...Array.from({ length: o.free ?? 0 }, () => ({ state: 'free' as const, elapsed: 1 })),
    ...Array.from({ length: o.talking ?? 0 }, () => ({ state: 'talk' as const, elapsed: o.elapsed ?? 80 })),
    ...Array.from({ length: o.wrapping ?? 0 }, () => ({ state: 'wrap' as const, elapsed: 8 })),
  ];
  return {
    agents, ringing: o.ringing ?? [], waiting: o.waiting ?? 0, liveAnswered: o.live ?? 2000, abandoned: o.abandoned ?? 10,
    attempts: stats.attempts, live: stats.live, dists: stats.dists(agents), leadsLeft: o.leadsLeft ?? 10_000,
  };
}

describe('pacing controller', () => {
  it('places no call with no agent logged in, whatever the mode', () => {
    for (const mode of ['progressive', 'predictive'] as const) {
      const d = decide(state({ ringing: [1, 2] }), { mode });
      expect(d).toMatchObject({ dial: 0, reason: 'no-agents' });
    }
  });

  it('progressive: one call per free agent that no call is already placed for', () => {
    expect(decide(state({ free: 5, talking: 10, ringing: [3, 4] }), { mode: 'progressive' }).dial).toBe(3);
    expect(decide(state({ free: 2, talking: 10, ringing: [3, 4], waiting: 1 }), { mode: 'progressive' }).dial).toBe(0);
  });

  it('predictive dials ahead for agents about to be free, and not for agents who just started talking', () => {
    const soon = decide(state({ wrapping: 20 }));
    expect(soon.mode).toBe('predictive');
    // 20 agents free within the ring time at a 1/3 answer rate: dozens of calls, but not more than 3 per agent.
    expect(soon.dial).toBeGreaterThan(20);
    expect(soon.dial).toBeLessThan(60);
    expect(decide(state({ wrapping: 20 }), { mode: 'progressive' }).dial).toBe(0);
    expect(decide(state({ talking: 20, elapsed: 1 })).dial).toBe(0);
  });

  it('is progressive once the day\'s abandons reach the cap', () => {
    const s = state({ free: 4, wrapping: 20, ringing: [2], live: 1000, abandoned: 30 });
    const d = decide(s);
    expect(d).toMatchObject({ mode: 'progressive', reason: 'budget-spent', dial: 3 });
    // One abandon of headroom left: predictive again, but dialling less than with plenty left.
    const some = decide({ ...s, abandoned: 29 });
    expect(some.mode).toBe('predictive');
    expect(some.dial).toBeLessThan(decide({ ...s, abandoned: 5 }).dial);
  });

  it('the over-dial shrinks as the day\'s budget is used', () => {
    const dials = [0, 10, 20, 25, 29].map((abandoned) => decide(state({ wrapping: 40, live: 1000, abandoned })).dial);
    for (let i = 1; i < dials.length; i++) expect(dials[i]).toBeLessThanOrEqual(dials[i - 1]!);
    expect(dials[0]).toBeGreaterThan(dials[4]!);
  });

  it('never exceeds max concurrent calls or the leads left, and never places fewer than progressive', () => {
    fc.assert(fc.property(
      fc.record({
        free: fc.integer({ min: 0, max: 60 }), talking: fc.integer({ min: 0, max: 200 }), elapsed: fc.integer({ min: 0, max: 400 }),
        ringing: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }), waiting: fc.integer({ min: 0, max: 5 }),
        live: fc.integer({ min: 0, max: 5000 }), abandoned: fc.integer({ min: 0, max: 100 }), leadsLeft: fc.integer({ min: 0, max: 500 }),
        maxConcurrent: fc.integer({ min: 1, max: 600 }), guard: fc.constantFrom('quantile' as const, 'strict' as const),
      }),
      (o) => {
        const s = state(o);
        const d = decide(s, { maxConcurrent: o.maxConcurrent, guard: o.guard });
        const up = s.ringing.length + s.waiting + o.talking;
        expect(d.dial).toBeGreaterThanOrEqual(0);
        expect(d.dial).toBeLessThanOrEqual(Math.max(0, o.maxConcurrent - up));
        expect(d.dial).toBeLessThanOrEqual(o.leadsLeft);
        expect(d.dial).toBeGreaterThanOrEqual(decide(s, { mode: 'progressive', maxConcurrent: o.maxConcurrent }).dial);
      },
    ), { numRuns: 300 });
  });
});
