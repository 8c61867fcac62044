import { columns, EntitySchema } from '../../sdk/index.ts';

/** One ACD queue of a cluster (app_queue). Tables of this plugin are prefixed `queues_`. */
export interface Queue {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  /** The queue's name in queues.conf (tenant-prefixed there for hosted tenants). */
  name: string;
  /** Dialled to reach the queue; also the suffix of the agents' log-in codes. */
  number: string;
  description?: string | null;
  strategy: string;
  /** Seconds a member's phone rings before the next try. */
  timeout: number;
  retry: number;
  wrapupTime: number;
  /** Callers waiting at most; 0 = unlimited. */
  maxCallers: number;
  weight: number;
  musicClass?: string | null;
  announceFrequency: number;
  announcePosition: string;
  announceHoldTime: string;
  periodicAnnounceFrequency: number;
  periodicAnnounce?: string | null;
  /** Seconds within which an answered call counts for the service level. */
  serviceLevel: number;
  joinEmpty: string;
  leaveWhenEmpty: string;
  ringInUse: boolean;
  autoPause: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A static member (`member =>` in queues.conf): one extension (`kind` extension), or every
 * extension of a group on the queue's cluster (`kind` group); `targetId` is its id. Extensions
 * whose `queue` field names the queue are members as well.
 */
export interface QueueMember {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  queueId: number;
  kind: 'extension' | 'group';
  targetId: number;
  penalty: number;
  createdAt: Date;
  updatedAt: Date;
}

const placed = { ...columns.id, ...columns.cluster } as const;
const { stamps } = columns;

export const QueueSchema = new EntitySchema<Queue>({
  name: 'QueuesQueue',
  tableName: 'queues_queues',
  uniques: [{ properties: ['clusterId', 'name'] }, { properties: ['clusterId', 'number'] }],
  properties: {
    ...placed,
    name: { type: 'string', length: 40 },
    number: { type: 'string', length: 20 },
    description: { type: 'string', length: 255, nullable: true },
    strategy: { type: 'string', length: 16, default: 'ringall' },
    timeout: { type: 'integer', default: 15 },
    retry: { type: 'integer', default: 5 },
    wrapupTime: { type: 'integer', default: 0 },
    maxCallers: { type: 'integer', default: 0 },
    weight: { type: 'integer', default: 0 },
    musicClass: { type: 'string', length: 80, nullable: true },
    announceFrequency: { type: 'integer', default: 0 },
    announcePosition: { type: 'string', length: 8, default: 'no' },
    announceHoldTime: { type: 'string', length: 8, default: 'no' },
    periodicAnnounceFrequency: { type: 'integer', default: 0 },
    periodicAnnounce: { type: 'string', length: 80, nullable: true },
    serviceLevel: { type: 'integer', default: 20 },
    joinEmpty: { type: 'string', length: 8, default: 'yes' },
    leaveWhenEmpty: { type: 'string', length: 8, default: 'no' },
    ringInUse: { type: 'boolean', default: false },
    autoPause: { type: 'string', length: 4, default: 'no' },
    ...stamps,
  },
});

export const QueueMemberSchema = new EntitySchema<QueueMember>({
  name: 'QueuesMember',
  tableName: 'queues_members',
  uniques: [{ properties: ['queueId', 'kind', 'targetId'] }],
  properties: {
    ...placed,
    queueId: { type: 'integer', index: true },
    kind: { type: 'string', length: 10 },
    targetId: { type: 'integer' },
    penalty: { type: 'integer', default: 0 },
    ...stamps,
  },
});

/** A CRM's webhook for screen-pops: agent events and offered calls of a tenant's queues. */
export interface CtiHook {
  id: number;
  tenantId: number;
  url: string;
  /** `agent`: a member's state changed; `offered`: a call rings an agent (AgentCalled). */
  events: ('agent' | 'offered')[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const CtiHookSchema = new EntitySchema<CtiHook>({
  name: 'QueuesCtiHook',
  tableName: 'queues_cti_hooks',
  uniques: [{ properties: ['tenantId', 'url'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    url: { type: 'string', length: 500 },
    events: columns.json,
    enabled: { type: 'boolean', default: true },
    ...stamps,
  },
});

export const queueEntities = [QueueSchema, QueueMemberSchema, CtiHookSchema];
