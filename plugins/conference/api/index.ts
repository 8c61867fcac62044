/**
 * The conference plugin's public surface: the only file of this plugin other plugins and site
 * modules may import. Types, the service ref and the PIN-policy extension point.
 */
import { createExtensionPoint, createServiceRef, type EntityManager } from '../../../sdk/index.ts';

export const RECURRENCES = ['none', 'daily', 'weekly', 'monthly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];
export const VIDEO_MODES = ['none', 'follow_talker', 'last_marked', 'first_marked'] as const;
export type VideoMode = (typeof VIDEO_MODES)[number];

/** A room as the API returns it: PINs are never returned, only whether they are set. */
export interface RoomView {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  number: string;
  startsAt: string;
  endsAt: string | null;
  recurrence: Recurrence;
  /** Length of each occurrence of a recurring room (null = the whole day). */
  durationMinutes: number | null;
  externalNumber: string | null;
  owner: string | null;
  account: string | null;
  description: string | null;
  maxUsers: number | null;
  userPinSet: boolean;
  adminPinSet: boolean;
  record: boolean;
  videoMode: VideoMode;
  /** Set by the scheduler: callers are let in only while open. */
  open: boolean;
  openChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Participant {
  serverId: number;
  channel: string;
  uniqueid: string;
  callerIdNum: string;
  callerIdName: string;
  admin: boolean;
  muted: boolean;
  talking: boolean;
  joinedAt: string;
}

/** What a PIN policy is asked to judge. */
export interface PinCheck {
  pin: string;
  kind: 'user' | 'admin';
  room: { number: string; clusterId: number; tenantId: number };
}

/**
 * A PIN rule. Returns null when the PIN is fine, else a message for the person typing it
 * (it is shown as the field's validation problem, prefixed with nothing).
 */
export interface PinPolicy {
  description: string;
  check(c: PinCheck): string | null | Promise<string | null>;
}

/** Site modules register PIN rules here; room create and update consult every one. */
export const pinPolicies = createExtensionPoint<PinPolicy>('conference.pinPolicies');

export interface ConferenceService {
  /** Rooms of a cluster (all clusters when omitted), without PINs. */
  rooms(clusterId?: number): Promise<RoomView[]>;
  /** Live participants of a room, from AMI events. */
  participants(roomId: number): Promise<Participant[]>;
  /** Runs the scheduler once at `at` (default now): opens and closes rooms; returns what changed. */
  runSchedule(at?: Date): Promise<{ opened: string[]; closed: string[] }>;
  /**
   * Where a call reaches a room (the inbound plugin's destinations), or null when there is no
   * such room. Inside a write's transaction pass its `em` (a second connection would wait for it).
   */
  target(roomId: number, em?: EntityManager): Promise<ConferenceTarget | null>;
}
/** A room's number in its dialplan context (tenant-prefixed `conferences`), on its cluster. */
export interface ConferenceTarget { tenantId: number; clusterId: number; context: string; number: string }
export const conferenceService = createServiceRef<ConferenceService>('conference.service');
