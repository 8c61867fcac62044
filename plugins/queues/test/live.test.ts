import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../sdk/index.ts';
import { AgentBoard } from '../agents.ts';
import { QueueStats } from '../stats.ts';

/**
 * The live board and queue figures fed with a real Asterisk 20's events (an abandoned call, then
 * one answered by PJSIP/6001 on queue support: tests/fixtures/asterisk20/ami-ev-queue-call.*),
 * on a clock the test moves with each event's Timestamp.
 */
const text = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/asterisk20/ami-ev-queue-call.txt'), 'utf8');
const events: AmiEvent[] = text.split(/\r\n\r\n/).filter((b) => b.startsWith('Event: ')).map((b) => {
  const headers = b.split('\r\n').map((l) => { const i = l.indexOf(': '); return [l.slice(0, i), l.slice(i + 2)] as [string, string]; });
  return { serverId: 1, clusterId: 7, tenantId: 1, event: headers[0]![1], fields: Object.fromEntries(headers), headers, receivedAt: 0 };
});

describe('the live queue figures on a real Asterisk\'s events', () => {
  it('counts the waiting callers, the abandoned and the answered call, and the agent\'s call', () => {
    let now = 0;
    const board = new AgentBoard(() => ({ queueId: 1, extensionId: 11 }), () => now);
    const stats = new QueueStats(() => 3, () => now);
    const seen: { event: string; callers: number; longest: number }[] = [];
    for (const e of events) {
      if (e.fields.Timestamp) now = Number(e.fields.Timestamp) * 1000;
      board.handle(e);
      if (stats.handle(e)) {
        const [s] = stats.summary(board.list(7), 7);
        seen.push({ event: e.event, callers: s!.callers, longest: s!.longestWaitSeconds });
      }
    }
    // Abandoned after 4 s of waiting; the second caller waits 2 s, then 6001 answers.
    expect(seen.map((x) => [x.event, x.callers])).toEqual([
      ['QueueCallerJoin', 1], ['QueueCallerAbandon', 0], ['QueueCallerLeave', 0],
      ['QueueCallerJoin', 1], ['QueueCallerLeave', 0], ['AgentConnect', 0],
    ]);
    const [s] = stats.summary(board.list(7), 7);
    expect(s).toMatchObject({ queue: 'support', callers: 0, answered: 1, abandoned: 1, serviceLevelPercent: 100 });
    const agent = board.list(7).find((a) => a.interface === 'PJSIP/6001');
    // Asterisk's own count (the member had taken one call before the recording began).
    expect(agent).toMatchObject({ queue: 'support', callsTaken: 2, queueId: 1, extensionId: 11 });
    expect(agent?.lastCall).not.toBeNull();
  });

  it('counts an answer after the service level outside it', () => {
    const stats = new QueueStats(() => 1);
    for (const e of events.filter((x) => x.event === 'AgentConnect')) stats.handle(e); // HoldTime 2 > 1
    expect(stats.summary([], 7)[0]).toMatchObject({ answered: 1, serviceLevelPercent: 0 });
  });

  it('has no service level before a completed call: app_queue\'s 0.0 with Completed 0 is not 0 %', () => {
    const stats = new QueueStats(() => 60);
    const params = (completed: string, perf: string) => ({ Event: 'QueueParams', Queue: 'support', Completed: completed, ServicelevelPerf: perf });
    stats.resync(7, [params('0', '0.0')]);
    expect(stats.summary([], 7)[0]).toMatchObject({ queue: 'support', serviceLevelPercent: null });
    stats.resync(7, [params('4', '75.0')]);
    expect(stats.summary([], 7)[0]).toMatchObject({ queue: 'support', serviceLevelPercent: 75 });
  });
});
