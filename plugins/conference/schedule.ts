import type { Recurrence } from './api/index.ts';

/** What the scheduler needs of a room. Times are UTC instants. */
export interface Window {
  startsAt: Date;
  endsAt?: Date | null;
  recurrence: Recurrence | string;
  durationMinutes?: number | null;
}

const DAY = 86_400_000;

/** `d` plus `months` calendar months (UTC), the day clamped to the target month's length. */
function addMonths(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
}

/** Start of the latest occurrence at or before `now`, or null before the first one. */
export function occurrenceStart(w: Window, now: Date): Date | null {
  const t = now.getTime();
  const s = w.startsAt.getTime();
  if (t < s) return null;
  switch (w.recurrence) {
    case 'daily': return new Date(s + Math.floor((t - s) / DAY) * DAY);
    case 'weekly': return new Date(s + Math.floor((t - s) / (7 * DAY)) * 7 * DAY);
    case 'monthly': {
      let k = (now.getUTCFullYear() - w.startsAt.getUTCFullYear()) * 12 + now.getUTCMonth() - w.startsAt.getUTCMonth();
      while (k > 0 && addMonths(w.startsAt, k).getTime() > t) k--;
      return addMonths(w.startsAt, k);
    }
    default: return w.startsAt;
  }
}

/**
 * Whether callers are let in at `now`.
 * - `none`: from `startsAt` until `endsAt` (no end = open for good).
 * - `daily`/`weekly`/`monthly`: each occurrence opens at `startsAt` + n periods for
 *   `durationMinutes` (default a whole day); `endsAt` ends the series.
 */
export function isOpen(w: Window, now: Date): boolean {
  if (w.endsAt && now.getTime() >= w.endsAt.getTime()) return false;
  const occ = occurrenceStart(w, now);
  if (!occ) return false;
  if (w.recurrence === 'none' || !w.recurrence) return true;
  return now.getTime() < occ.getTime() + (w.durationMinutes ?? 1440) * 60_000;
}
