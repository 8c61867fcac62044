import { ConflictError, objectNames, type AriEvent, type AriService, type EntityManager, type ModelService } from '../../../sdk/index.ts';
import type { AgentView as QueueAgent, QueuesService } from '../../queues/api/index.ts';
import { AttemptSchema, CampaignSchema, LeadSchema, type Campaign, type CampaignState, type Lead } from '../entities.ts';
import { PreviewDesk } from './preview.ts';
import { CampaignRunner, channelOf, STASIS_APP, TRANSFERRED, type Progress } from './campaign-runner.ts';

/*
 * The campaigns running in this process. The database row's `state` is the truth: the API acts
 * here at once, the CLI (another process) writes the row, and each tick reconciles the runners
 * with the rows — a campaign marked running gets a runner, one paused or stopped elsewhere is
 * paused or stopped here.
 */

export interface ManagerDeps {
  ari: AriService;
  queues: () => QueuesService;
  model: ModelService;
  em(): EntityManager;
  now(): number;
  settings(): { maxConcurrentPerCluster: number; trunkDownAfter: number };
  publish(p: Progress): void;
  log(msg: string, extra?: Record<string, unknown>): void;
}

/** States a runner follows: it dials in the first two, and keeps its calls and figures in all. */
const ACTIVE: readonly CampaignState[] = ['running', 'no-agents', 'trunk-down', 'paused'];

/** The transitions an operator asks for, and the states each may start from. */
export const ACTIONS = {
  start: { to: 'running', from: ['idle', 'paused', 'trunk-down', 'no-agents', 'stopped', 'done'] },
  pause: { to: 'paused', from: ['running', 'no-agents', 'trunk-down'] },
  stop: { to: 'stopped', from: ['running', 'no-agents', 'trunk-down', 'paused'] },
} as const satisfies Record<string, { to: CampaignState; from: readonly CampaignState[] }>;
export type CampaignAction = keyof typeof ACTIONS;

/** An operator's state on the row; the reason of a pause the runner took is cleared. */
export async function writeState(em: EntityManager, c: Campaign, state: CampaignState): Promise<void> {
  await em.nativeUpdate(CampaignSchema, { id: c.id }, { state, stateReason: null });
}

const dayStart = (now: number) => new Date(Math.floor(now / 86_400_000) * 86_400_000);

export class DialerManager {
  private readonly runners = new Map<number, CampaignRunner>();
  private readonly chains = new Map<number, Promise<void>>();
  private readonly desks = new Map<number, PreviewDesk>();

  constructor(private readonly d: ManagerDeps) {}

  /** Events of the Stasis app: a channel id names its campaign (`dialer-<campaign>-<uuid>`). */
  onEvent(e: AriEvent): void {
    const m = /^dialer-(\d+)-/.exec(channelOf(e) ?? '');
    const runner = m ? this.runners.get(Number(m[1])) : undefined;
    if (!runner) return;
    // One campaign's events are handled in the order Asterisk sent them: a handler waits for the
    // database, and a ChannelDestroyed must not overtake the StasisStart of its own call.
    this.chains.set(runner.campaign.id, (this.chains.get(runner.campaign.id) ?? Promise.resolve())
      .then(() => runner.onEvent(e))
      .catch((err: Error) => this.d.log('dialer event not handled', { err: err.message, type: e.type })));
  }

  /** Live agents of the campaign's queue (none for an announce campaign). */
  private agents(c: Campaign) {
    return c.queueId ? this.d.queues().agents(c.clusterId).filter((a) => a.queueId === c.queueId) : [];
  }

  /**
   * What refuses an operator's action on a campaign, checked where it is asked (`live`: the
   * process sees the agents and the ARI sockets, as the server does; a CLI process does not and
   * leaves those checks to the server's runner, which pauses the campaign with the reason).
   */
  async check(em: EntityManager, c: Campaign, action: CampaignAction, live: boolean): Promise<void> {
    const rule = ACTIONS[action];
    if (!(rule.from as readonly string[]).includes(c.state)) {
      throw new ConflictError(`campaign ${c.name} is ${c.state}: it cannot ${action} (only when ${rule.from.join(', ')})`);
    }
    if (action !== 'start') return;
    const left = await em.count(LeadSchema, { campaignId: c.id, status: { $in: ['pending', 'dialling'] } });
    if (left === 0) throw new ConflictError(`campaign ${c.name} has no lead left to dial: import leads first`);
    if (!live) return;
    if (c.mode !== 'announce') {
      const agents = this.agents(c).filter((a) => a.state === 'available' || a.state === 'busy');
      if (!agents.length) throw new ConflictError(`no agent is logged in to the queue of campaign ${c.name}: log agents in before starting it`);
    }
    if (!this.d.ari.connected(STASIS_APP, c.clusterId).length) {
      throw new ConflictError(`no Asterisk server of the campaign's cluster has the dialer's ARI application connected (check the server's ARI user and password)`);
    }
  }

