import { expectedPositive, LogNormal, tableSurvival, type Dist, type Empirical } from './dist.ts';

/*
 * The pacing model — why it is built this way.
 *
 * Progressive dialling places one call per free agent that no call is already ringing for, so an
 * answered call always finds an agent: it never abandons, and agents sit idle through every ring,
 * busy tone, no-answer and answering machine. Predictive dialling wins that time back by dialling
 * for agents who are still talking but will probably be free when the new calls answer. The price
 * is the risk that more people answer than there are agents; those calls are abandoned, and
 * regulators (Ofcom, US TSR) cap abandoned / live-answered at 3 % per campaign per day.
 *
 * Each tick asks: if we place n more calls, how many abandons do we expect? Over the next
 * h = mean time-to-live-answer + patience seconds,
 *   demand D = waiting callers + Σ ringing calls' chance of being a live answer (a call that has
 *              already rung r s is less likely to be live: live people answer early; the ring
 *              times are empirical tables, as outcomes are a mixture no curve fits) + n·p,
 *   supply S = free agents + Σ busy agents' chance of being free within h, from the fitted
 *              talk / wrap-up distributions and how long each agent has been in that state.
 * D and S are sums of Bernoullis (plus the uncertainty of p itself, shared by every call, which
 * dominates in the first minutes); their difference is close to normal, so expected
 * abandons E[(D − S)⁺] has a closed form and the largest safe n is a binary search of O(1) steps
 * over sums taken once per tick — a tick costs O(agents + calls), which keeps 500 calls cheap.
 *
 * Two limits pick n:
 * 1. Plan rate: expected abandons ≤ ρ × expected live answers in the window. ρ spends what is left
 *    of the day's budget (target × expected live answers for the day, less abandons so far) evenly
 *    over the live answers still expected, aiming a little under the target (`aim`): the measured
 *    abandons feed back, so a model that under-estimates risk is throttled as its abandons pile up,
 *    and the over-dial shrinks to nothing as the budget is used up. It also shrinks in proportion
 *    when fewer than `cushion` abandons are affordable right now (early in the day, or after a bad
 *    spell), so small-number noise does not carry the running rate over the cap.
 * 2. Cap guard: even if this window goes badly — abandons at a high quantile (`z` σ), or with
 *    `guard: 'strict'` every ringing call answering and no agent freeing — the day's rate must stay
 *    within the cap. 'strict' makes the cap a theorem: the worst case of what is in flight never
 *    breaks it and nothing else adds abandons, so the running rate holds at every moment, even if
 *    the campaign is stopped there; it costs utilisation all day. 'quantile' wins points on a large
 *    campaign but is only as good as the normal approximation, and early in the day (a handful of
 *    affordable abandons) one bad window carries the running rate over the cap. 'hybrid' (the
 *    default) is strict while fewer than `strictBelow` abandons are affordable and quantile after:
 *    on the bench's campaign 1.5× progressive where strict gives 1.42×, and over 36 simulated
 *    campaigns (3–50 agents, 10–30 % live, seeds 1–12) the running rate never above 2.94 %.
 * When the day's abandons have reached the cap the controller is plainly progressive. It never
 * places fewer calls than progressive would (those are covered by free agents), and never more
 * than the concurrency cap, the leads left, or with no agent logged in, any.
 */

export type PacingMode = 'progressive' | 'predictive';

/** One logged-in agent: what they are doing and for how many seconds they have been doing it. */
export interface AgentView { state: 'free' | 'talk' | 'wrap'; elapsed: number }

export interface PacingState {
  agents: readonly AgentView[];
  /** Calls placed whose outcome is not known yet (dialling, ringing, machine detection): seconds since each was placed. */
  ringing: readonly number[];
  /** Live-answered callers waiting for an agent (they abandon after the patience). */
  waiting: number;
  /** The campaign day so far: live-answered calls (abandoned ones included) and abandoned ones. */
  liveAnswered: number;
  abandoned: number;
  /** Finished attempts and how many were live-answered: the measured answer rate. */
  attempts: number;
  live: number;
  /** Measured distributions: dial → live answer, dial → end of a call that was not live (both
   *  empirical: a mixture of outcomes), talk and wrap-up (fitted lognormals). */
  dists: { liveRing: Empirical; otherRing: Empirical; talk: Dist; wrap: Dist };
  /** Leads still to dial today; unknown means "as many live answers again as so far". */
  leadsLeft?: number;
}

