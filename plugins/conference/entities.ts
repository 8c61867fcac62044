import { EntitySchema, SecretType } from '../../sdk/index.ts';

/** One booked ConfBridge room. Tables of this plugin are prefixed `conference_`. */
export interface Room {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  number: string;
  startsAt: Date;
  endsAt?: Date | null;
  recurrence: string;
  durationMinutes?: number | null;
  externalNumber?: string | null;
  owner?: string | null;
  account?: string | null;
  description?: string | null;
  maxUsers?: number | null;
  userPin?: string | null;
  adminPin?: string | null;
  record: boolean;
  videoMode: string;
  open: boolean;
  openChangedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const RoomSchema = new EntitySchema<Room>({
  name: 'ConferenceRoom',
  tableName: 'conference_rooms',
  uniques: [{ properties: ['clusterId', 'number'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    tenantId: { type: 'integer', index: true },
    siteId: { type: 'integer', index: true },
    clusterId: { type: 'integer', index: true },
    number: { type: 'string', length: 20 },
    startsAt: { type: 'datetime' },
    endsAt: { type: 'datetime', nullable: true },
    recurrence: { type: 'string', length: 10, default: 'none' },
    durationMinutes: { type: 'integer', nullable: true },
    externalNumber: { type: 'string', length: 32, nullable: true },
    owner: { type: 'string', length: 80, nullable: true },
    account: { type: 'string', length: 80, nullable: true },
    description: { type: 'string', length: 255, nullable: true },
    maxUsers: { type: 'integer', nullable: true },
    // Sealed at rest like every secret (sdk/secret-column.ts); the renderer gets the digits.
    userPin: { type: SecretType, nullable: true },
    adminPin: { type: SecretType, nullable: true },
    record: { type: 'boolean', default: false },
    videoMode: { type: 'string', length: 16, default: 'none' },
    open: { type: 'boolean', default: false },
    openChangedAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime', onCreate: () => new Date() },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
