import {
  ConfWriter, dialplanToken, fileHeader, objectNames, type ClusterSnapshotView, type ConfigFileDeclaration, type TrunkView,
} from '../../sdk/index.ts';
import { renderAnnouncement } from './announcements.ts';
import { contexts, destinationApp, mailboxOf, type ConferenceTarget, type Destination, type QueueTarget, type Targets } from './destination.ts';
import type { Announcement, Hours, Ivr, Mailbox, Route } from './entities.ts';
import { localDate, oneOffSeconds, openCondition, yearlyCondition } from './hours-time.ts';
import { renderMailboxDialplan } from './mailboxes.ts';

export const DIALPLAN_FILE = 'acm/extensions-inbound.conf';

export interface InboundData {
  hours: readonly Hours[]; ivrs: readonly Ivr[]; routes: readonly Route[]; announcements: readonly Announcement[]; mailboxes: readonly Mailbox[];
  /** What the destinations name of the other plugins: queues and conference rooms by id. */
  queues: ReadonlyMap<number, QueueTarget>; rooms: ReadonlyMap<number, ConferenceTarget>;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Where a trunk's calls land (the core's trunk context: its own `context`, else internal). */
export function trunkContext(s: ClusterSnapshotView, tr: TrunkView): string {
  return tr.context ? objectNames.context(s.tenant, tr.context, 'trunk context') : objectNames.internal(s.tenant);
}

/** A route's DID as an extension: the DID itself, or the catch-all patterns (and `s` for a call without one). */
export function routeExtens(r: Pick<Route, 'did'>): string[] {
  return r.did ? [dialplanToken(r.did, 'did')] : ['_X.', '_+X.', 's'];
}

/** The routes one trunk takes: its own, then the every-trunk ones for DIDs it has no own route for. */
export function trunkRoutes(s: ClusterSnapshotView, routes: readonly Route[], tr: TrunkView): Route[] {
  const own = routes.filter((r) => r.clusterId === s.cluster.id && r.trunkId === tr.id);
  const dids = new Set(own.map((r) => r.did ?? null));
  const shared = routes.filter((r) => r.clusterId === s.cluster.id && r.trunkId == null && !dids.has(r.did ?? null));
  return [...own, ...shared].sort((a, b) => (a.did == null ? 1 : 0) - (b.did == null ? 1 : 0) || (a.did ?? '').localeCompare(b.did ?? '') || a.id - b.id);
}

/**
 * What one cluster renders: its IVR menus and announcements, and the business hours of its tenant
 * its routes, menus and announcements reach (directly, through other hours or through a queue
 * that has hours of its own), so hours that send calls to one cluster's queue are not rendered on
 * another.
 */
export function rendered(s: ClusterSnapshotView, d: InboundData): { ivrs: Ivr[]; announcements: Announcement[]; hours: Hours[]; targets: Targets } {
  const ivrs = d.ivrs.filter((i) => i.clusterId === s.cluster.id).sort(byName);
  const announcements = d.announcements.filter((a) => a.clusterId === s.cluster.id).sort(byName);
  const tenantHours = new Map(d.hours.filter((h) => h.tenantId === s.tenant.id).map((h) => [h.id, h]));
  const ofQueue = new Map([...tenantHours.values()].filter((h) => h.queueId != null).map((h) => [h.queueId!, h.id]));
  const reached = new Set<number>();
  const visit = (dest: Destination) => {
    const id = dest.type === 'hours' ? dest.hoursId : dest.type === 'queue' ? ofQueue.get(dest.queueId) : undefined;
    if (id === undefined || reached.has(id)) return;
    const h = tenantHours.get(id);
    if (!h) return;
    reached.add(h.id);
    Object.values(h.destinations).forEach(visit);
  };
  d.routes.filter((r) => r.clusterId === s.cluster.id).forEach((r) => visit(r.destination));
  ivrs.forEach((i) => ivrDestinations(i).forEach(visit));
  announcements.forEach((a) => visit(a.then));
  const hours = [...reached].map((id) => tenantHours.get(id)!).sort(byName);
  const targets: Targets = {
    queues: d.queues, rooms: d.rooms,
    ivrs: new Map(ivrs.map((i) => [i.id, i.name])), hours: new Map(hours.map((h) => [h.id, h.name])),
    announcements: new Map(announcements.map((a) => [a.id, a.name])),
    mailboxes: new Map(d.mailboxes.filter((m) => m.clusterId === s.cluster.id).map((m) => [m.id, m.number])),
    queueHours: new Map(hours.filter((h) => h.queueId != null).map((h) => [h.queueId!, h.id])),
  };
  return { ivrs, announcements, hours, targets };
}

export const ivrDestinations = (i: Ivr): Destination[] => [...i.options.map((o) => o.destination), i.invalid, i.timeoutDestination];

