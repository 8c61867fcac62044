import { MARKER_PREFIX, type AmiEvent } from '../../sdk/index.ts';
import type { AgentView, QueueSummaryView } from './api/index.ts';

interface QueueLive {
  clusterId: number;
  queue: string;
  /** Callers waiting now: Uniqueid → when they joined (ms). */
  waiting: Map<string, number>;
  /** app_queue's own figure (QueueParams ServicelevelPerf), when QueueStatus last answered. */
  serviceLevelPerf: number | null;
  /** Answered within the service level, and answered at all, since acm started following. */
  withinLevel: number;
  answered: number;
  abandoned: number;
}

/** The queue events that change a queue's callers. */
export const CALLER_EVENTS = ['QueueCallerJoin', 'QueueCallerLeave', 'QueueCallerAbandon', 'AgentConnect'] as const;

/**
 * Calls waiting, the longest wait and the service level per queue, live from app_queue's
 * caller events (QueueCallerJoin/Leave/Abandon, AgentConnect) and QueueStatus at a resync.
 */
export class QueueStats {
  private queues = new Map<string, QueueLive>();

  constructor(private serviceLevelOf: (clusterId: number, queue: string) => number, private now: () => number = Date.now) {}

  private of(clusterId: number, queue: string): QueueLive {
    const k = `${clusterId}|${queue}`;
    let q = this.queues.get(k);
    if (!q) this.queues.set(k, (q = { clusterId, queue, waiting: new Map(), serviceLevelPerf: null, withinLevel: 0, answered: 0, abandoned: 0 }));
    return q;
  }

  /** True when the event changed a queue's figures. */
  handle(e: AmiEvent): boolean {
    const queue = e.fields.Queue;
    const id = e.fields.Uniqueid;
    if (!queue || !id) return false;
    const q = this.of(e.clusterId, queue);
    if (e.event === 'QueueCallerJoin') q.waiting.set(id, this.now());
    else if (e.event === 'QueueCallerLeave') q.waiting.delete(id);
    else if (e.event === 'QueueCallerAbandon') { q.waiting.delete(id); q.abandoned++; }
    else if (e.event === 'AgentConnect') {
      q.waiting.delete(id);
      q.answered++;
      if (Number(e.fields.HoldTime ?? 0) <= this.serviceLevelOf(e.clusterId, queue)) q.withinLevel++;
    } else return false;
    return true;
  }

  /** QueueStatus items of one cluster: QueueParams gives each queue's service level, QueueEntry its callers. */
  resync(clusterId: number, items: readonly Record<string, string>[]): void {
    const entries = new Map<string, Map<string, number>>();
    for (const it of items) {
      // acm's revision marker is a queue of queues.conf, not one a supervisor follows.
      if (it.Queue?.startsWith(MARKER_PREFIX)) continue;
      // With no completed call app_queue answers ServicelevelPerf 0.0: no figure yet, not 0 %.
      if (it.Event === 'QueueParams' && it.Queue) this.of(clusterId, it.Queue).serviceLevelPerf = Number(it.Completed ?? 0) > 0 ? Number(it.ServicelevelPerf ?? 0) : null;
      if (it.Event === 'QueueEntry' && it.Queue && it.Uniqueid) {
        const m = entries.get(it.Queue) ?? new Map<string, number>();
        m.set(it.Uniqueid, this.now() - Number(it.Wait ?? 0) * 1000);
        entries.set(it.Queue, m);
      }
    }
    for (const q of this.queues.values()) if (q.clusterId === clusterId) q.waiting = entries.get(q.queue) ?? new Map();
  }

  summary(agents: readonly AgentView[], clusterId?: number): QueueSummaryView[] {
    for (const a of agents) this.of(a.clusterId, a.queue);
    return [...this.queues.values()].filter((q) => clusterId === undefined || q.clusterId === clusterId).map((q) => {
      const mine = agents.filter((a) => a.clusterId === q.clusterId && a.queue === q.queue);
      const oldest = Math.min(...q.waiting.values());
      return {
        clusterId: q.clusterId, queue: q.queue, callers: q.waiting.size,
        longestWaitSeconds: q.waiting.size ? Math.max(0, Math.round((this.now() - oldest) / 1000)) : 0,
        serviceLevelPercent: q.answered ? Math.round((q.withinLevel / q.answered) * 1000) / 10 : q.serviceLevelPerf,
        answered: q.answered, abandoned: q.abandoned,
        available: mine.filter((a) => a.state === 'available').length, paused: mine.filter((a) => a.state === 'paused').length,
        busy: mine.filter((a) => a.state === 'busy').length, loggedIn: mine.filter((a) => a.state !== 'unavailable').length,
      };
    }).sort((a, b) => a.clusterId - b.clusterId || a.queue.localeCompare(b.queue));
  }
}
