import type { AmiEvent } from '../../sdk/index.ts';
import type { AgentView } from './api/index.ts';

/** QueueMemberStatus / QueueStatus `Status` (ast_device_state) → what a supervisor reads. */
const DEVICE: Record<string, AgentView['device']> = {
  0: 'unknown', 1: 'idle', 2: 'in-call', 3: 'busy', 4: 'invalid', 5: 'unavailable', 6: 'ringing', 7: 'in-call', 8: 'on-hold',
};

/** The state a supervisor sees: paused wins, then the phone's. */
function stateOf(a: Pick<AgentView, 'paused' | 'device'>): AgentView['state'] {
  if (a.paused) return 'paused';
  if (a.device === 'idle') return 'available';
  if (a.device === 'in-call' || a.device === 'busy' || a.device === 'ringing' || a.device === 'on-hold') return 'busy';
  return 'unavailable';
}

const key = (clusterId: number, queue: string, iface: string) => `${clusterId}|${queue}|${iface}`;

/**
 * Every queue member acm has heard of, per cluster, from app_queue's events and QueueStatus:
 * who is logged in (dynamic) or configured (static), paused with which reason, the phone's state,
 * since when, calls taken and the last one. `handle` answers the members an event changed.
 */
export class AgentBoard {
  private members = new Map<string, AgentView>();

  /** `ids` names acm's queue and extension of a member (Asterisk knows only names and interfaces). */
  constructor(private ids: (clusterId: number, queue: string, iface: string) => Pick<AgentView, 'queueId' | 'extensionId'>, private now: () => number = Date.now) {}

  list(clusterId?: number): AgentView[] {
    return [...this.members.values()].filter((a) => clusterId === undefined || a.clusterId === clusterId)
      .sort((a, b) => a.queue.localeCompare(b.queue) || a.interface.localeCompare(b.interface));
  }

  /** Replaces a cluster's members by what QueueStatus answered (a reconnect, a resync). */
  resync(clusterId: number, serverId: number, items: readonly Record<string, string>[]): void {
    const seen = new Set<string>();
    for (const it of items.filter((i) => i.Event === 'QueueMember')) seen.add(this.upsert(clusterId, serverId, it).key);
    for (const [k, a] of this.members) if (a.clusterId === clusterId && !seen.has(k)) this.members.delete(k);
  }

  handle(e: AmiEvent): AgentView[] {
    const f = e.fields;
    const queue = f.Queue;
    const iface = f.Interface ?? f.Location ?? f.MemberInterface ?? f.DestInterface;
    if (!queue || !iface) return [];
    switch (e.event) {
      case 'QueueMemberAdded': case 'QueueMemberStatus': case 'QueueMemberPause': case 'QueueMemberPenalty': case 'QueueMemberRinginuse':
        return [this.upsert(e.clusterId, e.serverId, { ...f, Location: iface }).view];
      case 'QueueMemberRemoved': {
        const k = key(e.clusterId, queue, iface);
        const had = this.members.get(k);
        this.members.delete(k);
        return had ? [{ ...had, state: 'logged-out', since: new Date(this.now()).toISOString() }] : [];
      }
      case 'AgentComplete': {
        const a = this.members.get(key(e.clusterId, queue, iface));
        if (!a) return [];
        a.callsTaken += 1;
        a.lastCall = new Date(this.now()).toISOString();
        return [a];
      }
      default:
        return [];
    }
  }

  private upsert(clusterId: number, serverId: number, f: Record<string, string | undefined>): { key: string; view: AgentView } {
    const queue = f.Queue!;
    const iface = f.Location ?? f.Interface!;
    const k = key(clusterId, queue, iface);
    const had = this.members.get(k);
    const paused = f.Paused !== undefined ? f.Paused === '1' : had?.paused ?? false;
    const device = f.Status !== undefined ? DEVICE[f.Status] ?? 'unknown' : had?.device ?? 'unknown';
    const next: AgentView = {
      clusterId, serverId, queue, interface: iface, queueId: had?.queueId ?? null, extensionId: had?.extensionId ?? null, name: f.MemberName ?? f.Name ?? had?.name ?? iface,
      membership: (f.Membership === 'static' ? 'static' : f.Membership === 'dynamic' ? 'dynamic' : had?.membership ?? 'dynamic'),
      penalty: f.Penalty !== undefined ? Number(f.Penalty) : had?.penalty ?? 0,
      paused, pausedReason: paused ? (f.PausedReason ?? f.Reason ?? had?.pausedReason ?? '') || null : null,
      device, state: stateOf({ paused, device }),
      callsTaken: f.CallsTaken !== undefined ? Number(f.CallsTaken) : had?.callsTaken ?? 0,
      lastCall: f.LastCall !== undefined ? (Number(f.LastCall) > 0 ? new Date(Number(f.LastCall) * 1000).toISOString() : null) : had?.lastCall ?? null,
      since: had?.since ?? new Date(this.now()).toISOString(),
    };
    if (had && had.state !== next.state) next.since = new Date(this.now()).toISOString();
    Object.assign(next, this.ids(clusterId, queue, iface));
    this.members.set(k, next);
    return { key: k, view: next };
  }
}

/** The app_queue events the board follows. */
export const AGENT_EVENTS = ['QueueMemberAdded', 'QueueMemberRemoved', 'QueueMemberStatus', 'QueueMemberPause', 'QueueMemberPenalty', 'AgentComplete'] as const;
