import { z } from '../../../sdk/index.ts';
import type { DncLists } from './import.ts';
import { MINUTE, canonicalZone, dayOf, inWindow, nextInWindow, wallMs, type Window } from './local-time.ts';

/*
 * Whether a lead may be dialled now, and if not, from when.
 *
 * Rules, checked in this order (the first that says "never" wins; otherwise the latest "not yet"):
 *   - DNC: a number on the tenant's or the global list is never dialled, whatever its history.
 *   - A lead that answered live (or whose number proved unobtainable) is done; one with an attempt
 *     still in progress waits for its outcome (no nextAt: the outcome event wakes the dialer).
 *   - At most `maxAttempts` attempts in all; the retries after each outcome (busy, no answer,
 *     congestion, answering machine) at most that outcome's `maxRetries`, each no sooner than
 *     `afterMinutes` after the attempt.
 *   - At most `maxAttemptsPerDay` attempts per calendar day of the lead's own zone.
 *   - Calling hours: [start, end) on the listed ISO weekdays, in the lead's local time (regulators
 *     define them so: Ofcom, US TSR 8:00–21:00 at the called person's location). A local time the
 *     clock skips (DST start) is never in hours; one it repeats is in hours both times.
 * `nextAt` is the first instant from which the lead is eligible if nothing else happens, exactly:
 * the dialer sleeps until then instead of polling. Every "not yet" rule is a lower bound on time
 * except calling hours, so nextAt is the first in-hours instant at or after the latest bound.
 */

export const RETRY_OUTCOMES = ['busy', 'no-answer', 'congestion', 'machine'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];
/** `answered` is a live answer; `unobtainable` a number that does not exist (cause 1, 3, 28). */
export type Outcome = RetryOutcome | 'answered' | 'unobtainable' | 'in-progress';

export interface Attempt {
  /** When the call was placed (epoch ms). */
  at: number;
  outcome: Outcome;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

const RetryRule = z.object({
  afterMinutes: z.number().int().min(1).max(7 * 24 * 60),
  maxRetries: z.number().int().min(0).max(100),
}).strict();

/** A campaign's dialling rules as stored and edited (the DNC lists are loaded beside it). */
export const DialRulesInput = z.object({
  hours: z.object({
    start: z.string().regex(HHMM, 'is not HH:MM'),
    end: z.string().regex(HHMM, 'is not HH:MM'),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).min(1, 'names no day').max(7),
  }).strict().refine((h) => minutes(h.start) < minutes(h.end), { message: 'end must be after start (same day)', path: ['end'] }),
  maxAttempts: z.number().int().min(1).max(100),
  maxAttemptsPerDay: z.number().int().min(1).max(100),
  retry: z.object(Object.fromEntries(RETRY_OUTCOMES.map((o) => [o, RetryRule])) as Record<RetryOutcome, typeof RetryRule>).strict(),
}).strict();
export type DialRulesInput = z.infer<typeof DialRulesInput>;

export interface DialRules {
  window: Window;
  maxAttempts: number;
  maxAttemptsPerDay: number;
  retry: Record<RetryOutcome, { afterMinutes: number; maxRetries: number }>;
}

export interface Campaign {
  rules: DialRules;
  dnc: DncLists;
}

/** Turns validated input into the form mayDial reads (the window in minutes, the days as a set). */
export function dialRules(input: DialRulesInput): DialRules {
  const parsed = DialRulesInput.parse(input);
  return {
    window: { startMin: minutes(parsed.hours.start), endMin: minutes(parsed.hours.end), days: new Set(parsed.hours.days) },
    maxAttempts: parsed.maxAttempts,
    maxAttemptsPerDay: parsed.maxAttemptsPerDay,
    retry: parsed.retry,
  };
}

export interface DialLead {
  /** E.164. */
  number: string;
  /** IANA zone (the importer's). */
  timezone: string;
}

export type NotYet = 'retry-wait' | 'daily-limit' | 'outside-hours';
export type Never = 'dnc-global' | 'dnc-tenant' | 'answered' | 'unobtainable' | 'max-attempts' | 'retries-exhausted' | 'in-progress' | 'no-calling-hours' | 'unknown-timezone';

export type Verdict =
  | { ok: true }
  | { ok: false; reason: Never; detail: string }
  | { ok: false; reason: NotYet; detail: string; nextAt: number };

/** May the lead be dialled at `now` (epoch ms), given its attempts so far? */
export function mayDial(lead: DialLead, campaign: Campaign, now: number, history: readonly Attempt[]): Verdict {
  const { rules, dnc } = campaign;
  if (dnc.global.has(lead.number)) return { ok: false, reason: 'dnc-global', detail: 'on the global do-not-call list' };
  if (dnc.tenant.has(lead.number)) return { ok: false, reason: 'dnc-tenant', detail: "on the tenant's do-not-call list" };
  // Calling hours cannot be judged in a zone Intl does not know (a lead stored by an older runtime).
  if (canonicalZone(lead.timezone) === undefined) return { ok: false, reason: 'unknown-timezone', detail: `time zone "${lead.timezone}" is unknown` };

  let last: Attempt | undefined;
  const byOutcome = new Map<Outcome, number>();
  for (const a of history) {
    byOutcome.set(a.outcome, (byOutcome.get(a.outcome) ?? 0) + 1);
    if (!last || a.at >= last.at) last = a;
  }
  if (byOutcome.has('answered')) return { ok: false, reason: 'answered', detail: 'answered live' };
  if (byOutcome.has('unobtainable')) return { ok: false, reason: 'unobtainable', detail: 'the number is unobtainable' };
  if (byOutcome.has('in-progress')) return { ok: false, reason: 'in-progress', detail: 'an attempt is still in progress' };
  if (history.length >= rules.maxAttempts) return { ok: false, reason: 'max-attempts', detail: `${history.length} of ${rules.maxAttempts} attempts made` };
  for (const o of RETRY_OUTCOMES) {
    const n = byOutcome.get(o) ?? 0;
    if (n > rules.retry[o].maxRetries) return { ok: false, reason: 'retries-exhausted', detail: `${n} ${o} outcomes; ${rules.retry[o].maxRetries} retries allowed` };
  }

  // Lower bounds on time, the binding one named.
  let from = now;
  let reason: NotYet = 'outside-hours';
  let detail = 'outside calling hours in the lead\'s local time';
  if (last) {
    const rule = rules.retry[last.outcome as RetryOutcome];
    const retryAt = last.at + rule.afterMinutes * MINUTE;
    if (retryAt > from) { from = retryAt; reason = 'retry-wait'; detail = `retry ${rule.afterMinutes} min after ${last.outcome}`; }
  }
  const wallNow = wallMs(now, lead.timezone);
  const today = dayOf(wallNow);
  let minDay = -Infinity;
  let todays = 0;
  for (const a of history) if (dayOf(wallMs(a.at, lead.timezone)) === today) todays++;
  if (todays >= rules.maxAttemptsPerDay) {
    minDay = today + 1;
    reason = 'daily-limit';
    detail = `${todays} of ${rules.maxAttemptsPerDay} attempts made today`;
  }

  if (from === now && minDay === -Infinity && inWindow(wallNow, rules.window)) return { ok: true };
  const nextAt = nextInWindow(from, lead.timezone, rules.window, minDay);
  // DialRulesInput refuses a window with no day; one built by hand is "never", not a throw.
  if (nextAt === undefined) return { ok: false, reason: 'no-calling-hours', detail: 'the campaign has no calling hours' };
  return { ok: false, reason, detail, nextAt };
}
