import type { BusHandler, EventBus } from '../../sdk/bus.ts';

/** NATS-style pattern (`*` one segment, trailing `>` the rest) as a RegExp, built once per subscription. */
function compile(pattern: string): RegExp {
  const parts = pattern.split('.').map((p, i, all) => {
    if (p === '>' && i === all.length - 1) return '.+';
    if (p === '*') return '[^.]+';
    return p.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('\\.')}$`);
}

interface Sub { re: RegExp; handler: BusHandler<any> }

/**
 * Single-node bus: synchronous fan-out in process. A throwing handler never stops the others.
 * Subscriptions whose last segment is a literal (`…ami.Newchannel`) are indexed by it, so an
 * event is only matched against the patterns that could take it.
 */
export class MemoryBus implements EventBus {
  private byLast = new Map<string, Set<Sub>>();
  private wild = new Set<Sub>();
  errors = 0;

  publish<T>(subject: string, data: T): void {
    const last = subject.slice(subject.lastIndexOf('.') + 1);
    const indexed = this.byLast.get(last);
    if (indexed) this.deliver(indexed, subject, data);
    if (this.wild.size) this.deliver(this.wild, subject, data);
  }

  private deliver(subs: Set<Sub>, subject: string, data: unknown): void {
    let msg: { subject: string; data: unknown } | undefined;
    for (const sub of subs) {
      if (!sub.re.test(subject)) continue;
      try {
        sub.handler((msg ??= { subject, data }));
      } catch {
        this.errors++;
      }
    }
  }

  subscribe<T>(pattern: string, handler: BusHandler<T>): () => void {
    const sub: Sub = { re: compile(pattern), handler: handler as BusHandler<any> };
    const last = pattern.slice(pattern.lastIndexOf('.') + 1);
    let set: Set<Sub>;
    if (last === '*' || last === '>') set = this.wild;
    else {
      set = this.byLast.get(last) ?? new Set();
      this.byLast.set(last, set);
    }
    set.add(sub);
    return () => {
      set.delete(sub);
      if (!set.size && set !== this.wild) this.byLast.delete(last);
    };
  }
}
