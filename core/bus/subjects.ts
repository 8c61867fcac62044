/** The core's bus subjects, built by the one scheme of sdk/bus.ts (`acm.<tenant>.<cluster>.<server>.<source>.<event>`). */
import { busSubject, type BusPlace } from '../../sdk/bus.ts';
import { createExtensionPoint } from '../../sdk/refs.ts';

/** A core resource was written (data: `{ entity }`); site-wide, it only invalidates caches. */
export const MODEL_CHANGED_SUBJECT = busSubject({}, 'model', 'changed');

/** Live state of one extension or trunk changed (`event` = `extension` | `trunk`). */
export const liveSubject = (place: BusPlace, event: 'extension' | 'trunk') => busSubject(place, 'live', event);

/** A server's connection status changed. */
export const serverStatusSubject = (place: BusPlace) => busSubject(place, 'server', 'status');

/** One step of a commit, rollback or verification of a cluster. */
export const commitProgressSubject = (place: BusPlace) => busSubject(place, 'commit', 'progress');

/** What `GET /api/events` forwards to browsers, by message type. */
export const BROWSER_PATTERNS = {
  live: 'acm.*.*.*.live.*',
  server: 'acm.*.*.*.server.status',
  commit: 'acm.*.*.*.commit.progress',
} as const;

/** A plugin event browsers get (`ctx.events.toBrowsers`), keyed `<plugin>.<event>`. */
export interface BrowserEvent { plugin: string; event: string; permission: string }
/** The core's point for them: only the kernel registers into it (plugins cannot import core/). */
export const BROWSER_EVENTS = createExtensionPoint<BrowserEvent>('core.browser-events');
