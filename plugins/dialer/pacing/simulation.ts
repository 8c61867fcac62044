import { decide, defaultPacing, type AgentView, type PacingConfig } from './controller.ts';
import { EventHeap } from './heap.ts';
import { lognormal, mulberry32, subSeed } from './random.ts';
import { PacingStats } from './stats.ts';
import type { Dist } from './dist.ts';

/**
 * A whole campaign on a simulated clock: a seeded population of callees, agents who take, talk and
 * wrap up calls, and the pacing controller asked once per simulated second. Event-driven, no
 * timers: a 20,000-lead day runs in a fraction of a second.
 *
 * Each lead's outcome, ring and talk time come from its own stream (seed, lead index), so two
 * runs that differ only in pacing mode call the same people with the same results — the
 * comparison measures the pacing, not the luck of the draw.
 */

export type Outcome = 'live' | 'machine' | 'busy' | 'no-answer';

export interface Population {
  leads: number;
  /** Chance a person answers (before the no-answer timeout). */
  liveRate: number;
  machineRate: number;
  busyRate: number;
  /** Seconds from placing a call to the far end ringing (post-dial delay). */
  setup: number;
  /** Ringing time before a person answers. */
  liveRing: Dist;
  /** Ringing time before an answering machine picks up, then seconds to detect it. */
  machineRing: Dist;
  amd: number;
  /** Seconds the campaign lets a call ring unanswered. */
  noAnswerTimeout: number;
  talk: Dist;
  wrap: Dist;
}

export const defaultPopulation: Population = {
  leads: 20_000, liveRate: 0.3, machineRate: 0.12, busyRate: 0.08, setup: 2,
  liveRing: { mean: 8, sd: 4 }, machineRing: { mean: 12, sd: 4 }, amd: 3, noAnswerTimeout: 25,
  talk: { mean: 90, sd: 60 }, wrap: { mean: 10, sd: 0 },
};

export interface SimOptions {
  seed: number;
  agents: number;
  population?: Partial<Population>;
  pacing?: Partial<PacingConfig>;
  /** Stop the clock here even if leads are left (a campaign day). */
  maxSeconds?: number;
}

export interface SimResult {
  dialled: number;
  outcomes: Record<Outcome, number>;
  liveAnswered: number;
  connected: number;
  abandoned: number;
  /** abandoned / live-answered. */
  abandonRate: number;
  talkSeconds: number;
  loggedInSeconds: number;
  /** talk time / logged-in time. */
  utilisation: number;
  /** Simulated seconds until the last call ended. */
  duration: number;
  /** All leads dialled and every call ended before maxSeconds. */
  finished: boolean;
  maxConcurrent: number;
  /** The largest day abandon rate seen after 100 live answers (the cap must hold all day, not just at the end). */
  worstRunningRate: number;
  /** Live answers so far when it was seen. */
  worstRunningAt: number;
  /** Whether abandoned ever exceeded targetRate × live-answered, at any moment of the day. */
  crossedCap: boolean;
  ticks: number;
  /** Ticks on which a predictive controller fell back to progressive because the budget was spent. */
  budgetSpentTicks: number;
}

interface Lead { outcome: Outcome; ends: number; talk: number }

interface Call { lead: Lead; placed: number; state: 'ringing' | 'waiting' | 'connected' | 'gone' }

interface Agent { state: AgentView['state']; since: number }

type Ev = { k: 'tick' } | { k: 'ringEnd'; call: Call } | { k: 'abandon'; call: Call } | { k: 'talkEnd'; agent: number } | { k: 'wrapEnd'; agent: number };

/** Lead i of the population drawn from seed: what will happen when it is called. */
export function drawLead(pop: Population, seed: number, i: number): Lead {
  const rnd = mulberry32(subSeed(seed, i));
  const u = rnd();
  const talk = lognormal(rnd, pop.talk.mean, pop.talk.sd);
  const ring = (d: Dist) => Math.min(Math.max(0.5, lognormal(rnd, d.mean, d.sd)), pop.noAnswerTimeout - 0.5);
  if (u < pop.liveRate) return { outcome: 'live', ends: pop.setup + ring(pop.liveRing), talk };
  if (u < pop.liveRate + pop.machineRate) return { outcome: 'machine', ends: pop.setup + ring(pop.machineRing) + pop.amd, talk: 0 };
  if (u < pop.liveRate + pop.machineRate + pop.busyRate) return { outcome: 'busy', ends: pop.setup + 1, talk: 0 };
  return { outcome: 'no-answer', ends: pop.setup + pop.noAnswerTimeout, talk: 0 };
}

