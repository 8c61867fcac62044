/**
 * app_queue's AMI actions with the answers of apps/app_queue.c (Asterisk 20.20.1):
 * manager_queues_status, manager_queues_summary, manager_add_queue_member,
 * manager_remove_queue_member, manager_pause_queue_member, manager_queue_member_penalty,
 * manager_queue_member_ringinuse, manager_queue_reset.
 * When app_queue is not running they do not exist.
 */
import type { AmiMessage } from '../../../core/asterisk/ami-parser.ts';
import { AmiServerCore, type Session } from './ami-server-core.ts';
import { astFalse, astTrue } from './queues-config.ts';
import type { Fields } from './state.ts';

/** The header as astman_get_header gives it ('' when missing). */
const header = (m: AmiMessage, name: string) => m.get(name) ?? '';

/** `sscanf("%30d") != 1 || < 0` -> 0, as QueueAdd reads Penalty and Wrapuptime. */
function nonNegative(v: string): number {
  const n = /^\s*([+-]?\d+)/.exec(v);
  return n && Number(n[1]) >= 0 ? Number(n[1]) | 0 : 0;
}

export class AmiQueueActions extends AmiServerCore {
  private queueRunning(s: Session, m: AmiMessage): boolean {
    if (this.state.loadedModules.has('app_queue.so')) return true;
    this.unknown(s, m);
    return false;
  }

  a_queuestatus(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const want = header(m, 'Queue');
    const member = header(m, 'Member');
    const queues = this.state.queues;
    const items: Array<{ event: string; fields: Fields }> = [];
    const now = Date.now();
    for (const q of queues.list()) {
      if (want && q.name.toLowerCase() !== want.toLowerCase()) continue;
      const [sl, sl2] = queues.serviceLevels(q);
      items.push({
        event: 'QueueParams',
        fields: [['Queue', q.name], ['Max', String(q.params.maxlen)], ['Strategy', q.params.strategy], ['Calls', String(q.entries.length)], ['Holdtime', String(q.holdtime)], ['TalkTime', String(q.talktime)], ['Completed', String(q.completed)], ['Abandoned', String(q.abandoned)], ['ServiceLevel', String(q.params.servicelevel)], ['ServicelevelPerf', sl], ['ServicelevelPerf2', sl2], ['Weight', String(q.params.weight)]],
      });
      for (const mem of queues.orderedMembers(q)) {
        if (member && mem.iface !== member && mem.name !== member) continue;
        items.push({
          event: 'QueueMember',
          fields: [['Queue', q.name], ['Name', mem.name], ['Location', mem.iface], ['StateInterface', mem.stateInterface], ['Membership', mem.membership], ['Penalty', String(mem.penalty)], ['CallsTaken', String(mem.callsTaken)], ['LastCall', String(mem.lastCall)], ['LastPause', String(mem.lastPause)], ['LoginTime', String(mem.loginTime)], ['InCall', String(mem.inCall)], ['Status', String(mem.status)], ['Paused', String(mem.paused)], ['PausedReason', mem.pausedReason], ['Wrapuptime', String(mem.wrapuptime)]],
        });
      }
      q.entries.forEach((e, i) => {
        const c = e.channel;
        items.push({
          event: 'QueueEntry',
          fields: [['Queue', q.name], ['Position', String(i + 1)], ['Channel', c.name], ['Uniqueid', c.uniqueid], ['CallerIDNum', c.callerIdNum || 'unknown'], ['CallerIDName', c.callerIdName || 'unknown'], ['ConnectedLineNum', c.connectedNum || 'unknown'], ['ConnectedLineName', c.connectedName || 'unknown'], ['Wait', String(Math.floor((now - e.start) / 1000))], ['Priority', String(e.prio)]],
        });
      });
    }
    this.list(s, m, 'Queue status will follow', items, 'QueueStatusComplete', 'last');
  }

