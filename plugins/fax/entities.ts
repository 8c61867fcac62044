import { columns, EntitySchema } from '../../sdk/index.ts';

/** A fax DID of a cluster: faxes to it go to `emails` (comma-separated) and to the owning user. */
export interface FaxNumber {
  id: number; tenantId: number; siteId: number; clusterId: number;
  number: string; label?: string | null; emails: string; ownerUserId?: number | null;
  createdAt: Date; updatedAt: Date;
}

export const FaxNumberSchema = new EntitySchema<FaxNumber>({
  name: 'FaxNumber',
  tableName: 'fax_numbers',
  uniques: [{ properties: ['clusterId', 'number'] }],
  properties: {
    ...columns.id,
    ...columns.cluster,
    number: { type: 'string', length: 32 },
    label: { type: 'string', length: 80, nullable: true },
    emails: { type: 'string', length: 1000 },
    ownerUserId: { type: 'integer', nullable: true },
    ...columns.stamps,
  },
});

/** A sender address of a tenant allowed to send faxes by e-mail. */
export interface FaxSender {
  id: number; tenantId: number; email: string; label?: string | null;
  createdAt: Date; updatedAt: Date;
}

export const FaxSenderSchema = new EntitySchema<FaxSender>({
  name: 'FaxSender',
  tableName: 'fax_senders',
  uniques: [{ properties: ['tenantId', 'email'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    email: { type: 'string', length: 254 },
    label: { type: 'string', length: 80, nullable: true },
    ...columns.stamps,
  },
});

export type FaxDirection = 'out' | 'in';
export type FaxStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'received';

/** One fax, sent or received: the queue and the log. Not configuration, so not a resource. */
export interface FaxJob {
  id: number; tenantId: number; clusterId?: number | null;
  direction: FaxDirection; status: FaxStatus;
  /** The remote number (to for outbound, caller for inbound) and our DID. */
  remoteNumber?: string | null; localNumber?: string | null;
  sender?: string | null; pages?: number | null; remoteStationId?: string | null;
  attempts: number; faxStatus?: string | null; faxError?: string | null; reason?: string | null;
  file?: string | null; nextAttemptAt?: Date | null; startedAt?: Date | null; finishedAt?: Date | null;
  createdAt: Date; updatedAt: Date;
}

export const FaxJobSchema = new EntitySchema<FaxJob>({
  name: 'FaxJob',
  tableName: 'fax_jobs',
  indexes: [{ properties: ['status', 'nextAttemptAt'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    clusterId: { type: 'integer', nullable: true },
    direction: { type: 'string', length: 3 },
    status: { type: 'string', length: 10 },
    remoteNumber: { type: 'string', length: 40, nullable: true },
    localNumber: { type: 'string', length: 32, nullable: true },
    sender: { type: 'string', length: 254, nullable: true },
    pages: { type: 'integer', nullable: true },
    remoteStationId: { type: 'string', length: 80, nullable: true },
    attempts: { type: 'integer', default: 0 },
    faxStatus: { type: 'string', length: 20, nullable: true },
    faxError: { type: 'string', length: 80, nullable: true },
    reason: { type: 'string', length: 255, nullable: true },
    file: { type: 'string', length: 255, nullable: true },
    nextAttemptAt: { type: 'datetime', nullable: true },
    startedAt: { type: 'datetime', nullable: true },
    finishedAt: { type: 'datetime', nullable: true },
    ...columns.stamps,
  },
});

export const faxEntities = [FaxNumberSchema, FaxSenderSchema, FaxJobSchema];
