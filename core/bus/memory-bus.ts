import { subjectMatches, type BusHandler, type EventBus } from '../../sdk/bus.ts';

/** Single-node bus: synchronous fan-out in process. A throwing handler never stops the others. */
export class MemoryBus implements EventBus {
  private subs = new Set<{ pattern: string; handler: BusHandler<any> }>();
  errors = 0;

  publish<T>(subject: string, data: T): void {
    for (const sub of this.subs) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      try {
        sub.handler({ subject, data });
      } catch {
        this.errors++;
      }
    }
  }

  subscribe<T>(pattern: string, handler: BusHandler<T>): () => void {
    const sub = { pattern, handler: handler as BusHandler<any> };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }
}
