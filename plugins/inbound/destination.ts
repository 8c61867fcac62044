import { dialplanToken, objectNames, tenantName, z, type ClusterSnapshotView, type ExtensionView, type TrunkView } from '../../sdk/index.ts';

/** Where a call goes: the one schema routes, IVR options and business hours share. */
const number = z.string().regex(/^[0-9]{1,20}$/, 'digits, at most 20');
const id = z.number().int().positive();
export const Destination = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('extension'), number }),
  z.strictObject({ type: z.literal('queue'), queueId: id }),
  z.strictObject({ type: z.literal('ivr'), ivrId: id }),
  z.strictObject({ type: z.literal('hours'), hoursId: id }),
  z.strictObject({ type: z.literal('voicemail'), number }),
  /** An outside number or another site's, dialled with the outbound routes of the tenant. */
  z.strictObject({ type: z.literal('number'), number: z.string().regex(/^\+?[0-9]{2,20}$/, 'digits with an optional leading +, at most 20') }),
  z.strictObject({ type: z.literal('hangup') }),
  /** A recording played (then its own `then`): the usual "closed" of business hours. */
  z.strictObject({ type: z.literal('announcement'), announcementId: id }),
  /** A room of the conference plugin, reached at its number. */
  z.strictObject({ type: z.literal('conference'), roomId: id }),
  /** A shared mailbox of this plugin (an agent group's). */
  z.strictObject({ type: z.literal('groupVoicemail'), mailboxId: id }),
]);
export type Destination = z.infer<typeof Destination>;

/** A queue as the queues plugin reaches it (its api/), a room as the conference plugin does. */
export type { QueueTarget } from '../queues/api/index.ts';
export type { ConferenceTarget } from '../conference/api/index.ts';
import type { QueueTarget } from '../queues/api/index.ts';
import type { ConferenceTarget } from '../conference/api/index.ts';

/** What a destination names, as it is rendered on one cluster. */
export interface Targets {
  queues: ReadonlyMap<number, QueueTarget>;
  /** IVR menus of the cluster and business hours of the tenant: id → name. */
  ivrs: ReadonlyMap<number, string>;
  hours: ReadonlyMap<number, string>;
  /** Announcements of the cluster: id → name. */
  announcements: ReadonlyMap<number, string>;
  rooms: ReadonlyMap<number, ConferenceTarget>;
  /** Group mailboxes of the cluster: id → box number. */
  mailboxes: ReadonlyMap<number, string>;
  /** Queues with business hours of their own (rendered here): queue id → hours id. */
  queueHours: ReadonlyMap<number, number>;
}

/**
 * The contexts of this plugin. Menus, hours and trunks are named `ivr-<name>`, `hours-<name>` and
 * `inbound-<trunk>`; every name starts with a letter or digit, so the helpers' `--` never meets one.
 */
export const contexts = {
  ivr: (s: ClusterSnapshotView, name: string) => objectNames.context(s.tenant, `ivr-${name}`, 'name'),
  hours: (s: ClusterSnapshotView, name: string) => objectNames.context(s.tenant, `hours-${name}`, 'name'),
  announcement: (s: ClusterSnapshotView, name: string) => objectNames.context(s.tenant, `announce-${name}`, 'name'),
  trunk: (s: ClusterSnapshotView, tr: TrunkView) => objectNames.context(s.tenant, `inbound-${tr.name}`, 'trunk name'),
  /** One voicemail extension per box a destination names. */
  voicemail: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--voicemail'),
  /** The internal context and the outbound rights: where a `number` destination is dialled. */
  dial: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--dial'),
  /** The extensions of the cluster, for menus with direct dial. */
  direct: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'ivr--direct'),
  /** One VoiceMail extension per group mailbox a destination names. */
  groupVoicemail: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--groupvm'),
  /** The members' feature codes (`*98<box>`), included from the internal context. */
  groupVoicemailMain: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--groupvm-main'),
};

/**
 * The voicemail.conf context of the group mailboxes: a category of this plugin's own, since
 * app_voicemail reads the boxes of the first category of a name only (load_users:
 * ast_variable_browse by name), so a second `[default]` would be dropped.
 */
export const mailboxContext = (tenant: { readonly id: number }) => tenantName(tenant, 'groups', 'voicemail context');

/** The feature code members dial to listen to a group mailbox: `*98` and its number. */
export const LISTEN_CODE = '*98';

