import type { AmiEvent, AmiService } from '../../sdk/index.ts';
import type { Participant } from './api/index.ts';

/** The AMI events that move a participant in or out, or change one. */
export const LIVE_EVENTS = ['ConfbridgeJoin', 'ConfbridgeLeave', 'ConfbridgeTalking', 'ConfbridgeMute', 'ConfbridgeUnmute', 'ConfbridgeEnd'] as const;

const key = (clusterId: number, conference: string) => `${clusterId}|${conference}`;

/**
 * Live participants per cluster and conference, kept from AMI events. `ConfbridgeTalking` needs
 * `talk_detection_events = yes` in the user profile (rendered so); a member who leaves while
 * talking never gets `TalkingStatus: off` (Asterisk 20), which does not matter once removed.
 */
export class LiveRooms {
  private rooms = new Map<string, Map<string, Participant>>();

  constructor(private now: () => Date = () => new Date()) {}

  /** Applies one AMI event; true when the conference's participants changed (its name then in `e.fields.Conference`). */
  handle(e: AmiEvent): boolean {
    const conf = e.fields.Conference;
    if (!conf) return false;
    const k = key(e.clusterId, conf);
    const f = e.fields;
    switch (e.event) {
      case 'ConfbridgeJoin': {
        const members = this.rooms.get(k) ?? new Map<string, Participant>();
        this.rooms.set(k, members);
        members.set(f.Channel ?? '', {
          serverId: e.serverId, channel: f.Channel ?? '', uniqueid: f.Uniqueid ?? '',
          callerIdNum: f.CallerIDNum ?? '', callerIdName: f.CallerIDName ?? '',
          admin: f.Admin === 'Yes', muted: f.Muted === 'Yes', talking: false, joinedAt: new Date(e.receivedAt || this.now().getTime()).toISOString(),
        });
        return true;
      }
      case 'ConfbridgeLeave': {
        const gone = this.rooms.get(k)?.delete(f.Channel ?? '') ?? false;
        if (this.rooms.get(k)?.size === 0) this.rooms.delete(k);
        return gone;
      }
      case 'ConfbridgeEnd':
        return this.rooms.delete(k);
      case 'ConfbridgeTalking':
      case 'ConfbridgeMute':
      case 'ConfbridgeUnmute': {
        const p = this.rooms.get(k)?.get(f.Channel ?? '');
        if (!p) return false;
        const before = [p.talking, p.muted];
        if (e.event === 'ConfbridgeTalking') p.talking = f.TalkingStatus === 'on';
        else p.muted = e.event === 'ConfbridgeMute';
        return before[0] !== p.talking || before[1] !== p.muted;
      }
    }
    return false;
  }

  get(clusterId: number, conference: string): Participant[] {
    return [...(this.rooms.get(key(clusterId, conference))?.values() ?? [])].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.channel.localeCompare(b.channel));
  }

  find(clusterId: number, conference: string, channel: string): Participant | undefined {
    return this.rooms.get(key(clusterId, conference))?.get(channel);
  }

  /**
   * Replaces what we know of one conference with `ConfbridgeList` from every connected server
   * of the cluster (an empty conference answers `No active conferences.`, not an empty list).
   */
  async resync(ami: AmiService, clusterId: number, conference: string): Promise<Participant[]> {
    const members = new Map<string, Participant>();
    for (const s of ami.connected(clusterId)) {
      const items = await ami.list(s.serverId, 'ConfbridgeList', { Conference: conference }, ['No active conferences.']);
      for (const f of items) {
        const answered = Number(f.AnsweredTime ?? 0);
        members.set(f.Channel ?? '', {
          serverId: s.serverId, channel: f.Channel ?? '', uniqueid: f.Uniqueid ?? '',
          callerIdNum: f.CallerIDNum ?? '', callerIdName: f.CallerIDName ?? '',
          admin: f.Admin === 'Yes', muted: f.Muted === 'Yes', talking: f.Talking === 'Yes',
          joinedAt: new Date(this.now().getTime() - (Number.isFinite(answered) ? answered : 0) * 1000).toISOString(),
        });
      }
    }
    if (members.size) this.rooms.set(key(clusterId, conference), members);
    else this.rooms.delete(key(clusterId, conference));
    return this.get(clusterId, conference);
  }

  clear(): void {
    this.rooms.clear();
  }
}
