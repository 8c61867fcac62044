/** CLI `queue show [name]` of the simulated app_queue (apps/app_queue.c __queues_show / print_queue). */
import { now, same, type QueueStore, type SimQueue } from './queues.ts';

const DEVSTATE = ['Unknown', 'Not in use', 'In use', 'Busy', 'Invalid', 'Unavailable', 'Ringing', 'Ring+Inuse', 'On Hold'];

/**
 * CLI `queue show [name]` (print_queue / __queues_show, without colours as over AMI Command):
 * the output's lines, the empty piece after its final newline included.
 */
export function queueShow(store: QueueStore, name?: string): string[] {
  if (name !== undefined) {
    const q = store.get(name);
    return [...(q ? printQueue(store, q) : [`No such queue: ${name}.`]), ''];
  }
  const qs = store.list().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...(qs.length === 0 ? ['No queues.'] : qs.flatMap((q) => printQueue(store, q))), ''];
}

function printQueue(store: QueueStore, q: SimQueue): string[] {
  const t = now();
  const [sl, sl2] = store.serviceLevels(q);
  const p = q.params;
  const out = [`${q.name} has ${q.entries.length} calls (max ${p.maxlen || 'unlimited'}) in '${p.strategy}' strategy (${q.holdtime}s holdtime, ${q.talktime}s talktime), W:${p.weight}, C:${q.completed}, A:${q.abandoned}, SL:${sl}%, SL2:${sl2}% within ${p.servicelevel}s`];
  if (q.members.length === 0) out.push('   No Members');
  else {
    out.push('   Members: ');
    for (const m of store.orderedMembers(q)) {
      let line = `      ${m.name}`;
      if (!same(m.name, m.iface)) line += ` (${m.iface}${m.stateInterface && m.stateInterface !== m.iface ? ` from ${m.stateInterface}` : ''})`;
      if (m.penalty) line += ` with penalty ${m.penalty}`;
      line += ` (ringinuse ${m.ringinuse ? 'enabled' : 'disabled'})`;
      if (m.membership === 'dynamic') line += ' (dynamic)';
      if (m.inCall) line += ' (in call)';
      if (m.paused) line += ` (paused${m.pausedReason ? `:${m.pausedReason}` : ''} was ${t - m.lastPause} secs ago)`;
      line += ` (${DEVSTATE[m.status] ?? 'Unknown'})`;
      line += m.callsTaken ? ` has taken ${m.callsTaken} calls (last was ${t - m.lastCall} secs ago)` : ' has taken no calls yet';
      line += ` (login was ${t - m.loginTime} secs ago)`;
      out.push(line);
    }
  }
  if (q.entries.length === 0) out.push('   No Callers');
  else {
    out.push('   Callers: ');
    q.entries.forEach((e, i) => {
      const w = Math.floor((Date.now() - e.start) / 1000);
      out.push(`      ${i + 1}. ${e.channel.name} (wait: ${Math.floor(w / 60)}:${String(w % 60).padStart(2, '0')}, prio: ${e.prio})`);
    });
  }
  out.push('');
  return out;
}