export interface PacingConfig {
  mode: PacingMode;
  /** Abandoned / live-answered the campaign day must stay within. */
  targetRate: number;
  /** Fraction of the target the plan aims at; the rest absorbs what the model gets wrong. */
  aim: number;
  /** Calls up at once (ringing + waiting + talking). */
  maxConcurrent: number;
  /** Seconds an answered caller waits for an agent before hearing the regulatory message. */
  patience: number;
  /** Answer-rate prior (Beta): its mean and its weight in attempts. */
  prior: { rate: number; weight: number };
  guard: 'quantile' | 'strict' | 'hybrid';
  /** Hybrid: abandons of headroom below which the strict guard applies (early in the day, after a bad spell). */
  strictBelow: number;
  /** σ above the expected window abandons that the quantile guard must survive. */
  z: number;
  /** Abandons of headroom below which the plan rate shrinks in proportion. */
  cushion: number;
}

export const defaultPacing: PacingConfig = {
  mode: 'predictive', targetRate: 0.03, aim: 0.95, maxConcurrent: Number.POSITIVE_INFINITY, patience: 2,
  prior: { rate: 0.3, weight: 4 }, guard: 'hybrid', strictBelow: 5, z: 4, cushion: 50,
};

export interface PacingDecision {
  /** New calls to place now. */
  dial: number;
  /** What actually decided: predictive can fall back to progressive. */
  mode: PacingMode;
  reason: 'no-agents' | 'progressive' | 'budget-spent' | 'predictive' | 'capped';
  /** Smoothed answer rate used. */
  answerRate: number;
  /** Plan abandon rate ρ for this tick (predictive only). */
  planRate?: number;
  /** Expected abandons in the window with `dial` placed (predictive only). */
  expectedAbandons?: number;
}

/** Beta-smoothed live-answer rate: the prior dominates the first attempts, the measurement after. */
export function answerRate(s: Pick<PacingState, 'attempts' | 'live'>, prior: PacingConfig['prior']): number {
  return (s.live + prior.rate * prior.weight) / (s.attempts + prior.weight);
}

/** Sums over the in-flight calls and agents, taken once per tick. */
interface Window {
  p: number;
  /** Variance of the answer rate itself (Beta posterior): few attempts, wide. */
  pVar: number;
  /** Expected live answers among the ringing calls (they scale with p). */
  ringingLive: number;
  /** Mean and variance of demand without new calls, and expected live answers among it. */
  demandMean: number;
  demandVar: number;
  supplyMean: number;
  supplyVar: number;
  free: number;
}

function window(s: PacingState, cfg: PacingConfig, p: number): Window {
  const { liveRing, otherRing } = s.dists;
  const talk = new LogNormal(s.dists.talk);
  const wrap = new LogNormal(s.dists.wrap);
  const h = s.dists.liveRing.mean + cfg.patience;
  const wrapMean = s.dists.wrap.mean;
  let demandMean = s.waiting;
  let demandVar = 0;
  for (const r of s.ringing) {
    const live = p * tableSurvival(liveRing, r);
    const other = (1 - p) * tableSurvival(otherRing, r);
    const q = live + other > 1e-12 ? live / (live + other) : 0;
    demandMean += q;
    demandVar += q * (1 - q);
  }
  let supplyMean = 0;
  let supplyVar = 0;
  let free = 0;
  for (const a of s.agents) {
    let q: number;
    if (a.state === 'free') { free++; q = 1; } else if (a.state === 'wrap') q = wrap.endsWithin(a.elapsed, h);
    else q = talk.endsWithin(a.elapsed, h - wrapMean);
    supplyMean += q;
    supplyVar += q * (1 - q);
  }
  const pVar = (p * (1 - p)) / (s.attempts + cfg.prior.weight + 1);
  return { p, pVar, ringingLive: demandMean - s.waiting, demandMean, demandVar, supplyMean, supplyVar, free };
}

