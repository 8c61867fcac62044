import { randomUUID } from 'node:crypto';
import { dialNumberProblem, type AriEvent, type AriService, type EntityManager } from '../../../sdk/index.ts';
import type { AgentView as QueueAgent } from '../../queues/api/index.ts';
import { AttemptSchema, CampaignSchema, LeadSchema, type Attempt, type Campaign, type CampaignState, type Lead } from '../entities.ts';
import { dialRules, mayDial, type Attempt as HistoryEntry, type Outcome } from '../leads/eligibility.ts';
import { loadDnc } from '../leads/store.ts';
import { decide, type AgentView as PacingAgent } from '../pacing/controller.ts';
import { PacingStats } from '../pacing/stats.ts';
import { isTrunkFailure, outcomeOfCause } from './outcome.ts';

export const STASIS_APP = 'acm-dialer';

/** A lead's result after press-to-transfer: the only trace of an announce call that reached the queue. */
export const TRANSFERRED = 'answered (to the queue)';

/** The channel an event is about: a playback's is its target (`channel:<id>`), it has no `channel`. */
export function channelOf(e: AriEvent): string | undefined {
  if (e.channel?.id) return e.channel.id;
  const target = e.playback?.target_uri;
  return target?.startsWith('channel:') ? target.slice('channel:'.length) : undefined;
}

/** What a runner needs from the plugin: placed here so a test can run it on the simulator. */
export interface RunnerDeps {
  ari: AriService;
  em(): EntityManager;
  now(): number;
  /** Live members of the campaign's queue (empty for announce campaigns). */
  agents(): QueueAgent[];
  /** Where an answered call goes: the queue's dialplan place. */
  queueTarget?: { context: string; extension: string };
  /** `PJSIP/<number>@<endpoint>` for the campaign's trunk. */
  trunkEndpoint: string;
  /** Calls up at once the cluster and the trunk still allow (other campaigns' calls counted). */
  roomElsewhere(): number;
  trunkDownAfter: number;
  publish(progress: Progress): void;
  log(msg: string, extra?: Record<string, unknown>): void;
}

export interface Progress {
  campaignId: number;
  tenantId: number;
  clusterId: number;
  state: CampaignState;
  stateReason: string | null;
  dialled: number;
  answered: number;
  connected: number;
  abandoned: number;
  abandonPercent: number | null;
  inFlight: number;
  agentsBusy: number;
  agentsFree: number;
  leadsLeft: number;
  /** Seconds until the leads left are dialled at the current rate (null: no rate yet). */
  etaSeconds: number | null;
}

interface Call {
  channelId: string;
  attemptId: number;
  leadId: number;
  serverId: number;
  placedAt: number;
  answeredAt?: number;
  phase: 'ringing' | 'waiting' | 'connected' | 'announce' | 'abandon';
  timer?: NodeJS.Timeout;
  /** A preview call: the agent who chose the lead takes it. */
  to?: { context: string; extension: string };
}

/** How long an answered caller may wait for a free agent: the regulatory message must start within 2 s (Ofcom). */
export const PATIENCE_MS = 1500;

/**
 * One running campaign: each tick asks the pacing controller how many calls to place, takes that
 * many leads mayDial allows at this instant (DNC and calling hours judged again at dial time),
 * originates them into the Stasis app and follows each call to its outcome.
 */
export class CampaignRunner {
  readonly calls = new Map<string, Call>();
  private stats = new PacingStats();
  private counts = { dialled: 0, answered: 0, connected: 0 };
  private congestionRun = 0;
  private leadsLeft = 0;
  private startedAt: number;
  private ticking = false;

  constructor(
    public campaign: Campaign, private readonly deps: RunnerDeps, public state: CampaignState = 'running', public stateReason: string | null = null,
    /** What the campaign day counted before this runner (a restart, a pause): the cap is per day. */
    today: { liveAnswered: number; abandoned: number } = { liveAnswered: 0, abandoned: 0 },
  ) {
    this.startedAt = deps.now();
    this.stats.liveAnswered = today.liveAnswered;
    this.stats.abandoned = today.abandoned;
  }

  get inFlight(): number { return this.calls.size; }

  private pacingAgents(): PacingAgent[] {
    const now = this.deps.now();
    const out: PacingAgent[] = [];
    for (const a of this.deps.agents()) {
      if (a.state !== 'available' && a.state !== 'busy') continue;
      out.push({ state: a.state === 'available' ? 'free' : 'talk', elapsed: Math.max(0, (now - Date.parse(a.since)) / 1000) });
    }
    return out;
  }