/** `box@context` of an extension's mailbox (`default` context, tenant-prefixed, as the core renders voicemail.conf). */
export function mailboxOf(s: ClusterSnapshotView, e: ExtensionView): string | null {
  if (!e.mailbox) return null;
  const [box = '', ctx] = e.mailbox.split('@');
  return dialplanToken(`${box}@${tenantName(s.tenant, ctx || 'default', 'mailbox')}`, 'mailbox');
}

/**
 * The application a destination runs on this cluster, or why it cannot be reached there. A queue
 * with business hours of its own goes through them first, but from inside those hours (`inHours`).
 */
export function resolve(s: ClusterSnapshotView, d: Destination, t: Targets, inHours?: number): { app: string } | { missing: string } {
  const goto = (ctx: string, exten: string) => ({ app: `Goto(${ctx},${dialplanToken(exten, 'destination')},1)` });
  switch (d.type) {
    case 'extension': {
      const e = s.extensions.find((x) => x.extension === d.number);
      return e ? goto(objectNames.internal(s.tenant), e.extension) : { missing: `extension ${d.number} is not on cluster ${s.cluster.name}` };
    }
    case 'voicemail': {
      const e = s.extensions.find((x) => x.extension === d.number);
      if (!e) return { missing: `extension ${d.number} (voicemail) is not on cluster ${s.cluster.name}` };
      return mailboxOf(s, e) ? goto(contexts.voicemail(s), e.extension) : { missing: `extension ${d.number} has no mailbox` };
    }
    case 'queue': {
      const q = t.queues.get(d.queueId);
      if (!q || q.clusterId !== s.cluster.id) return { missing: `queue ${d.queueId} is not on cluster ${s.cluster.name}` };
      const h = t.queueHours.get(d.queueId);
      const name = h === undefined || h === inHours ? undefined : t.hours.get(h);
      return name ? goto(contexts.hours(s, name), 's') : goto(q.context, q.number);
    }
    case 'ivr': {
      const name = t.ivrs.get(d.ivrId);
      return name ? goto(contexts.ivr(s, name), 's') : { missing: `IVR ${d.ivrId} is not on cluster ${s.cluster.name}` };
    }
    case 'hours': {
      const name = t.hours.get(d.hoursId);
      return name ? goto(contexts.hours(s, name), 's') : { missing: `business hours ${d.hoursId} no longer exist` };
    }
    case 'number':
      return goto(contexts.dial(s), d.number);
    case 'announcement': {
      const name = t.announcements.get(d.announcementId);
      return name ? goto(contexts.announcement(s, name), 's') : { missing: `announcement ${d.announcementId} is not on cluster ${s.cluster.name}` };
    }
    case 'conference': {
      const r = t.rooms.get(d.roomId);
      return r && r.clusterId === s.cluster.id ? goto(r.context, r.number) : { missing: `conference room ${d.roomId} is not on cluster ${s.cluster.name} (or the conference plugin does not run)` };
    }
    case 'groupVoicemail': {
      const box = t.mailboxes.get(d.mailboxId);
      return box ? goto(contexts.groupVoicemail(s), box) : { missing: `group mailbox ${d.mailboxId} is not on cluster ${s.cluster.name}` };
    }
    case 'hangup':
      return { app: 'Hangup()' };
  }
}

/** The application, or a render error naming the object (the commit validator names it first). */
export function destinationApp(s: ClusterSnapshotView, d: Destination, t: Targets, object: string, inHours?: number): string {
  const r = resolve(s, d, t, inHours);
  if ('missing' in r) throw new Error(`${object}: ${r.missing}`);
  return r.app;
}

/**
 * The IVR menu, business hours or announcement a destination leads to next (for the loop check):
 * a queue with hours of its own (queue id → their node) leads to them, but from those hours (`from`) to the queue itself.
 */
export function nextNode(d: Destination, queueHours: ReadonlyMap<number, string>, from?: string): string | null {
  switch (d.type) {
    case 'ivr': return `ivr:${d.ivrId}`;
    case 'hours': return `hours:${d.hoursId}`;
    case 'announcement': return `announcement:${d.announcementId}`;
    case 'queue': {
      const h = queueHours.get(d.queueId);
      return h === undefined || h === from ? null : h;
    }
    default: return null;
  }
}