/** Expected abandons and its z-σ quantile in the window with n new calls. */
function risk(w: Window, n: number, z: number): { expected: number; quantile: number; live: number } {
  // −0.5: continuity correction, D − S is integer-valued.
  const mu = w.demandMean + n * w.p - w.supplyMean - 0.5;
  // Every call shares one uncertain p: early in the day, that (not chance per call) is the big risk.
  const linked = (w.ringingLive + n * w.p) / Math.max(w.p, 1e-6);
  const sigma = Math.sqrt(w.demandVar + n * w.p * (1 - w.p) + w.supplyVar + linked * linked * w.pVar);
  return { expected: expectedPositive(mu, sigma), quantile: Math.max(0, mu + z * sigma), live: w.demandMean + n * w.p };
}

/** Worst case of what is in flight with n new calls: every call answers live, no agent frees. */
function strictOk(s: PacingState, cfg: PacingConfig, free: number, n: number): boolean {
  const t = cfg.targetRate;
  const r = s.ringing.length + n;
  const worst = Math.min(-Math.max(0, s.waiting - free), t * r - Math.max(0, r + s.waiting - free));
  return t * s.liveAnswered - s.abandoned + worst >= -1e-9;
}

/** How many calls to place now. Pure: the same state and config give the same answer. */
export function decide(s: PacingState, config: Partial<PacingConfig> = {}): PacingDecision {
  const cfg = { ...defaultPacing, ...config };
  const p = answerRate(s, cfg.prior);
  const agents = s.agents.length;
  if (agents === 0) return { dial: 0, mode: cfg.mode, reason: 'no-agents', answerRate: p };
  let free = 0;
  let talking = 0;
  for (const a of s.agents) {
    if (a.state === 'free') free++;
    else if (a.state === 'talk') talking++;
  }
  const inFlight = s.ringing.length + s.waiting;
  const room = Math.max(0, Math.min(
    cfg.maxConcurrent - inFlight - talking,
    s.leadsLeft ?? Number.POSITIVE_INFINITY,
  ));
  const progressive = Math.min(room, Math.max(0, free - inFlight));
  const t = cfg.targetRate;
  if (cfg.mode === 'progressive') return { dial: progressive, mode: 'progressive', reason: 'progressive', answerRate: p };
  if (s.abandoned > 0 && s.abandoned >= t * s.liveAnswered) {
    return { dial: progressive, mode: 'progressive', reason: 'budget-spent', answerRate: p };
  }

  const w = window(s, cfg, p);
  // Spread what is left of the day's budget over the live answers still to come.
  const liveToCome = s.leadsLeft !== undefined ? s.leadsLeft * p + w.demandMean : Math.max(s.liveAnswered, 100);
  const budget = cfg.aim * t * (s.liveAnswered + liveToCome) - s.abandoned;
  // Headroom: abandons affordable right now. Below `cushion` of them the plan shrinks towards
  // progressive, so one unlucky window early in the day cannot push the running rate over the cap.
  const headroom = t * s.liveAnswered - s.abandoned;
  const planRate = Math.min(t, Math.max(0, budget / Math.max(liveToCome, 1))) * Math.min(1, Math.max(0, headroom / cfg.cushion));
  const ok = (n: number): boolean => {
    const r = risk(w, n, cfg.z);
    if (r.expected > planRate * r.live + 1e-12) return false;
    if (cfg.guard === 'strict' || (cfg.guard === 'hybrid' && headroom < cfg.strictBelow)) return strictOk(s, cfg, w.free, n);
    // Only abandons already affordable count: crediting the live answers to come would let a small
    // campaign risk an abandon its whole day can never pay for.
    return t * s.liveAnswered - s.abandoned - r.quantile >= 0;
  };
  // Feasibility shrinks as n grows (see the model note), so the largest feasible n is a bisection.
  const ceiling = Math.min(room, Math.ceil((agents * 4) / Math.max(p, 0.01)));
  let lo = progressive;
  let hi = ceiling;
  if (lo >= hi || !ok(lo + 1)) {
    const r = risk(w, lo, cfg.z);
    return { dial: lo, mode: 'predictive', reason: lo >= room ? 'capped' : 'predictive', answerRate: p, planRate, expectedAbandons: r.expected };
  }
  lo++;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid; else hi = mid - 1;
  }
  const r = risk(w, lo, cfg.z);
  return { dial: lo, mode: 'predictive', reason: lo >= room ? 'capped' : 'predictive', answerRate: p, planRate, expectedAbandons: r.expected };
}
