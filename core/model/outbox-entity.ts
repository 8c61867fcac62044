import { EntitySchema } from '@mikro-orm/core';
import { col } from './schema-helpers.ts';
import { SecretType } from '../crypto/secret-type.ts';

/**
 * The notification outbox (core/services/outbox.ts): one row per message to one recipient, of
 * one owner (`core` or a plugin id). The target is sealed (a webhook URL may carry a token), so
 * uniqueness and look-ups use `targetHash` (SHA-256 of channel and target).
 */
export interface OutboxEntry {
  id: number;
  owner: string;
  tenantId?: number | null;
  channel: string;
  target: string;
  targetHash: string;
  ref?: string | null;
  dedupeKey: string;
  subject: string;
  message: Record<string, unknown>;
  status: string;
  attempts: number;
  nextAt: Date;
  lastError?: string | null;
  createdAt: Date;
  sentAt?: Date | null;
}

export const OutboxEntrySchema = new EntitySchema<OutboxEntry>({
  name: 'OutboxEntry',
  tableName: 'notification_outbox',
  uniques: [{ properties: ['owner', 'targetHash', 'dedupeKey'] }],
  indexes: [{ properties: ['status', 'nextAt'] }, { properties: ['owner', 'ref'] }],
  properties: {
    id: col.id(), owner: col.reqStr(64), tenantId: col.ref(), channel: col.reqStr(10),
    target: { type: SecretType }, targetHash: col.reqStr(64), ref: col.str(64), dedupeKey: col.reqStr(191),
    subject: col.reqStr(255), message: col.json({ nullable: false }), status: col.reqStr(10), attempts: col.int({ nullable: false, default: 0 }),
    nextAt: col.date({ nullable: false }), lastError: col.str(500), createdAt: col.created(), sentAt: col.date(),
  },
});
