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
]);
export type Destination = z.infer<typeof Destination>;

/** A queue as the queues plugin reaches it (its api/). */
export type { QueueTarget } from '../queues/api/index.ts';
import type { QueueTarget } from '../queues/api/index.ts';

/** What a destination names, as it is rendered on one cluster. */
export interface Targets {
  queues: ReadonlyMap<number, QueueTarget>;
  /** IVR menus of the cluster and business hours of the tenant: id → name. */
  ivrs: ReadonlyMap<number, string>;
  hours: ReadonlyMap<number, string>;
}

/**
 * The contexts of this plugin. Menus, hours and trunks are named `ivr-<name>`, `hours-<name>` and
 * `inbound-<trunk>`; every name starts with a letter or digit, so the helpers' `--` never meets one.
 */
export const contexts = {
  ivr: (s: ClusterSnapshotView, name: string) => objectNames.context(s.tenant, `ivr-${name}`, 'name'),
  hours: (s: ClusterSnapshotView, name: string) => objectNames.context(s.tenant, `hours-${name}`, 'name'),
  trunk: (s: ClusterSnapshotView, tr: TrunkView) => objectNames.context(s.tenant, `inbound-${tr.name}`, 'trunk name'),
  /** One voicemail extension per box a destination names. */
  voicemail: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--voicemail'),
  /** The internal context and the outbound rights: where a `number` destination is dialled. */
  dial: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'inbound--dial'),
  /** The extensions of the cluster, for menus with direct dial. */
  direct: (s: ClusterSnapshotView) => objectNames.context(s.tenant, 'ivr--direct'),
};

/** `box@context` of an extension's mailbox (`default` context, tenant-prefixed, as the core renders voicemail.conf). */
export function mailboxOf(s: ClusterSnapshotView, e: ExtensionView): string | null {
  if (!e.mailbox) return null;
  const [box = '', ctx] = e.mailbox.split('@');
  return dialplanToken(`${box}@${tenantName(s.tenant, ctx || 'default', 'mailbox')}`, 'mailbox');
}

/** The application a destination runs on this cluster, or why it cannot be reached there. */
export function resolve(s: ClusterSnapshotView, d: Destination, t: Targets): { app: string } | { missing: string } {
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
      return q && q.clusterId === s.cluster.id ? goto(q.context, q.number) : { missing: `queue ${d.queueId} is not on cluster ${s.cluster.name}` };
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
    case 'hangup':
      return { app: 'Hangup()' };
  }
}

/** The application, or a render error naming the object (the commit validator names it first). */
export function destinationApp(s: ClusterSnapshotView, d: Destination, t: Targets, object: string): string {
  const r = resolve(s, d, t);
  if ('missing' in r) throw new Error(`${object}: ${r.missing}`);
  return r.app;
}

/** The IVR menu or business hours a destination leads to next (for the loop check). */
export function nextNode(d: Destination): string | null {
  return d.type === 'ivr' ? `ivr:${d.ivrId}` : d.type === 'hours' ? `hours:${d.hoursId}` : null;
}
