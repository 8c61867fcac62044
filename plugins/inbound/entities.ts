import { columns, EntitySchema } from '../../sdk/index.ts';
import type { Destination } from './destination.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export interface OpenRule { days: Weekday[]; from: string; to: string }
/** `YYYY-MM-DD`: that day once; `MM-DD`: every year. */
export interface Holiday { date: string; name: string }

/** Business hours of a tenant (any of its clusters may use them). Tables of this plugin are prefixed `inbound_`. */
export interface Hours {
  id: number;
  tenantId: number;
  name: string;
  description?: string | null;
  /** Off: the rules are not applied, every call takes the open destination. */
  active: boolean;
  open: OpenRule[];
  holidays: Holiday[];
  destinations: { open: Destination; closed: Destination; holiday: Destination };
  createdAt: Date;
  updatedAt: Date;
}

export interface IvrOption { digit: string; destination: Destination }

/** An IVR menu of a cluster. */
export interface Ivr {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  name: string;
  description?: string | null;
  /** A sound file name without extension, as Playback takes it (`custom/welcome`). */
  prompt: string;
  /** Seconds WaitExten waits for a digit. */
  timeout: number;
  /** Plays again after an invalid digit or a timeout, before the invalid/timeout destination. */
  retries: number;
  /** Callers may dial an extension of the cluster at the menu. */
  directDial: boolean;
  options: IvrOption[];
  invalid: Destination;
  timeoutDestination: Destination;
  createdAt: Date;
  updatedAt: Date;
}

/** A DID (or every number: null) of one trunk (or every trunk of the cluster: null). */
export interface Route {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  trunkId?: number | null;
  did?: string | null;
  description?: string | null;
  callerIdNamePrefix?: string | null;
  destination: Destination;
  createdAt: Date;
  updatedAt: Date;
}

const placed = { ...columns.id, ...columns.cluster } as const;
const { stamps } = columns;
const { json } = columns;

export const HoursSchema = new EntitySchema<Hours>({
  name: 'InboundHours',
  tableName: 'inbound_hours',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: {
    id: placed.id,
    tenantId: placed.tenantId,
    name: { type: 'string', length: 40 },
    description: { type: 'string', length: 255, nullable: true },
    active: { type: 'boolean', default: true },
    open: json,
    holidays: json,
    destinations: json,
    ...stamps,
  },
});

export const IvrSchema = new EntitySchema<Ivr>({
  name: 'InboundIvr',
  tableName: 'inbound_ivrs',
  uniques: [{ properties: ['clusterId', 'name'] }],
  properties: {
    ...placed,
    name: { type: 'string', length: 40 },
    description: { type: 'string', length: 255, nullable: true },
    prompt: { type: 'string', length: 80 },
    timeout: { type: 'integer', default: 5 },
    retries: { type: 'integer', default: 2 },
    directDial: { type: 'boolean', default: false },
    options: json,
    invalid: json,
    timeoutDestination: json,
    ...stamps,
  },
});

export const RouteSchema = new EntitySchema<Route>({
  name: 'InboundRoute',
  tableName: 'inbound_routes',
  properties: {
    ...placed,
    trunkId: { type: 'integer', nullable: true, index: true },
    did: { type: 'string', length: 21, nullable: true },
    description: { type: 'string', length: 255, nullable: true },
    callerIdNamePrefix: { type: 'string', length: 20, nullable: true },
    destination: json,
    ...stamps,
  },
});

export const inboundEntities = [HoursSchema, IvrSchema, RouteSchema];