  /** Places the calls the pacing allows now. */
  async tick(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'no-agents') return;
    if (this.ticking) return;
    this.ticking = true;
    try {
      const em = this.deps.em();
      this.leadsLeft = await em.count(LeadSchema, { campaignId: this.campaign.id, status: { $in: ['pending', 'dialling'] } });
      if (this.leadsLeft === 0 && this.calls.size === 0) { await this.setState('done', 'every lead has been dialled to its end'); return; }
      const n = this.plan();
      if (n > 0) await this.dialNext(em, n);
    } finally {
      this.ticking = false;
      this.publish();
    }
  }

  private plan(): number {
    const room = Math.max(0, Math.min(this.campaign.maxConcurrent - this.calls.size, this.deps.roomElsewhere()));
    if (this.campaign.mode === 'announce') return room;
    // Preview: an agent picks each lead and places the call (PreviewDesk); nothing is dialled ahead.
    if (this.campaign.mode === 'preview') return 0;
    const agents = this.pacingAgents();
    if (agents.length === 0) {
      if (this.state !== 'no-agents') void this.setState('no-agents', 'no agent is logged in to the queue');
      return 0;
    }
    if (this.state === 'no-agents') void this.setState('running', null);
    const now = this.deps.now();
    const ringing: number[] = [];
    let waiting = 0;
    for (const c of this.calls.values()) {
      if (c.phase === 'ringing') ringing.push((now - c.placedAt) / 1000);
      else if (c.phase === 'waiting') waiting++;
    }
    const d = decide({
      agents, ringing, waiting, liveAnswered: this.stats.liveAnswered, abandoned: this.stats.abandoned,
      attempts: this.stats.attempts, live: this.stats.live, dists: this.stats.dists(agents), leadsLeft: this.leadsLeft,
    }, {
      // Preview dials only for an agent who is free (they see the lead first): never ahead of them.
      mode: this.campaign.mode === 'predictive' ? 'predictive' : 'progressive',
      targetRate: this.campaign.abandonTarget / 100,
      maxConcurrent: this.calls.size + room,
    });
    // The input keeps the target at or under the cap; the controller's strict guard never lets the day exceed the target.
    return Math.min(d.dial, room);
  }

  /**
   * Up to `n` leads mayDial allows at this instant (DNC and calling hours judged again now), in
   * the order they became due; a lead that may not be dialled is rescheduled or closed on the way.
   */
  async eligible(em: EntityManager, n: number, skip: (leadId: number) => boolean = () => false): Promise<Lead[]> {
    const now = this.deps.now();
    const leads = await em.find(LeadSchema, {
      campaignId: this.campaign.id, status: 'pending', $or: [{ nextAt: null }, { nextAt: { $lte: new Date(now) } }],
    }, { orderBy: { nextAt: 'asc', id: 'asc' }, limit: n * 4 + 10 });
    const rules = { rules: dialRules(this.campaign.rules), dnc: await loadDnc(em, this.campaign.tenantId, leads.map((l) => l.number)) };
    const out: Lead[] = [];
    for (const lead of leads) {
      if (out.length >= n) break;
      if (skip(lead.id)) continue;
      const history = (await em.find(AttemptSchema, { leadId: lead.id })).map((a): HistoryEntry => ({ at: a.at.getTime(), outcome: a.outcome }));
      const v = mayDial(lead, rules, now, history);
      if (!v.ok) {
        if ('nextAt' in v) await em.nativeUpdate(LeadSchema, { id: lead.id }, { nextAt: new Date(v.nextAt), result: v.detail });
        else await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: lead.attempts ? 'done' : 'never', result: v.detail, nextAt: null });
        continue;
      }
      out.push(lead);
    }
    return out;
  }

  private async dialNext(em: EntityManager, n: number): Promise<void> {
    let placed = 0;
    for (const lead of await this.eligible(em, n)) {
      if (placed >= n || this.state !== 'running') break;
      if (await this.originate(em, lead)) placed++;
    }
  }

  /** Places a call to the lead; `to`: where the answered call goes instead of the campaign's queue (a preview agent). */
  async originate(em: EntityManager, lead: Lead, to?: Call['to']): Promise<boolean> {
    // The number was normalised at import; checked again as the dial string Asterisk will parse.
    const bad = dialNumberProblem(lead.number);
    if (bad) { await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: 'never', result: bad }); return false; }
    const server = this.deps.ari.connected(STASIS_APP, this.campaign.clusterId)[0];
    if (!server) { await this.setState('paused', 'no Asterisk server of the cluster has the dialer\'s ARI application connected'); return false; }
    const channelId = `dialer-${this.campaign.id}-${randomUUID()}`;
    const at = new Date(this.deps.now());
    const attempt = em.create(AttemptSchema, {
      tenantId: this.campaign.tenantId, campaignId: this.campaign.id, leadId: lead.id, trunkId: this.campaign.trunkId,
      channelId, at, outcome: 'in-progress', abandoned: false,
    } as Attempt);
    await em.flush();
    await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: 'dialling', attempts: lead.attempts + 1, nextAt: null });
    const call: Call = { channelId, attemptId: attempt.id, leadId: lead.id, serverId: server.serverId, placedAt: at.getTime(), phase: 'ringing', ...(to ? { to } : {}) };
    this.calls.set(channelId, call);
    this.counts.dialled++;
    try {
      await this.deps.ari.originate(server.serverId, {
        endpoint: this.deps.trunkEndpoint.replace('<number>', lead.number), app: STASIS_APP,
        appArgs: [String(this.campaign.id), String(lead.id)], callerId: this.campaign.callerId, timeoutSeconds: 30, channelId,
      });
      return true;
    } catch (err) {
      // Refused before a channel existed: the trunk or the server, not the callee.
      this.deps.log('originate failed', { err: (err as Error).message, campaignId: this.campaign.id });
      await this.finish(call, 'congestion', 34);
      return false;
    }
  }

  /** An event of one of this campaign's channels. */
  async onEvent(e: AriEvent): Promise<void> {
    const id = channelOf(e);
    const call = id ? this.calls.get(id) : undefined;
    if (!call) return;
    const ari = this.deps.ari;
    switch (e.type) {
      case 'StasisStart': {
        call.answeredAt = this.deps.now();
        this.counts.answered++;
        this.stats.liveAnswer((call.answeredAt - call.placedAt) / 1000);
        await this.deps.em().nativeUpdate(AttemptSchema, { id: call.attemptId }, { outcome: 'answered', answeredAt: new Date(call.answeredAt) });
        if (this.campaign.mode === 'announce') {
          call.phase = 'announce';
          const media = [this.campaign.greeting, this.campaign.message].filter((m): m is string => !!m).map((m) => `sound:${m}`);
          await ari.play(call.serverId, call.channelId, media, `${call.channelId}-msg`);
          return;
        }
        if (call.to) await this.connect(call, call.to);
        else await this.connectOrWait(call);
        return;
      }
      case 'ChannelDtmfReceived':
        if (call.phase === 'announce' && this.campaign.transferDigit && e.digit === this.campaign.transferDigit) await this.toQueue(call);
        return;
      case 'PlaybackFinished':
        if (call.phase === 'announce' || call.phase === 'abandon') await ari.hangup(call.serverId, call.channelId).catch(() => undefined);
        return;
      case 'ChannelDestroyed':
        await this.finish(call, call.answeredAt ? 'answered' : outcomeOfCause(e.cause), e.cause);
        return;
      default:
    }
  }

  private freeAgents(): number {
    let free = 0;
    for (const a of this.deps.agents()) if (a.state === 'available') free++;
    // Calls already sent to the queue and not yet showing the agent busy take a free agent each.
    let sending = 0;
    const now = this.deps.now();
    for (const c of this.calls.values()) if (c.phase === 'connected' && c.answeredAt && now - c.answeredAt < 3000) sending++;
    return free - sending;
  }

  private async connectOrWait(call: Call): Promise<void> {
    if (this.freeAgents() > 0) { await this.toQueue(call); return; }
    call.phase = 'waiting';
    call.timer = setTimeout(() => {
      if (call.phase !== 'waiting') return;
      if (this.freeAgents() > 0) { void this.toQueue(call); return; }
      void this.abandon(call);
    }, PATIENCE_MS);
    call.timer.unref?.();
  }

  private async toQueue(call: Call): Promise<void> {
    if (this.deps.queueTarget) await this.connect(call, this.deps.queueTarget);
  }

  private async connect(call: Call, target: { context: string; extension: string }): Promise<void> {
    clearTimeout(call.timer);
    call.phase = 'connected';
    this.counts.connected++;
    await this.deps.ari.continueInDialplan(call.serverId, call.channelId, { context: target.context, extension: target.extension, priority: 1 });
  }

  /** Answered with no agent: the regulatory message (who called, a number to call back), counted abandoned. */
  private async abandon(call: Call): Promise<void> {
    call.phase = 'abandon';
    this.stats.abandon();
    await this.deps.em().nativeUpdate(AttemptSchema, { id: call.attemptId }, { abandoned: true });
    await this.deps.ari.play(call.serverId, call.channelId, `sound:${this.campaign.abandonMessage}`, `${call.channelId}-abandon`).catch(() => undefined);
    this.publish();
  }

  private async finish(call: Call, outcome: Outcome, cause: number | undefined): Promise<void> {
    if (!this.calls.delete(call.channelId)) return;
    clearTimeout(call.timer);
    const now = this.deps.now();
    if (outcome !== 'answered') this.stats.notLive((now - call.placedAt) / 1000);
    else if (call.phase === 'connected' && call.answeredAt) this.stats.talk.add((now - call.answeredAt) / 1000);
    const em = this.deps.em();
    await em.nativeUpdate(AttemptSchema, { id: call.attemptId }, { outcome, cause: cause ?? null, endedAt: new Date(now) });
    // Where the lead stands now: the same rules as the next dial (retry wait, limits, done).
    const lead = await em.findOneOrFail(LeadSchema, { id: call.leadId });
    const history = (await em.find(AttemptSchema, { leadId: lead.id })).map((a): HistoryEntry => ({ at: a.at.getTime(), outcome: a.outcome }));
    const v = mayDial(lead, { rules: dialRules(this.campaign.rules), dnc: await loadDnc(em, this.campaign.tenantId, [lead.number]) }, now, history);
    const result = outcome !== 'answered' ? outcome
      : call.phase === 'abandon' ? 'abandoned'
      : call.phase === 'connected' && this.campaign.mode === 'announce' ? TRANSFERRED : outcome;
    if (v.ok) await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: 'pending', result, nextAt: null });
    else if ('nextAt' in v) await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: 'pending', result: `${result}; ${v.detail}`, nextAt: new Date(v.nextAt) });
    else await em.nativeUpdate(LeadSchema, { id: lead.id }, { status: 'done', result: outcome === 'answered' ? result : `${result}; ${v.detail}`, nextAt: null });

    if (outcome === 'congestion' && isTrunkFailure(cause)) {
      if (++this.congestionRun >= this.deps.trunkDownAfter && this.state === 'running') {
        await this.setState('trunk-down', `${this.congestionRun} calls in a row failed on the trunk (cause ${cause}); dialling paused until it is resumed`);
      }
    } else this.congestionRun = 0;
    this.publish();
  }

  async setState(state: CampaignState, reason: string | null): Promise<void> {
    if (this.state === state && this.stateReason === reason) return;
    this.state = state;
    this.stateReason = reason;
    if (state === 'running') this.congestionRun = 0;
    await this.deps.em().nativeUpdate(CampaignSchema, { id: this.campaign.id }, { state, stateReason: reason });
    this.deps.log(`campaign ${this.campaign.name}: ${state}${reason ? ` (${reason})` : ''}`);
    this.publish();
  }

  /** Stop: no new calls; calls up are left to end. Ringing ones are hung up (nobody would take them). */
  async hangupRinging(): Promise<void> {
    for (const c of this.calls.values()) {
      if (c.phase === 'ringing') await this.deps.ari.hangup(c.serverId, c.channelId).catch(() => undefined);
    }
  }

  progress(): Progress {
    const agents = this.deps.agents();
    const busy = agents.filter((a) => a.state === 'busy').length;
    const free = agents.filter((a) => a.state === 'available').length;
    const elapsed = (this.deps.now() - this.startedAt) / 1000;
    const rate = elapsed > 0 ? this.counts.dialled / elapsed : 0;
    return {
      campaignId: this.campaign.id, tenantId: this.campaign.tenantId, clusterId: this.campaign.clusterId, state: this.state, stateReason: this.stateReason,
      dialled: this.counts.dialled, answered: this.counts.answered, connected: this.counts.connected, abandoned: this.stats.abandoned,
      abandonPercent: this.stats.liveAnswered ? Math.round((this.stats.abandoned / this.stats.liveAnswered) * 10_000) / 100 : null,
      inFlight: this.calls.size, agentsBusy: busy, agentsFree: free, leadsLeft: this.leadsLeft,
      etaSeconds: rate > 0 ? Math.round(this.leadsLeft / rate) : null,
    };
  }

  private publish(): void { this.deps.publish(this.progress()); }
}
