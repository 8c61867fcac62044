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

/** Single-node bus: synchronous fan-out in process. A throwing handler never stops the others. */
export class MemoryBus implements EventBus {
  private subs = new Set<{ re: RegExp; handler: BusHandler<any> }>();
  errors = 0;

  publish<T>(subject: string, data: T): void {
    for (const sub of this.subs) {
      if (!sub.re.test(subject)) continue;
      try {
        sub.handler({ subject, data });
      } catch {
        this.errors++;
      }
    }
  }

  subscribe<T>(pattern: string, handler: BusHandler<T>): () => void {
    const sub = { re: compile(pattern), handler: handler as BusHandler<any> };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }
}
