import { ConflictError, type EntityManager } from '../../../sdk/index.ts';
import { LeadSchema, type Lead } from '../entities.ts';
import type { CampaignRunner } from './campaign-runner.ts';

/** How long a lead shown to an agent stays theirs before another agent may get it. */
export const PREVIEW_HOLD_MS = 5 * 60_000;

/**
 * Preview dialling: an agent asks for the next lead, reads it, then places the call (answered,
 * it goes to that agent's own extension) or skips it. A lead shown is held for that agent only,
 * so two agents never call one person; the hold lapses after PREVIEW_HOLD_MS.
 */
export class PreviewDesk {
  private readonly held = new Map<number, { extensionId: number; until: number }>();

  constructor(private readonly runner: CampaignRunner, private readonly now: () => number) {}

  private heldBy(leadId: number, extensionId: number): boolean {
    const h = this.held.get(leadId);
    return !!h && h.extensionId === extensionId && h.until > this.now();
  }

  /** The next lead for this agent (releasing the one they held), or null when none may be dialled now. */
  async next(em: EntityManager, extensionId: number): Promise<Lead | null> {
    const now = this.now();
    for (const [id, h] of this.held) if (h.extensionId === extensionId || h.until <= now) this.held.delete(id);
    const [lead] = await this.runner.eligible(em, 1, (id) => this.held.has(id));
    if (!lead) return null;
    this.held.set(lead.id, { extensionId, until: now + PREVIEW_HOLD_MS });
    return lead;
  }

  private async take(em: EntityManager, leadId: number, extensionId: number): Promise<Lead> {
    if (!this.heldBy(leadId, extensionId)) throw new ConflictError(`lead ${leadId} is not held for this agent: ask for the next lead first`);
    this.held.delete(leadId);
    return em.findOneOrFail(LeadSchema, { id: leadId });
  }

  async dial(em: EntityManager, leadId: number, extensionId: number, to: { context: string; extension: string }): Promise<void> {
    const lead = await this.take(em, leadId, extensionId);
    if (!(await this.runner.originate(em, lead, to))) throw new ConflictError(`the call to lead ${leadId} could not be placed: ${this.runner.stateReason ?? 'see the lead\'s result'}`);
  }

  /** The agent decided not to call: the lead is closed with that reason. */
  async skip(em: EntityManager, leadId: number, extensionId: number): Promise<void> {
    await this.take(em, leadId, extensionId);
    await em.nativeUpdate(LeadSchema, { id: leadId }, { status: 'done', result: 'skipped by the agent in preview', nextAt: null });
  }
}
