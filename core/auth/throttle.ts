/**
 * Failed-login back-off per key (an account name or a client address). After `freeAttempts`
 * failures the key is locked for `baseMs`, doubling with every further failure up to `maxMs`.
 * Unknown account names are throttled like real ones, so a lockout reveals nothing.
 */
export interface ThrottleOptions {
  freeAttempts: number;
  baseMs: number;
  maxMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Bound on remembered keys, so a flood of names cannot grow memory without limit. */
  maxKeys: number;
}

interface Entry { failures: number; lockedUntil: number; last: number }

export class Throttle {
  private entries = new Map<string, Entry>();
  constructor(private opts: ThrottleOptions, private now: () => number = Date.now) {}

  /** Milliseconds until the key may try again; 0 when it may. */
  retryAfter(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    const t = this.now();
    if (t - e.last > this.opts.windowMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.lockedUntil - t);
  }

  fail(key: string): void {
    const t = this.now();
    let e = this.entries.get(key);
    if (!e || t - e.last > this.opts.windowMs) e = { failures: 0, lockedUntil: 0, last: t };
    e.failures++;
    e.last = t;
    const over = e.failures - this.opts.freeAttempts;
    if (over >= 0) e.lockedUntil = t + Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** over);
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.opts.maxKeys) this.entries.delete(this.entries.keys().next().value!);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  isLocked(key: string): boolean {
    return this.retryAfter(key) > 0;
  }
}
