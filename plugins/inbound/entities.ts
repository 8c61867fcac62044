import { columns, EntitySchema, SecretType } from '../../sdk/index.ts';
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
  /** The agent group (queue) these are the hours of: a call to that queue goes through them first. */
  queueId?: number | null;
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

/** A recording played to the caller, then a destination: `announce-<name>`. */
export interface Announcement {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  name: string;
  description?: string | null;
  /** A sound name, as the IVR prompt. */
  prompt: string;
  /** Plays, 1 to 5. */
  repeat: number;
  /** Answer() first; false: early media (Progress()), the call is not answered (not billed) before `then`. */
  answer: boolean;
  then: Destination;
  createdAt: Date;
  updatedAt: Date;
}

/** A shared voicemail box of an agent group, in this plugin's voicemail context. */
export interface Mailbox {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  number: string;
  name: string;
  pin?: string | null;
  emails: string[];
  queueId?: number | null;
  createdAt: Date;
  updatedAt: Date;
}

const placed = { ...columns.id, ...columns.cluster } as const;
const { stamps } = columns;
const { json } = columns;

export const HoursSchema = new EntitySchema<Hours>({
  name: 'InboundHours',
  tableName: 'inbound_hours',
  uniques: [{ properties: ['tenantId', 'name'] }, { properties: ['tenantId', 'queueId'] }],
  properties: {
    id: placed.id,
    tenantId: placed.tenantId,
    name: { type: 'string', length: 40 },
    description: { type: 'string', length: 255, nullable: true },
    active: { type: 'boolean', default: true },
    open: json,
    holidays: json,
    destinations: json,
    queueId: { type: 'integer', nullable: true },
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

export const AnnouncementSchema = new EntitySchema<Announcement>({
  name: 'InboundAnnouncement',
  tableName: 'inbound_announcements',
  uniques: [{ properties: ['clusterId', 'name'] }],
  properties: {
    ...placed,
    name: { type: 'string', length: 40 },
    description: { type: 'string', length: 255, nullable: true },
    prompt: { type: 'string', length: 80 },
    repeat: { type: 'integer', default: 1 },
    answer: { type: 'boolean', default: true },
    then: { ...json, fieldName: 'then_destination' },
    ...stamps,
  },
});

export const MailboxSchema = new EntitySchema<Mailbox>({
  name: 'InboundMailbox',
  tableName: 'inbound_mailboxes',
  uniques: [{ properties: ['clusterId', 'number'] }],
  properties: {
    ...placed,
    number: { type: 'string', length: 20 },
    name: { type: 'string', length: 79 },
    pin: { type: SecretType, nullable: true },
    emails: json,
    queueId: { type: 'integer', nullable: true, index: true },
    ...stamps,
  },
});

export const inboundEntities = [HoursSchema, IvrSchema, RouteSchema, AnnouncementSchema, MailboxSchema];
