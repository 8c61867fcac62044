/**
 * The event bus seam (DESIGN §10): publish and subscribe by subject. Subjects are
 * `acm.<tenant>.<cluster>.<server>.<event>`; a `*` matches one segment, a trailing `>` the rest
 * (NATS conventions, so a hosting provider can swap in NATS without changing callers).
 */
export interface BusMessage<T = unknown> {
  subject: string;
  data: T;
}

export type BusHandler<T = unknown> = (msg: BusMessage<T>) => void;

export interface EventBus {
  publish<T>(subject: string, data: T): void;
  /** Returns an unsubscribe function. */
  subscribe<T>(pattern: string, handler: BusHandler<T>): () => void;
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
