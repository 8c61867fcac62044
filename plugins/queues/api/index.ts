/**
 * The queues plugin's public surface: the only file of this plugin other plugins (the outbound
 * dialer, reporting) and site modules may import.
 */
import { createServiceRef, type EntityManager } from '../../../sdk/index.ts';

/** One queue member as acm sees it live (static from queues.conf, or an agent who logged in). */
export interface AgentView {
  clusterId: number;
  /** The server that reported it last. */
  serverId: number;
  /** The queue's name as Asterisk knows it (tenant-prefixed for hosted tenants). */
  queue: string;
  /** acm's queue and extension, when the member is one of acm's (null: configured elsewhere). */
  queueId: number | null;
  extensionId: number | null;
  /** `PJSIP/<endpoint>`. */
  interface: string;
  name: string;
  membership: 'static' | 'dynamic';
  penalty: number;
  paused: boolean;
  pausedReason: string | null;
  /** The phone, from app_queue's device state. */
  device: 'unknown' | 'idle' | 'in-call' | 'busy' | 'invalid' | 'unavailable' | 'ringing' | 'on-hold';
  /** What a supervisor reads: paused wins over the phone. `logged-out` only in the event of a log-out. */
  state: 'available' | 'busy' | 'paused' | 'unavailable' | 'logged-out';
  /** When the member entered `state` (ISO 8601), as far as acm has seen. */
  since: string;
  callsTaken: number;
  lastCall: string | null;
}

/** Calls waiting and agents per queue, live (home page and wallboards). */
export interface QueueSummaryView {
  clusterId: number;
  queue: string;
  callers: number;
  longestWaitSeconds: number;
  /** Calls answered within the queue's service level, in %, since acm followed it (else app_queue's figure; null: none yet). */
  serviceLevelPercent: number | null;
  answered: number;
  abandoned: number;
  available: number;
  paused: number;
  busy: number;
  loggedIn: number;
}

export interface QueuesService {
  /** Live members of a cluster's queues (every cluster when omitted). */
  agents(clusterId?: number): AgentView[];
  /** Calls waiting, longest wait, service level and agents per queue, live. */
  summary(clusterId?: number): QueueSummaryView[];
  /** The name Asterisk knows a queue by, for a plugin that sends calls to it (the dialer). */
  asteriskName(queueId: number): Promise<{ clusterId: number; name: string }>;
  /**
   * Where a call reaches a queue (the inbound plugin's destinations), or null when there is no
   * such queue. Inside a write's transaction pass its `em` (a second connection would wait for it).
   */
  target(queueId: number, em?: EntityManager): Promise<QueueTarget | null>;
}
/** A queue's number in its dialplan context (tenant-prefixed `queues`). */
export interface QueueTarget { tenantId: number; clusterId: number; context: string; number: string }
export const queuesService = createServiceRef<QueuesService>('queues.service');