/**
 * Business hours: holidays first (one-off dates as an `${EPOCH}` interval while they are to
 * come, yearly ones as day and month), then the open rules, else closed; all in the site's
 * timezone. Inactive hours send every call to the open destination.
 */
function renderHours(w: ConfWriter, s: ClusterSnapshotView, h: Hours, t: Targets, now: Date): void {
  const tz = s.site.timezone || 'UTC';
  const object = `business hours ${h.name}`;
  w.blank().comment(`business hours ${h.name} (id ${h.id})${h.description ? `: ${h.description}` : ''} - timezone ${tz}`);
  w.section(contexts.hours(s, h.name));
  w.raw(`exten => s,1,NoOp(acm hours ${dialplanToken(h.name, 'name')})`);
  if (!h.active) {
    w.same('n,Goto(open,1)');
  } else {
    const today = localDate(now, tz);
    for (const x of h.holidays) {
      if (x.date.length === 5) {
        w.same(`n,GotoIfTime(${yearlyCondition(x, tz)}?holiday,1)`);
      } else if (x.date >= today) {
        const span = oneOffSeconds(x.date, tz);
        w.same(`n,GotoIf($[\${EPOCH} >= ${span.from} & \${EPOCH} < ${span.to}]?holiday,1)`);
      }
    }
    for (const r of h.open) w.same(`n,GotoIfTime(${openCondition(r, tz)}?open,1)`);
    w.same('n,Goto(closed,1)');
  }
  for (const [exten, dest] of [['open', h.destinations.open], ['closed', h.destinations.closed], ['holiday', h.destinations.holiday]] as const) {
    // A queue these are the hours of is reached directly from here.
    w.raw(`exten => ${exten},1,${destinationApp(s, dest, t, `${object} (${exten})`, h.id)}`);
  }
}

/** An IVR menu: the prompt, then a digit; `i` and `t` play again until the retries are spent. */
function renderIvr(w: ConfWriter, s: ClusterSnapshotView, i: Ivr, t: Targets): void {
  const object = `IVR ${i.name}`;
  w.blank().comment(`IVR ${i.name} (id ${i.id})${i.description ? `: ${i.description}` : ''}`);
  w.section(contexts.ivr(s, i.name));
  if (i.directDial) w.raw(`include => ${contexts.direct(s)}`);
  w.raw('exten => s,1,Set(ACM_IVR_TRIES=0)').same('n,Answer()')
    .same(`n(menu),Background(${dialplanToken(i.prompt, 'prompt')})`).same(`n,WaitExten(${i.timeout})`);
  for (const o of i.options) w.raw(`exten => ${dialplanToken(o.digit, 'digit')},1,${destinationApp(s, o.destination, t, `${object} (digit ${o.digit})`)}`);
  // The counter is acm's own variable, counted here: no caller digit reaches an argument. `invalid`
  // ("That is not valid, try again") is in Asterisk's core sounds; option-is-invalid is in the extra ones.
  w.raw('exten => i,1,Playback(invalid)').same('n,Set(ACM_IVR_TRIES=$[${ACM_IVR_TRIES} + 1])')
    .same(`n,GotoIf($[\${ACM_IVR_TRIES} <= ${i.retries}]?s,menu)`).same(`n,${destinationApp(s, i.invalid, t, `${object} (invalid)`)}`);
  w.raw('exten => t,1,Set(ACM_IVR_TRIES=$[${ACM_IVR_TRIES} + 1])')
    .same(`n,GotoIf($[\${ACM_IVR_TRIES} <= ${i.retries}]?s,menu)`).same(`n,${destinationApp(s, i.timeoutDestination, t, `${object} (timeout)`)}`);
}

/**
 * The dialplan of one cluster: business hours, IVR menus and inbound routes, one context per
 * trunk (`inbound-<trunk>`) included from the context its calls land in. A trunk landing in the
 * internal context gets its DIDs but no catch-all: `_X.` there would take the phones' outside
 * calls too (the commit validator says so).
 */
