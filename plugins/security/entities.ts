import { EntitySchema } from '../../sdk/index.ts';

/** One alert (OSSEC/Wazuh or Asterisk), deduplicated: repeats within the window raise `count`. */
export interface SecurityAlertRow {
  id: number;
  firstSeen: Date;
  lastSeen: Date;
  /** wazuh | ossec | asterisk */
  source: string;
  tenantId?: number | null;
  clusterId?: number | null;
  serverId?: number | null;
  ruleId: string;
  level: number;
  location: string;
  srcIp?: string | null;
  description: string;
  eventTime?: Date | null;
  agent?: string | null;
  userName?: string | null;
  groups?: string[] | null;
  count: number;
  dedupKey: string;
  /** Shown in the NOC view (level >= routing.nocLevel). */
  noc: boolean;
  /** Handed to the notification targets (level >= routing.notifyLevel). */
  notified: boolean;
}

export const SecurityAlertSchema = new EntitySchema<SecurityAlertRow>({
  name: 'SecurityAlert',
  tableName: 'security_alerts',
  indexes: [{ properties: ['dedupKey', 'lastSeen'] }, { properties: ['level'] }, { properties: ['lastSeen'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    firstSeen: { type: 'datetime' },
    lastSeen: { type: 'datetime' },
    source: { type: 'string', length: 16 },
    tenantId: { type: 'integer', nullable: true, index: true },
    clusterId: { type: 'integer', nullable: true, index: true },
    serverId: { type: 'integer', nullable: true, index: true },
    ruleId: { type: 'string', length: 64 },
    level: { type: 'integer' },
    location: { type: 'string', length: 512 },
    srcIp: { type: 'string', length: 64, nullable: true, index: true },
    description: { type: 'text' },
    eventTime: { type: 'datetime', nullable: true },
    agent: { type: 'string', length: 255, nullable: true },
    userName: { type: 'string', length: 128, nullable: true },
    groups: { type: 'json', columnType: 'mediumtext', nullable: true },
    count: { type: 'integer', default: 1 },
    dedupKey: { type: 'string', length: 128 },
    noc: { type: 'boolean', default: false },
    notified: { type: 'boolean', default: false },
  },
});

/** An address or network dropped on every server of a cluster (the blacklist chain, over SSH). */
export interface SecurityBlacklistRow {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  /** Canonical: lower-case, `/prefix` only when narrower than one address. */
  address: string;
  reason?: string | null;
  /** The entry (and its rule) goes at this time; null: until removed. */
  expiresAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const SecurityBlacklistSchema = new EntitySchema<SecurityBlacklistRow>({
  name: 'SecurityBlacklist',
  tableName: 'security_blacklist',
  uniques: [{ properties: ['clusterId', 'address'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    tenantId: { type: 'integer', index: true },
    siteId: { type: 'integer', index: true },
    clusterId: { type: 'integer', index: true },
    address: { type: 'string', length: 49 },
    reason: { type: 'string', length: 255, nullable: true },
    expiresAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime', onCreate: () => new Date() },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

/** Where a tenant's alerts at or above `minLevel` go (through the core notifier). */
export interface SecurityTargetRow {
  id: number;
  tenantId: number;
  /** syslog | webhook | email | snmp | sms */
  type: string;
  /** host[:port], an http(s) URL, an email address or an E.164 number, as the type needs. */
  target: string;
  /** null: routing.notifyLevel. */
  minLevel?: number | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const SecurityTargetSchema = new EntitySchema<SecurityTargetRow>({
  name: 'SecurityTarget',
  tableName: 'security_targets',
  uniques: [{ properties: ['tenantId', 'type', 'target'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    tenantId: { type: 'integer', index: true },
    type: { type: 'string', length: 10 },
    target: { type: 'string', length: 255 },
    minLevel: { type: 'integer', nullable: true },
    enabled: { type: 'boolean', default: true },
    createdAt: { type: 'datetime', onCreate: () => new Date() },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

export const securityEntities = [SecurityAlertSchema, SecurityBlacklistSchema, SecurityTargetSchema];