  a_queuesummary(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const want = header(m, 'Queue');
    const now = Date.now();
    const items = this.state.queues.list().filter((q) => !want || q.name.toLowerCase() === want.toLowerCase()).map((q) => {
      // Unavailable (5) and Invalid (4) members are not logged in; Not in use / Unknown ones are available.
      const loggedIn = q.members.filter((x) => x.status !== 5 && x.status !== 4);
      const available = loggedIn.filter((x) => (x.status === 1 || x.status === 0) && !x.paused);
      const longest = q.entries.reduce((n, e) => Math.max(n, Math.floor((now - e.start) / 1000)), 0);
      return {
        event: 'QueueSummary',
        fields: [['Queue', q.name], ['LoggedIn', String(loggedIn.length)], ['Available', String(available.length)], ['Callers', String(q.entries.length)], ['HoldTime', String(q.holdtime)], ['TalkTime', String(q.talktime)], ['LongestHoldTime', String(longest)]] as Fields,
      };
    });
    this.list(s, m, 'Queue summary will follow', items, 'QueueSummaryComplete', 'last');
  }

  a_queueadd(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const queue = header(m, 'Queue');
    const iface = header(m, 'Interface');
    if (!queue) return this.error(s, m, "'Queue' not specified.");
    if (!iface) return this.error(s, m, "'Interface' not specified.");
    const paused = header(m, 'Paused');
    const r = this.state.queues.add(queue, iface, {
      membername: header(m, 'MemberName'), stateInterface: header(m, 'StateInterface'), penalty: nonNegative(header(m, 'Penalty')),
      paused: paused !== '' && astTrue(paused), reason: header(m, 'Reason'), wrapuptime: nonNegative(header(m, 'Wrapuptime')),
    });
    if (r === 'ok') this.respond(s, m, 'Success', [['Message', 'Added interface to queue']]);
    else this.error(s, m, r === 'exists' ? 'Unable to add interface: Already there' : 'Unable to add interface to queue: No such queue');
  }

  a_queueremove(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const queue = header(m, 'Queue');
    const iface = header(m, 'Interface');
    if (!queue || !iface) return this.error(s, m, "Need 'Queue' and 'Interface' parameters.");
    const r = this.state.queues.remove(queue, iface);
    const errors = { exists: 'Unable to remove interface: Not there', nosuchqueue: 'Unable to remove interface from queue: No such queue', notdynamic: 'Member not dynamic' };
    if (r === 'ok') this.respond(s, m, 'Success', [['Message', 'Removed interface from queue']]);
    else this.error(s, m, errors[r]);
  }

  a_queuepause(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const iface = header(m, 'Interface');
    const pausedS = header(m, 'Paused');
    if (!iface || !pausedS) return this.error(s, m, "Need 'Interface' and 'Paused' parameters.");
    const paused = astTrue(pausedS);
    if (!this.state.queues.pause(header(m, 'Queue'), iface, header(m, 'Reason'), paused)) this.error(s, m, 'Interface not found');
    else this.respond(s, m, 'Success', [['Message', paused ? 'Interface paused successfully' : 'Interface unpaused successfully']]);
  }

  a_queuepenalty(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const iface = header(m, 'Interface');
    const penaltyS = header(m, 'Penalty');
    if (!iface || !penaltyS) return this.error(s, m, "Need 'Interface' and 'Penalty' parameters.");
    const penalty = /^\s*([+-]?\d+)/.exec(penaltyS);
    if (!this.state.queues.setValue(header(m, 'Queue'), iface, { penalty: penalty ? Number(penalty[1]) | 0 : 0 })) this.error(s, m, 'Invalid interface, queuename or penalty');
    else this.respond(s, m, 'Success', [['Message', 'Interface penalty set successfully']]);
  }

  a_queuememberringinuse(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    const iface = header(m, 'Interface');
    const v = header(m, 'RingInUse');
    if (!iface || !v) return this.error(s, m, "Need 'Interface' and 'RingInUse' parameters.");
    if (!astTrue(v) && !astFalse(v)) return this.error(s, m, "'RingInUse' parameter must be a truth value (yes/no, on/off, 0/1, etc)");
    // The failure text ends with a newline of its own (a bare LF before the frame's CRLF).
    if (!this.state.queues.setValue(header(m, 'Queue'), iface, { ringinuse: astTrue(v) })) this.error(s, m, 'Invalid interface, queuename, or ringinuse value\n');
    else this.respond(s, m, 'Success', [['Message', 'Interface ringinuse set successfully']]);
  }

  /** QueueReset: clear_stats always succeeds, whatever the queue name. */
  a_queuereset(s: Session, m: AmiMessage): void {
    if (!this.queueRunning(s, m)) return;
    this.state.queues.resetStats(header(m, 'Queue'));
    this.respond(s, m, 'Success', [['Message', 'Queue stats reset successfully']]);
  }
}