  /** An operator's start, pause or stop, in this process: the row and the runner at once. */
  async act(c: Campaign, action: CampaignAction): Promise<Progress> {
    const em = this.d.em();
    await this.check(em, c, action, true);
    const to = ACTIONS[action].to;
    await writeState(em, c, to);
    const next = { ...c, state: to, stateReason: null };
    await this.reconcileOne(next);
    return this.progress(next);
  }

  /**
   * A preview agent's step: the next lead for them, or dial / skip the lead they hold. The agent
   * is an extension logged in to the campaign's queue and free; the call rings their extension.
   */
  async preview(c: Campaign, step: 'next' | 'dial' | 'skip', extensionId: number, leadId?: number): Promise<Lead | null | { ok: true }> {
    if (c.mode !== 'preview') throw new ConflictError(`campaign ${c.name} is a ${c.mode} campaign, not a preview one`);
    const r = this.runners.get(c.id);
    if (!r || r.state !== 'running') throw new ConflictError(`campaign ${c.name} is ${r?.state ?? c.state}: start it first`);
    const agent = this.agents(c).find((a) => a.extensionId === extensionId);
    if (!agent) throw new ConflictError(`extension ${extensionId} is not logged in to the queue of campaign ${c.name}`);
    const em = this.d.em();
    let desk = this.desks.get(c.id);
    if (!desk) this.desks.set(c.id, desk = new PreviewDesk(r, this.d.now));
    if (step === 'next') return desk.next(em, extensionId);
    if (step === 'skip') { await desk.skip(em, leadId!, extensionId); return { ok: true }; }
    if (agent.state !== 'available') throw new ConflictError(`the agent is ${agent.state}: a preview call rings only a free agent`);
    const s = await this.d.model.snapshot(c.clusterId);
    const ext = s.extensions.find((e) => e.id === extensionId);
    if (!ext) throw new ConflictError(`extension ${extensionId} is not on the campaign's cluster`);
    await desk.dial(em, leadId!, extensionId, { context: objectNames.internal(s.tenant), extension: ext.extension });
    return { ok: true };
  }

  /** Each tick: runners follow the rows, then each running one dials what its pacing allows. */
  async tick(): Promise<void> {
    const em = this.d.em();
    const ids = [...this.runners.keys()];
    const rows = await em.find(CampaignSchema, { $or: [{ state: { $in: ['running', 'no-agents'] } }, { id: { $in: ids } }] });
    for (const c of rows) await this.reconcileOne(c);
    for (const id of ids) if (!rows.some((c) => c.id === id)) this.drop(id); // deleted
    for (const r of this.runners.values()) await r.tick().catch((err: Error) => this.d.log('dialer tick failed', { err: err.message, campaignId: r.campaign.id }));
  }

  private async reconcileOne(c: Campaign): Promise<void> {
    let r = this.runners.get(c.id);
    if (!r) {
      if (c.state !== 'running' && c.state !== 'no-agents') return;
      r = await this.createRunner(c);
      if (!r) return;
    }
    r.campaign = c;
    if (r.state !== c.state && (c.state === 'paused' || c.state === 'stopped' || c.state === 'running' || c.state === 'idle')) {
      // Asked elsewhere (or just now): follow it.
      r.state = c.state;
      r.stateReason = c.stateReason ?? null;
      if (c.state === 'stopped' || c.state === 'idle') await r.hangupRinging();
    }
    if (!ACTIVE.includes(r.state) && r.inFlight === 0) this.drop(c.id);
  }

  private drop(id: number): void {
    const r = this.runners.get(id);
    if (r) this.d.publish(r.progress());
    this.runners.delete(id);
    this.chains.delete(id);
    this.desks.delete(id);
  }

