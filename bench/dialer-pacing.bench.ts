import { decide, type AgentView, type PacingState } from '../plugins/dialer/pacing/controller.ts';
import { simulateCampaign } from '../plugins/dialer/pacing/simulation.ts';
import { PacingStats } from '../plugins/dialer/pacing/stats.ts';
import type { Bench } from './harness.ts';

/** The campaign: 50 agents, 20,000 leads, 30 % answer, mean talk 90 s (defaultPopulation). */
const AGENTS = 50;
const LEADS = 20_000;
const SEED = 17;

/** A busy tick: 500 calls up (300 ringing, 200 agents talking), every agent and call in a different state. */
function bigState(): PacingState {
  const stats = new PacingStats();
  for (let i = 0; i < 2000; i++) stats.notLive([3, 15, 27][i % 3]!);
  for (let i = 0; i < 900; i++) { stats.liveAnswer(4 + (i % 12)); stats.talk.add(20 + (i % 150)); stats.wrap.add(10); }
  const agents: AgentView[] = Array.from({ length: 220 }, (_, i) => (i < 200 ? { state: 'talk', elapsed: i % 170 } : { state: i % 2 ? 'wrap' : 'free', elapsed: i % 9 }));
  return {
    agents, ringing: Array.from({ length: 300 }, (_, i) => i % 28), waiting: 0, liveAnswered: 6000, abandoned: 120,
    attempts: stats.attempts, live: stats.live, dists: stats.dists(agents), leadsLeft: 50_000,
  };
}

function perTick(fn: () => void): number {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const runs: number[] = [];
  for (let run = 0; run < 7; run++) {
    const n = 2000;
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    runs.push(((performance.now() - start) * 1000) / n);
  }
  return median(runs);
}

export const dialerPacing: Bench = {
  name: 'dialer pacing',
  async run() {
    const population = { leads: LEADS };
    const base = simulateCampaign({ seed: SEED, agents: AGENTS, population, pacing: { mode: 'progressive' } });
    const pred = simulateCampaign({ seed: SEED, agents: AGENTS, population, pacing: { mode: 'predictive' } });
    // The default (hybrid cap guard), and the strict guard (the cap holds at every instant) for comparison.
    const strict = simulateCampaign({ seed: SEED, agents: AGENTS, population, pacing: { mode: 'predictive', guard: 'strict' } });
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    const hours = (s: number) => `${(s / 3600).toFixed(2)} h`;

    const s = bigState();
    let sink = 0;
    const controller = perTick(() => { sink += decide(s).dial; });
    // The floor: one pass reading every agent and call once, which any pacing that looks at them needs.
    const floor = perTick(() => {
      let acc = 0;
      for (const a of s.agents) acc += a.elapsed;
      for (const r of s.ringing) acc += r;
      sink += acc;
    });
    if (sink === 0.5) console.log(sink);
    return [
      {
        name: `dialer: agent utilisation, ${AGENTS} agents, ${LEADS.toLocaleString('en-US')} leads`, value: pred.utilisation * 100, unit: '%',
        baseline: base.utilisation * 100, target: 150 * base.utilisation, better: 'higher',
        note: `${(pred.utilisation / base.utilisation).toFixed(2)}× progressive; day ${hours(pred.duration)} vs ${hours(base.duration)}; strict guard ${(strict.utilisation * 100).toFixed(1)} %`,
      },
      {
        name: 'dialer: abandon rate over the campaign', value: pred.abandonRate * 100, unit: '%', baseline: base.abandonRate * 100, target: 3, better: 'lower',
        note: `${pred.abandoned}/${pred.liveAnswered} live; worst running ${pct(pred.worstRunningRate)}; strict ${pct(strict.abandonRate)}, worst ${pct(strict.worstRunningRate)}`,
      },
      {
        name: 'dialer: pacing decision at 500 concurrent calls', value: controller, unit: 'µs/tick', baseline: floor, target: 1000, better: 'lower',
        note: 'baseline = one bare pass over the agents and calls; target = 0.1 % of a 1 s tick',
      },
    ];
  },
};
