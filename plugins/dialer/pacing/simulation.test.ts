import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drawLead, defaultPopulation, simulateCampaign } from './simulation.ts';

/** Campaign set-ups small enough to run dozens per test: 5–50 agents, answer rates 0.1–0.6. */
const campaign = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  agents: fc.integer({ min: 5, max: 50 }),
  liveRate: fc.double({ min: 0.1, max: 0.6, noNaN: true }),
  leads: fc.integer({ min: 200, max: 1500 }),
});

describe('simulated campaign', () => {
  it('predictive holds the campaign abandon rate within 3 % over seeds, sizes and answer rates', () => {
    fc.assert(fc.property(campaign, (c) => {
      const r = simulateCampaign({ seed: c.seed, agents: c.agents, population: { leads: c.leads, liveRate: c.liveRate } });
      expect(r.finished).toBe(true);
      expect(r.dialled).toBe(c.leads);
      expect(r.abandoned).toBeLessThanOrEqual(0.03 * r.liveAnswered);
    }), { numRuns: 40 });
  });

  it('the running rate never crosses the cap, at any moment of the day (the strict guard\'s theorem)', () => {
    fc.assert(fc.property(campaign, (c) => {
      const r = simulateCampaign({ seed: c.seed, agents: c.agents, population: { leads: c.leads, liveRate: c.liveRate } });
      expect(r.crossedCap).toBe(false);
    }), { numRuns: 40 });
  });

  it('the quantile guard holds 3 % on larger teams and campaigns', () => {
    for (const seed of [1, 2, 3]) {
      const r = simulateCampaign({ seed, agents: 30, population: { leads: 3000 }, pacing: { guard: 'quantile' } });
      expect(r.abandoned).toBeLessThanOrEqual(0.03 * r.liveAnswered);
      expect(r.abandoned).toBeGreaterThan(0);
    }
  });

  it('progressive never abandons a call', () => {
    fc.assert(fc.property(campaign, (c) => {
      const r = simulateCampaign({ seed: c.seed, agents: c.agents, population: { leads: c.leads, liveRate: c.liveRate }, pacing: { mode: 'progressive' } });
      expect(r.abandoned).toBe(0);
      expect(r.connected).toBe(r.liveAnswered);
    }), { numRuns: 20 });
  });

  it('predictive beats progressive on agent utilisation, calling the same people', () => {
    const run = (mode: 'progressive' | 'predictive') => simulateCampaign({ seed: 7, agents: 20, population: { leads: 4000 }, pacing: { mode } });
    const prog = run('progressive');
    const pred = run('predictive');
    expect(pred.outcomes).toEqual(prog.outcomes);
    expect(pred.abandonRate).toBeLessThanOrEqual(0.03);
    expect(pred.utilisation).toBeGreaterThan(1.25 * prog.utilisation);
    expect(pred.duration).toBeLessThan(prog.duration);
  });

  it('places no call with no agent logged in', () => {
    const r = simulateCampaign({ seed: 1, agents: 0, population: { leads: 100 }, maxSeconds: 3600 });
    expect(r).toMatchObject({ dialled: 0, finished: false, utilisation: 0 });
  });

  it('never has more calls up than max concurrent calls', () => {
    for (const maxConcurrent of [1, 7, 30]) {
      for (const mode of ['progressive', 'predictive'] as const) {
        const r = simulateCampaign({ seed: 3, agents: 25, population: { leads: 1500 }, pacing: { mode, maxConcurrent } });
        expect(r.finished).toBe(true);
        expect(r.maxConcurrent).toBeLessThanOrEqual(maxConcurrent);
      }
    }
    // The cap binds: 25 agents uncapped keep more than 30 calls up.
    expect(simulateCampaign({ seed: 3, agents: 25, population: { leads: 1500 } }).maxConcurrent).toBeGreaterThan(30);
  });

  it('is deterministic: the same seed gives the same day, another seed another', () => {
    const o = { seed: 42, agents: 12, population: { leads: 800 } };
    expect(simulateCampaign(o)).toEqual(simulateCampaign(o));
    expect(simulateCampaign({ ...o, seed: 43 })).not.toEqual(simulateCampaign(o));
  });

  it('draws the population it is asked for', () => {
    const n = 20_000;
    const leads = Array.from({ length: n }, (_, i) => drawLead(defaultPopulation, 5, i));
    const live = leads.filter((l) => l.outcome === 'live');
    expect(live.length / n).toBeCloseTo(0.3, 1);
    expect(live.reduce((a, l) => a + l.talk, 0) / live.length).toBeGreaterThan(85);
    expect(live.reduce((a, l) => a + l.talk, 0) / live.length).toBeLessThan(95);
    expect(leads.every((l) => l.ends <= defaultPopulation.setup + defaultPopulation.noAnswerTimeout + defaultPopulation.amd)).toBe(true);
  });
});
