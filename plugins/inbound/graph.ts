import type { EntityManager, FieldProblem } from '../../sdk/index.ts';
import type { RecordingsService } from '../recordings/api/index.ts';
import { nextNode, type ConferenceTarget, type Destination, type QueueTarget } from './destination.ts';
import { AnnouncementSchema, HoursSchema, IvrSchema, MailboxSchema, type Announcement, type Hours, type Ivr } from './entities.ts';

/** What the other plugins answer about their objects (their api/), inside a write's transaction. */
export interface Lookups {
  queue(id: number, em?: EntityManager): Promise<QueueTarget | null>;
  room(id: number, em?: EntityManager): Promise<ConferenceTarget | null>;
  /** Whether the conference plugin (optional) runs. */
  roomsRunning(): boolean;
  /** The recordings plugin (optional) while it runs. */
  recordings(): RecordingsService | undefined;
}

export type NodeKind = 'ivr' | 'hours' | 'announcement';
const LABEL: Record<NodeKind, string> = { ivr: 'IVR', hours: 'hours', announcement: 'announcement' };

/** The destinations of an IVR menu, business hours or an announcement, each with the field that holds it. */
export function exits(kind: NodeKind, row: Record<string, any>): [string, Destination][] {
  if (kind === 'hours') return Object.entries(row.destinations as Hours['destinations']).map(([k, d]) => [`destinations.${k}`, d]);
  if (kind === 'announcement') return [['then', (row as Announcement).then]];
  const ivr = row as Ivr;
  return [...ivr.options.map((o, i): [string, Destination] => [`options.${i}.destination`, o.destination]), ['invalid', ivr.invalid], ['timeoutDestination', ivr.timeoutDestination]];
}

/**
 * Queues, menus, announcements, rooms and group mailboxes a row names must be on its cluster (in
 * its tenant, for hours); business hours in its tenant.
 */
export async function destinationProblems(em: EntityManager, row: Record<string, any>, fields: [string, Destination][], look: Lookups): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const where = row.clusterId != null ? 'cluster' : 'tenant';
  const here = (o: { tenantId: number; clusterId?: number } | null) => !!o && o.tenantId === row.tenantId && (where === 'tenant' || o.clusterId === row.clusterId);
  for (const [field, d] of fields) {
    const no = (key: string, what: string) => problems.push({ field: `${field}.${key}`, message: `no ${what} on this ${where}` });
    if (d.type === 'queue' && !here(await look.queue(d.queueId, em))) no('queueId', `queue ${d.queueId}`);
    if (d.type === 'ivr' && !here(await em.findOne(IvrSchema, { id: d.ivrId }))) no('ivrId', `IVR menu ${d.ivrId}`);
    if (d.type === 'hours' && (await em.findOne(HoursSchema, { id: d.hoursId }))?.tenantId !== row.tenantId) problems.push({ field: `${field}.hoursId`, message: `no business hours ${d.hoursId} in this tenant` });
    if (d.type === 'announcement' && !here(await em.findOne(AnnouncementSchema, { id: d.announcementId }))) no('announcementId', `announcement ${d.announcementId}`);
    if (d.type === 'conference' && !look.roomsRunning()) problems.push({ field: `${field}.roomId`, message: 'conference rooms need the conference plugin, which is not running' });
    else if (d.type === 'conference' && !here(await look.room(d.roomId, em))) no('roomId', `conference room ${d.roomId}`);
    if (d.type === 'groupVoicemail' && !here(await em.findOne(MailboxSchema, { id: d.mailboxId }))) no('mailboxId', `group mailbox ${d.mailboxId}`);
  }
  return problems;
}

/**
 * A call that could come back where it was: IVR A → IVR B → A, through business hours (a queue
 * with hours of its own leads to them) or an announcement's `then`. Walks from the row as it will
 * be stored over the tenant's other menus, hours and announcements; the 422 names the field where
 * the cycle starts and the path.
 */
export async function loopProblems(em: EntityManager, kind: NodeKind, row: Record<string, any>, existing: Record<string, any> | null): Promise<FieldProblem[]> {
  const self = existing ? `${kind}:${existing.id}` : `${kind}:new`;
  const graph = new Map<string, { label: string; exits: [string, Destination][] }>();
  const queueHours = new Map<number, string>();
  for (const i of await em.find(IvrSchema, { tenantId: row.tenantId })) graph.set(`ivr:${i.id}`, { label: `IVR ${i.name}`, exits: exits('ivr', i) });
  for (const h of await em.find(HoursSchema, { tenantId: row.tenantId })) {
    graph.set(`hours:${h.id}`, { label: `hours ${h.name}`, exits: exits('hours', h) });
    if (h.queueId != null && `hours:${h.id}` !== self) queueHours.set(h.queueId, `hours:${h.id}`);
  }
  for (const a of await em.find(AnnouncementSchema, { tenantId: row.tenantId })) graph.set(`announcement:${a.id}`, { label: `announcement ${a.name}`, exits: exits('announcement', a) });
  graph.set(self, { label: `${LABEL[kind]} ${row.name as string}`, exits: exits(kind, row) });
  if (kind === 'hours' && row.queueId != null) queueHours.set(row.queueId as number, self);
  const path = (node: string, seen: string[]): string[] | null => {
    for (const [, d] of graph.get(node)?.exits ?? []) {
      const next = nextNode(d, queueHours, node);
      if (!next || !graph.has(next) || seen.includes(next)) continue;
      if (next === self) return [...seen, next];
      const found = path(next, [...seen, next]);
      if (found) return found;
    }
    return null;
  };
  for (const [field, d] of exits(kind, row)) {
    const next = nextNode(d, queueHours, self);
    if (!next || !graph.has(next)) continue;
    const cycle = next === self ? [self, self] : (() => { const p = path(next, [next]); return p ? [self, ...p] : null; })();
    if (cycle) return [{ field, message: `a loop: ${cycle.map((n) => graph.get(n)!.label).join(' → ')}` }];
  }
  return [];
}
