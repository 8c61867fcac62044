import { describe, expect, it } from 'vitest';
import { MemoryBus } from './memory-bus.ts';
import { subjectMatches } from '../../sdk/bus.ts';

describe('MemoryBus', () => {
  it('delivers by NATS-style pattern, the same way subjectMatches reads it', () => {
    const bus = new MemoryBus();
    const got: Record<string, string[]> = {};
    const patterns = ['acm.*.*.*.ami.*', 'acm.live.>', 'acm.1.2.3.ami.Hangup', 'acm.>', 'acm.*'];
    for (const p of patterns) bus.subscribe(p, (m) => (got[p] ??= []).push(m.subject));
    const subjects = ['acm.1.2.3.ami.Hangup', 'acm.1.2.3.ami.Newchannel', 'acm.live.extension', 'acm.live', 'acm.1.2.3.ami', 'acm.a.b'];
    for (const s of subjects) bus.publish(s, {});
    for (const p of patterns) expect(got[p] ?? []).toEqual(subjects.filter((s) => subjectMatches(p, s)));
    expect(got['acm.*.*.*.ami.*']).toEqual(['acm.1.2.3.ami.Hangup', 'acm.1.2.3.ami.Newchannel']);
    expect(got['acm.live.>']).toEqual(['acm.live.extension']);
  });

  it('keeps delivering when a handler throws, and unsubscribes', () => {
    const bus = new MemoryBus();
    const seen: number[] = [];
    bus.subscribe('x', () => { throw new Error('boom'); });
    const off = bus.subscribe<number>('x', (m) => seen.push(m.data));
    bus.publish('x', 1);
    off();
    bus.publish('x', 2);
    expect(seen).toEqual([1]);
    expect(bus.errors).toBe(2);
  });
});
