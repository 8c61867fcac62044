import type { ClusterSnapshotView, ExtensionView } from '../../../sdk/index.ts';
import type { Destination } from '../destination.ts';
import type { Announcement, Hours, Ivr, Mailbox, Route } from '../entities.ts';
import type { InboundData } from '../render.ts';
import type { Lookups } from '../graph.ts';

/** One cluster of a tenant (1: the default, plain names; 2: hosted, `t2-`) with every kind of destination. */
export const snapshot = (tenantId = 1, timezone: string | null = 'America/New_York'): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'tampa', timezone },
  cluster: { id: 7, tenantId, siteId: 1, name: 'tpa1' },
  servers: [], acls: [], groups: [],
  extensions: ([
    { id: 11, extension: '6101', name: 'Keith', mailbox: '6101' },
    { id: 12, extension: '6102', name: 'Dana' },
  ] as Partial<ExtensionView>[]).map((e) => ({ tenantId, siteId: 1, clusterId: 7, ...e }) as ExtensionView),
  trunks: [
    { id: 1, tenantId, siteId: 1, clusterId: 7, name: 'TELNYX-1', register: true, qualify: true, context: 'from-telnyx' },
    { id: 2, tenantId, siteId: 1, clusterId: 7, name: 'BW', register: false, qualify: true, context: 'from-bw' },
    { id: 3, tenantId, siteId: 1, clusterId: 7, name: 'LEGACY', register: false, qualify: false },
  ],
});

const stamps = { createdAt: new Date(0), updatedAt: new Date(0) };
const placed = { siteId: 1, clusterId: 7, ...stamps };
const hangup: Destination = { type: 'hangup' };

export function data(tenantId = 1): InboundData {
  const hours: Hours[] = [
    {
      id: 1, tenantId, name: 'office', description: 'US office', active: true, ...stamps,
      open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }, { days: ['sat'], from: '10:00', to: '24:00' }],
      holidays: [{ date: '12-25', name: 'Christmas' }, { date: '2027-01-01', name: 'New Year 2027' }, { date: '2026-07-04', name: 'past, not rendered' }],
      destinations: { open: { type: 'ivr', ivrId: 1 }, closed: { type: 'voicemail', number: '6101' }, holiday: hangup },
    },
    { id: 2, tenantId, name: 'always', active: false, open: [], holidays: [], destinations: { open: { type: 'extension', number: '6101' }, closed: hangup, holiday: hangup }, ...stamps },
    { id: 3, tenantId, name: 'unused', active: true, open: [], holidays: [], destinations: { open: hangup, closed: hangup, holiday: hangup }, ...stamps },
  ];
  const ivrs: Ivr[] = [
    {
      id: 1, tenantId, name: 'main', description: 'front desk', prompt: 'custom/welcome', timeout: 5, retries: 2, directDial: true, ...placed,
      options: [
        { digit: '1', destination: { type: 'queue', queueId: 1 } }, { digit: '2', destination: { type: 'extension', number: '6102' } },
        { digit: '9', destination: { type: 'ivr', ivrId: 2 } }, { digit: '*', destination: { type: 'number', number: '+442071234567' } },
      ],
      invalid: { type: 'voicemail', number: '6101' }, timeoutDestination: { type: 'extension', number: '6101' },
    },
    { id: 2, tenantId, name: 'sub', prompt: 'custom/sub-menu', timeout: 3, retries: 0, directDial: false, options: [{ digit: '#', destination: hangup }], invalid: hangup, timeoutDestination: hangup, ...placed },
  ];
  const route = (r: Partial<Route> & Pick<Route, 'id' | 'destination'>): Route => ({ tenantId, ...placed, ...r });
  const routes: Route[] = [
    route({ id: 1, trunkId: 1, did: '+15551230000', callerIdNamePrefix: 'Sales', destination: { type: 'hours', hoursId: 1 } }),
    route({ id: 2, trunkId: null, did: '15551230001', destination: { type: 'ivr', ivrId: 1 } }),
    route({ id: 3, trunkId: null, did: null, destination: { type: 'hours', hoursId: 2 } }),
    route({ id: 4, trunkId: 1, did: null, callerIdNamePrefix: 'TX -', destination: { type: 'extension', number: '6102' } }),
  ];
  return {
    hours, ivrs, routes, announcements: [], mailboxes: [], rooms: new Map(),
    queues: new Map([[1, { tenantId, clusterId: 7, context: tenantId === 1 ? 'queues' : `t${tenantId}-queues`, number: '600' }]]),
  };
}

/**
 * The issue-14 destinations on top of `data()`: announcements (closed, early media), a conference
 * room, group mailboxes and business hours of queue 2 (support), which a route and an IVR option
 * to that queue go through, while the hours themselves reach the queue directly.
 */
export function extras(tenantId = 1): InboundData {
  const d = data(tenantId);
  const p = tenantId === 1 ? '' : `t${tenantId}-`;
  const announce = (a: Partial<Announcement> & Pick<Announcement, 'id' | 'name' | 'prompt'>): Announcement => ({ tenantId, repeat: 1, answer: true, then: hangup, ...placed, ...a });
  const announcements = [
    announce({ id: 1, name: 'closed', description: 'we are closed', prompt: 'custom/closed', repeat: 2, then: { type: 'groupVoicemail', mailboxId: 1 } }),
    announce({ id: 2, name: 'merry-christmas', prompt: 'custom/xmas', answer: false }),
  ];
  const mailboxes: Mailbox[] = [
    { id: 1, tenantId, ...placed, number: '6001', name: 'Support team', pin: '4711', emails: ['support@example.com', 'lead@example.com'], queueId: 2 },
    { id: 2, tenantId, ...placed, number: '60', name: 'Sales', pin: '9876', emails: [], queueId: null },
  ];
  const hours: Hours[] = [...d.hours, {
    id: 4, tenantId, name: 'support', active: true, queueId: 2, ...stamps, open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }], holidays: [{ date: '12-25', name: 'Christmas' }],
    destinations: { open: { type: 'queue', queueId: 2 }, closed: { type: 'announcement', announcementId: 1 }, holiday: { type: 'announcement', announcementId: 2 } },
  }];
  const ivrs = d.ivrs.map((i) => (i.id === 2 ? { ...i, options: [...i.options, { digit: '5', destination: { type: 'queue', queueId: 2 } as Destination }, { digit: '8', destination: { type: 'conference', roomId: 3 } as Destination }] } : i));
  const routes: Route[] = [...d.routes, { tenantId, ...placed, id: 5, trunkId: 2, did: '15551230005', destination: { type: 'queue', queueId: 2 } }];
  const queues = new Map(d.queues).set(2, { tenantId, clusterId: 7, context: `${p}queues`, number: '602' });
  return { ...d, hours, ivrs, routes, announcements, mailboxes, queues, rooms: new Map([[3, { tenantId, clusterId: 7, context: `${p}conferences`, number: '8600' }]]) };
}

export const NOW = new Date('2026-12-02T08:00:00Z');

/** The other plugins as the commit validator asks them: no recordings plugin, so only plain sound names pass. */
export const lookups: Lookups = {
  queue: async () => null, room: async () => null, roomsRunning: () => true, recordings: () => undefined,
};
