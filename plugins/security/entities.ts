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

export const securityEntities = [SecurityAlertSchema];