  private async createRunner(c: Campaign): Promise<CampaignRunner | undefined> {
    const em = this.d.em();
    const pause = async (reason: string) => {
      await em.nativeUpdate(CampaignSchema, { id: c.id }, { state: 'paused', stateReason: reason });
      this.d.log(`campaign ${c.name}: paused (${reason})`);
    };
    const snapshot = await this.d.model.snapshot(c.clusterId);
    const trunk = snapshot.trunks.find((t) => t.id === c.trunkId);
    if (!trunk) { await pause(`its trunk ${c.trunkId} no longer exists`); return undefined; }
    let queueTarget: { context: string; extension: string } | undefined;
    if (c.queueId) {
      const q = await this.d.queues().target(c.queueId);
      if (!q) { await pause(`its queue ${c.queueId} no longer exists`); return undefined; }
      queueTarget = { context: q.context, extension: q.number };
    }
    // A call still marked dialling was cut off (a restart): it rang, so it counts as a no-answer and is retried by the rules.
    await em.nativeUpdate(LeadSchema, { campaignId: c.id, status: 'dialling' }, { status: 'pending', result: 'interrupted (acm restarted)' });
    await em.nativeUpdate(AttemptSchema, { campaignId: c.id, outcome: 'in-progress' }, { outcome: 'no-answer', endedAt: new Date(this.d.now()) });
    // The abandon rate is per campaign day: what today already counted stays counted.
    const today = await em.find(AttemptSchema, { campaignId: c.id, outcome: 'answered', at: { $gte: dayStart(this.d.now()) } }, { fields: ['abandoned'] });
    const maxChannels = trunk.maxChannels ?? Infinity;
    const r: CampaignRunner = new CampaignRunner(c, {
      ari: this.d.ari, em: () => this.d.em(), now: this.d.now, agents: (): QueueAgent[] => this.agents(r.campaign), queueTarget,
      trunkEndpoint: `PJSIP/<number>@${objectNames.trunk(snapshot.tenant, trunk)}`,
      roomElsewhere: () => Math.min(
        this.d.settings().maxConcurrentPerCluster - this.inFlight((o) => o.campaign.clusterId === c.clusterId),
        maxChannels - this.inFlight((o) => o.campaign.trunkId === c.trunkId),
      ),
      trunkDownAfter: this.d.settings().trunkDownAfter,
      publish: this.d.publish, log: this.d.log,
    }, c.state, c.stateReason ?? null, { liveAnswered: today.length, abandoned: today.filter((a) => a.abandoned).length });
    this.runners.set(c.id, r);
    return r;
  }

  private inFlight(which: (r: CampaignRunner) => boolean): number {
    let n = 0;
    for (const r of this.runners.values()) if (which(r)) n += r.inFlight;
    return n;
  }

  /** The live figures of a campaign, or (no runner here) what its rows say. */
  async progress(c: Campaign): Promise<Progress> {
    const r = this.runners.get(c.id);
    if (r) return r.progress();
    const em = this.d.em();
    const leadsLeft = await em.count(LeadSchema, { campaignId: c.id, status: { $in: ['pending', 'dialling'] } });
    const attempts = await em.find(AttemptSchema, { campaignId: c.id }, { fields: ['outcome', 'abandoned'] });
    const answered = attempts.filter((a) => a.outcome === 'answered');
    const abandoned = answered.filter((a) => a.abandoned).length;
    // Answered calls of a queue campaign go to the queue unless abandoned; an announce one only on a key press.
    const connected = c.mode === 'announce' ? await em.count(LeadSchema, { campaignId: c.id, result: TRANSFERRED }) : answered.length - abandoned;
    return {
      campaignId: c.id, tenantId: c.tenantId, clusterId: c.clusterId, state: c.state, stateReason: c.stateReason ?? null,
      dialled: attempts.length, answered: answered.length, connected, abandoned,
      abandonPercent: answered.length ? Math.round((abandoned / answered.length) * 10_000) / 100 : null,
      inFlight: 0, agentsBusy: 0, agentsFree: 0, leadsLeft, etaSeconds: null,
    };
  }

  /** Stop: calls that are up end as they will; ringing ones are hung up. */
  async close(): Promise<void> {
    for (const r of this.runners.values()) await r.hangupRinging();
    this.runners.clear();
  }
}