export function simulateCampaign(o: SimOptions): SimResult {
  const pop: Population = { ...defaultPopulation, ...o.population };
  const patience = o.pacing?.patience ?? defaultPacing.patience;
  const cap = o.pacing?.targetRate ?? defaultPacing.targetRate;
  const maxSeconds = o.maxSeconds ?? 24 * 3600;
  const wrapRnd = mulberry32(subSeed(o.seed, -1));
  const stats = new PacingStats();
  const heap = new EventHeap<Ev>();
  const agents: Agent[] = Array.from({ length: o.agents }, () => ({ state: 'free', since: 0 }));
  const freeQueue: number[] = agents.map((_, i) => i);
  const inFlight = new Set<Call>();
  const waiting: Call[] = [];
  const r: SimResult = {
    dialled: 0, outcomes: { live: 0, machine: 0, busy: 0, 'no-answer': 0 }, liveAnswered: 0, connected: 0, abandoned: 0,
    abandonRate: 0, talkSeconds: 0, loggedInSeconds: 0, utilisation: 0, duration: 0, finished: false, maxConcurrent: 0,
    worstRunningRate: 0, worstRunningAt: 0, crossedCap: false, ticks: 0, budgetSpentTicks: 0,
  };
  let next = 0;
  let talking = 0;
  let now = 0;
  let lastActivity = 0;

  const connect = (call: Call, agentId: number) => {
    const a = agents[agentId]!;
    call.state = 'connected';
    a.state = 'talk';
    a.since = now;
    talking++;
    r.connected++;
    heap.push(now + call.lead.talk, { k: 'talkEnd', agent: agentId });
  };
  const noteRate = () => {
    const rate = stats.abandoned / stats.liveAnswered;
    if (stats.abandoned > cap * stats.liveAnswered + 1e-9) r.crossedCap = true;
    if (stats.liveAnswered >= 100 && rate > r.worstRunningRate) { r.worstRunningRate = rate; r.worstRunningAt = stats.liveAnswered; }
  };

  heap.push(0, { k: 'tick' });
  for (let ev = heap.pop(); ev; ev = heap.pop()) {
    now = ev.at;
    const e = ev.value;
    if (e.k !== 'tick') lastActivity = now;
    switch (e.k) {
      case 'tick': {
        r.ticks++;
        const ringing: number[] = [];
        for (const c of inFlight) ringing.push(now - c.placed);
        const views: AgentView[] = agents.map((a) => ({ state: a.state, elapsed: now - a.since }));
        const d = decide({
          agents: views, ringing, waiting: waiting.length, liveAnswered: stats.liveAnswered, abandoned: stats.abandoned,
          attempts: stats.attempts, live: stats.live, dists: stats.dists(views), leadsLeft: pop.leads - next,
        }, o.pacing);
        if (d.reason === 'budget-spent') r.budgetSpentTicks++;
        for (let i = 0; i < d.dial && next < pop.leads; i++) {
          const call: Call = { lead: drawLead(pop, o.seed, next++), placed: now, state: 'ringing' };
          inFlight.add(call);
          r.dialled++;
          heap.push(now + call.lead.ends, { k: 'ringEnd', call });
        }
        r.maxConcurrent = Math.max(r.maxConcurrent, inFlight.size + waiting.length + talking);
        const busy = inFlight.size > 0 || waiting.length > 0 || agents.some((a) => a.state !== 'free');
        if ((next < pop.leads || busy) && now + 1 <= maxSeconds) heap.push(now + 1, { k: 'tick' });
        break;
      }
      case 'ringEnd': {
        const call = e.call;
        inFlight.delete(call);
        r.outcomes[call.lead.outcome]++;
        if (call.lead.outcome !== 'live') { stats.notLive(call.lead.ends); call.state = 'gone'; break; }
        stats.liveAnswer(call.lead.ends);
        r.liveAnswered++;
        const agentId = freeQueue.shift();
        if (agentId !== undefined) connect(call, agentId);
        else {
          call.state = 'waiting';
          waiting.push(call);
          heap.push(now + patience, { k: 'abandon', call });
        }
        noteRate();
        break;
      }
      case 'abandon': {
        if (e.call.state !== 'waiting') break;
        e.call.state = 'gone';
        waiting.splice(waiting.indexOf(e.call), 1);
        stats.abandon();
        r.abandoned++;
        noteRate();
        break;
      }
      case 'talkEnd': {
        const a = agents[e.agent]!;
        r.talkSeconds += now - a.since;
        stats.talk.add(now - a.since);
        talking--;
        a.state = 'wrap';
        a.since = now;
        heap.push(now + lognormal(wrapRnd, pop.wrap.mean, pop.wrap.sd), { k: 'wrapEnd', agent: e.agent });
        break;
      }
      case 'wrapEnd': {
        const a = agents[e.agent]!;
        stats.wrap.add(now - a.since);
        a.state = 'free';
        a.since = now;
        const call = waiting.shift();
        if (call) connect(call, e.agent);
        else freeQueue.push(e.agent);
        break;
      }
    }
  }
  r.duration = lastActivity;
  r.finished = next >= pop.leads && inFlight.size === 0 && waiting.length === 0 && agents.every((a) => a.state === 'free');
  r.loggedInSeconds = o.agents * r.duration;
  r.utilisation = r.loggedInSeconds > 0 ? r.talkSeconds / r.loggedInSeconds : 0;
  r.abandonRate = r.liveAnswered > 0 ? r.abandoned / r.liveAnswered : 0;
  return r;
}
