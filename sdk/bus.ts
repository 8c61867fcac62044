/**
 * The event bus seam (DESIGN §10): publish and subscribe by subject, NATS conventions (a `*`
 * matches one segment, a trailing `>` the rest), so a hosting provider can swap in NATS without
 * changing callers.
 *
 * Every subject has six segments: `acm.<tenant>.<cluster>.<server>.<source>.<event>`.
 * - `<tenant>.<cluster>.<server>`: where it happened, as ids; `0` where the event is not tied to
 *   one (a cluster-wide event has server `0`, a site-wide one `0.0.0`). Placement comes first so
 *   a relay can be given one tenant (`acm.7.>`) or one cluster (`acm.7.3.>`).
 * - `<source>`: who speaks: `ami` (Asterisk's own events, named as Asterisk spells them), one of
 *   the core's {@link CORE_BUS_SOURCES}, or the publishing plugin's id — a plugin publishes only
 *   under its own id (the kernel refuses anything else), and no plugin may take a core source's name.
 * - `<event>`: one segment, lower-case with dashes (`state`, `progress`), except AMI event names.
 * Browsers get live data (`<source>` live, server, commit, batch) over `GET /api/events`, filtered
 * by the placement in the message data (`tenantId`, `siteId`, `clusterId`), and the plugin events
 * a plugin declared (`ctx.events.toBrowsers`), filtered by the placement in the subject.
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

/** Sources the core publishes under; reserved, so no plugin id may be one of these. */
export const CORE_BUS_SOURCES = ['core', 'ami', 'live', 'server', 'commit', 'model', 'backup', 'batch'] as const;

const SEGMENT = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ID = /^(0|[1-9][0-9]*)$/;

/** Where an event happened; a missing or null id is `0`. */
export interface BusPlace { tenantId?: number | null; clusterId?: number | null; serverId?: number | null }

/** The subject of an event from `source` at `place` (see the scheme above). */
export function busSubject(place: BusPlace, source: string, event: string): string {
  const subject = `acm.${place.tenantId ?? 0}.${place.clusterId ?? 0}.${place.serverId ?? 0}.${source}.${event}`;
  const problem = subjectProblem(subject);
  if (problem) throw new Error(`bus subject "${subject}" ${problem}`);
  return subject;
}

/*
 * Subjects already found to follow the scheme: an AMI event's subject repeats for every event of
 * its kind, and checking it again on each of thousands per second was the ingest's largest cost.
 * Bounded: cleared when full (a flood of distinct subjects only costs the checks again).
 */
const FOLLOWS = new Set<string>();
const FOLLOWS_MAX = 50_000;

/** Why `subject` breaks the scheme (or is not under `source`, when given); null when it follows it. */
export function subjectProblem(subject: string, source?: string): string | null {
  if (!FOLLOWS.has(subject)) {
    const s = subject.split('.');
    if (s.length !== 6 || s[0] !== 'acm' || !s.slice(1, 4).every((x) => ID.test(x)) || !SEGMENT.test(s[4]!) || !SEGMENT.test(s[5]!)) {
      return 'does not follow acm.<tenant>.<cluster>.<server>.<source>.<event>';
    }
    if (FOLLOWS.size >= FOLLOWS_MAX) FOLLOWS.clear();
    FOLLOWS.add(subject);
  }
  if (source !== undefined && subject.split('.')[4] !== source) return `is not under its own source "${source}"`;
  return null;
}

/** The placement and source of a subject that follows the scheme. */
export function parseSubject(subject: string): { tenantId: number; clusterId: number; serverId: number; source: string; event: string } | null {
  if (subjectProblem(subject)) return null;
  const [, t, c, s, source, event] = subject.split('.');
  return { tenantId: Number(t), clusterId: Number(c), serverId: Number(s), source: source!, event: event! };
}
