import { columns, EntitySchema } from '../../sdk/index.ts';

/** An extension of a cluster used as a hot-desk phone: basic rights of its own, a desk, an emergency caller ID. */
export interface HotdeskPhone {
  id: number; tenantId: number; siteId: number; clusterId: number;
  /** The core extension that is the phone. */
  extensionId: number;
  /** Where the desk is (shown in the status view, spoken of to the emergency services by the caller ID). */
  desk: string;
  /** The desk's location number, the caller ID of emergency calls from the phone (`"Desk 13" <+13055550113>`). */
  emergencyCallerId: string;
  createdAt: Date; updatedAt: Date;
}

/** A user (an extension) logged in at a hot-desk phone: who, where, since when. Mirrors AstDB acm-hotdesk. */
export interface HotdeskSession {
  id: number; tenantId: number; clusterId: number;
  phoneId: number;
  userExtensionId: number;
  /** How the log-in came: `phone` (*80 on the phone), `api` (UI, API), `cli`. */
  source: string;
  since: Date;
}

export const HotdeskPhoneSchema = new EntitySchema<HotdeskPhone>({
  name: 'HotdeskPhone',
  tableName: 'hotdesk_phones',
  uniques: [{ properties: ['clusterId', 'extensionId'] }],
  properties: {
    ...columns.id, ...columns.cluster,
    extensionId: { type: 'integer', index: true },
    desk: { type: 'string', length: 80 },
    emergencyCallerId: { type: 'string', length: 200 },
    ...columns.stamps,
  },
});

export const HotdeskSessionSchema = new EntitySchema<HotdeskSession>({
  name: 'HotdeskSession',
  tableName: 'hotdesk_sessions',
  uniques: [{ properties: ['phoneId'] }, { properties: ['userExtensionId'] }],
  properties: {
    ...columns.id, ...columns.tenant,
    clusterId: { type: 'integer', index: true },
    phoneId: { type: 'integer' },
    userExtensionId: { type: 'integer' },
    source: { type: 'string', length: 10 },
    since: { type: 'datetime' },
  },
});

export const hotdeskEntities = [HotdeskPhoneSchema, HotdeskSessionSchema];
