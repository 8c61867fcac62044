import { EntitySchema } from '../../index.ts';

/** One speed dial: a short code that dials a number, per cluster. */
export interface SpeedDial {
  id: number; tenantId: number; siteId: number; clusterId: number;
  code: string; number: string; label?: string | null;
  createdAt: Date; updatedAt: Date;
}

export const SpeedDialSchema = new EntitySchema<SpeedDial>({
  name: 'SpeedDial',
  tableName: 'speed_dials',
  uniques: [{ properties: ['clusterId', 'code'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    // Where the row sits (the kit fills them in from clusterId): who sees it, which cluster it changes.
    tenantId: { type: 'integer', index: true },
    siteId: { type: 'integer', index: true },
    clusterId: { type: 'integer', index: true },
    code: { type: 'string', length: 4 },
    number: { type: 'string', length: 32 },
    label: { type: 'string', length: 80, nullable: true },
    createdAt: { type: 'datetime', onCreate: () => new Date() },
    updatedAt: { type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});