export function renderInbound(s: ClusterSnapshotView, d: InboundData, now: Date): string {
  const { ivrs, announcements, hours, targets } = rendered(s, d);
  const trunks = [...s.trunks].sort((a, b) => a.id - b.id);
  const routed = trunks.map((tr) => ({ tr, routes: trunkRoutes(s, d.routes, tr) })).filter((x) => x.routes.length);
  if (!ivrs.length && !hours.length && !routed.length && !announcements.length && !targets.mailboxes.size) return '';
  const w = new ConfWriter();
  fileHeader(w, s, 'inbound routes, IVR menus and business hours');
  for (const h of hours) renderHours(w, s, h, targets, now);
  for (const i of ivrs) renderIvr(w, s, i, targets);
  for (const a of announcements) renderAnnouncement(w, s, a, targets);
  const internal = objectNames.internal(s.tenant);
  for (const { tr, routes } of routed) {
    const lands = trunkContext(s, tr);
    w.blank().comment(`calls from trunk ${objectNames.trunk(s.tenant, tr)} (id ${tr.id})`);
    w.section(contexts.trunk(s, tr));
    for (const r of routes) {
      if (!r.did && lands === internal) { w.comment(`route ${r.id}: no catch-all, the trunk's calls land in ${internal}`); continue; }
      const app = destinationApp(s, r.destination, targets, `inbound route ${r.id}`);
      for (const exten of routeExtens(r)) {
        w.raw(`exten => ${exten},1,NoOp(acm inbound route ${r.id})`);
        if (r.callerIdNamePrefix) w.same(`n,Set(CALLERID(name)=${prefix(r.callerIdNamePrefix)}\${FILTER(${NAME_CHARS},\${CALLERID(name)})})`);
        w.same(`n,${app}`);
      }
    }
  }
  // Helper contexts the destinations jump into.
  const all = [
    ...hours.flatMap((h) => Object.values(h.destinations)), ...ivrs.flatMap(ivrDestinations), ...announcements.map((a) => a.then),
    ...routed.flatMap((x) => x.routes.map((r) => r.destination)),
  ];
  const boxes = [...new Set(all.flatMap((x) => (x.type === 'voicemail' ? [x.number] : [])))].sort();
  if (boxes.length) {
    w.blank().comment('voicemail destinations').section(contexts.voicemail(s));
    for (const n of boxes) {
      const e = s.extensions.find((x) => x.extension === n);
      const box = e && mailboxOf(s, e);
      if (box) w.raw(`exten => ${dialplanToken(n, 'number')},1,VoiceMail(${box},u)`).same('n,Hangup()');
    }
  }
  if (all.some((x) => x.type === 'number')) {
    w.blank().comment('number destinations: dialled as a phone of the tenant with every outbound right').section(contexts.dial(s));
    for (const c of ['internal', 'local', 'longdistance', 'international']) w.raw(`include => ${objectNames.context(s.tenant, c)}`);
  }
  if (ivrs.some((i) => i.directDial)) {
    w.blank().comment('direct dial from IVR menus: the extensions only (not the feature codes or the parking lot)');
    w.section(contexts.direct(s));
    for (const e of [...s.extensions].sort((a, b) => a.extension.localeCompare(b.extension, 'en', { numeric: true }))) {
      const n = dialplanToken(e.extension, 'extension');
      w.raw(`exten => ${n},1,Goto(${internal},${n},1)`);
    }
  }
  const named = new Set(all.flatMap((x) => (x.type === 'groupVoicemail' ? [x.mailboxId] : [])));
  const listen = renderMailboxDialplan(w, s, d.mailboxes, named);
  const lands = new Map<string, string[]>();
  for (const { tr } of routed) lands.set(trunkContext(s, tr), [...(lands.get(trunkContext(s, tr)) ?? []), contexts.trunk(s, tr)]);
  if (listen.length) lands.set(internal, [...(lands.get(internal) ?? []), ...listen]);
  for (const [ctx, inc] of [...lands].sort(([a], [b]) => a.localeCompare(b))) {
    w.blank().section(ctx);
    for (const c of inc) w.raw(`include => ${c}`);
  }
  return w.toString();
}

/**
 * What of the caller's name stays behind a prefix. Set would take the name whole, but the
 * prefixed name goes on to every application that shows it (Queue, Dial's caller ID): only
 * the characters a name needs, none with a meaning in the dialplan (`,()"\\${}[]`). A leading
 * `-` is a literal in FILTER (func_strings.c: a range needs a character before it).
 */
const NAME_CHARS = "- A-Za-z0-9._'";

function prefix(p: string): string {
  if (!/^[A-Za-z0-9 -]{1,20}$/.test(p)) throw new Error(`caller-ID name prefix "${p.slice(0, 20)}": letters, digits, space and - only`);
  return p;
}

/** The plugin's file, rendered for every cluster (empty without routes, menus or hours: extensions.conf includes it either way). */
export function inboundFile(data: (s: ClusterSnapshotView) => Promise<InboundData>, now: () => Date = () => new Date()): ConfigFileDeclaration {
  return {
    name: DIALPLAN_FILE, reload: 'pbx_config.so', includeFrom: 'extensions.conf',
    note: 'acm renders business hours (hours-<name>), IVR menus (ivr-<name>), announcements (announce-<name>) and one inbound-<trunk> context per trunk, included from the trunk\'s context.',
    render: async (s) => renderInbound(s, await data(s), now()),
  };
}
