import { columns, EntitySchema } from '../../sdk/index.ts';
import type { DialRulesInput, Outcome } from './leads/eligibility.ts';

/** Tables of this plugin are prefixed `dialer_`. */

export const CAMPAIGN_MODES = ['announce', 'preview', 'progressive', 'predictive'] as const;
export type CampaignMode = (typeof CAMPAIGN_MODES)[number];
/** What the runner is doing with a campaign; `trunk-down` and `no-agents` are pauses the runner took itself. */
export const CAMPAIGN_STATES = ['idle', 'running', 'paused', 'trunk-down', 'no-agents', 'stopped', 'done'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** A campaign of one cluster: who is called (its leads), how, through which trunk, to which queue. */
export interface Campaign {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  name: string;
  mode: CampaignMode;
  /** The call-centre queue answered calls go to (progressive, predictive, preview). */
  queueId?: number | null;
  trunkId: number;
  callerId: string;
  /** Country of lead numbers written without an international prefix. */
  defaultCountry: string;
  maxConcurrent: number;
  rules: DialRulesInput;
  /** Abandoned / live-answered in % per campaign day: the controller's target, and the cap it never crosses. */
  abandonTarget: number;
  abandonCap: number;
  /** Sound names (an upload is acm/t<tenant>/<name>): greeting before the message, the message, the machine drop, the regulatory abandon message. */
  greeting?: string | null;
  message?: string | null;
  voicemailDrop?: string | null;
  abandonMessage: string;
  /** Announce mode: the digit that transfers the callee to the queue (null: none). */
  transferDigit?: string | null;
  state: CampaignState;
  stateReason?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const LEAD_STATUSES = ['pending', 'dialling', 'done', 'never'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface Lead {
  id: number;
  tenantId: number;
  siteId: number;
  clusterId: number;
  campaignId: number;
  /** Line of the imported file. */
  line: number;
  /** E.164. */
  number: string;
  name?: string | null;
  timezone: string;
  timezoneSource: string;
  fields: Record<string, string>;
  status: LeadStatus;
  /** Last outcome or the reason it will never be dialled. */
  result?: string | null;
  attempts: number;
  /** When mayDial says it is next eligible (null: now, or never). */
  nextAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One call placed. */
export interface Attempt {
  id: number;
  tenantId: number;
  campaignId: number;
  leadId: number;
  trunkId: number;
  channelId: string;
  at: Date;
  outcome: Outcome;
  /** ChannelDestroyed's hangup cause. */
  cause?: number | null;
  answeredAt?: Date | null;
  endedAt?: Date | null;
  /** Live-answered and no agent within the patience: heard the regulatory message. */
  abandoned: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A do-not-call number: of a tenant, or (`global`) of every campaign on the system. */
export interface DncNumber {
  id: number;
  tenantId: number;
  number: string;
  global: boolean;
  note?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const { stamps } = columns;

export const CampaignSchema = new EntitySchema<Campaign>({
  name: 'DialerCampaign',
  tableName: 'dialer_campaigns',
  uniques: [{ properties: ['clusterId', 'name'] }],
  properties: {
    ...columns.id,
    ...columns.cluster,
    name: { type: 'string', length: 60 },
    mode: { type: 'string', length: 12 },
    queueId: { type: 'integer', nullable: true },
    trunkId: { type: 'integer' },
    callerId: { type: 'string', length: 200 },
    defaultCountry: { type: 'string', length: 2 },
    maxConcurrent: { type: 'integer', default: 10 },
    rules: columns.json,
    abandonTarget: { type: 'float', default: 3 },
    abandonCap: { type: 'float', default: 3 },
    greeting: { type: 'string', length: 80, nullable: true },
    message: { type: 'string', length: 80, nullable: true },
    voicemailDrop: { type: 'string', length: 80, nullable: true },
    abandonMessage: { type: 'string', length: 80 },
    transferDigit: { type: 'string', length: 1, nullable: true },
    state: { type: 'string', length: 12, default: 'idle' },
    stateReason: { type: 'string', length: 255, nullable: true },
    ...stamps,
  },
});

export const LeadSchema = new EntitySchema<Lead>({
  name: 'DialerLead',
  tableName: 'dialer_leads',
  uniques: [{ properties: ['campaignId', 'number'] }],
  indexes: [{ properties: ['campaignId', 'status'] }],
  properties: {
    ...columns.id,
    ...columns.cluster,
    campaignId: { type: 'integer', index: true },
    line: { type: 'integer' },
    number: { type: 'string', length: 20 },
    name: { type: 'string', length: 100, nullable: true },
    timezone: { type: 'string', length: 64 },
    timezoneSource: { type: 'string', length: 10 },
    fields: columns.json,
    status: { type: 'string', length: 10, default: 'pending' },
    result: { type: 'string', length: 255, nullable: true },
    attempts: { type: 'integer', default: 0 },
    nextAt: { type: 'datetime', nullable: true },
    ...stamps,
  },
});

export const AttemptSchema = new EntitySchema<Attempt>({
  name: 'DialerAttempt',
  tableName: 'dialer_attempts',
  uniques: [{ properties: ['channelId'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    campaignId: { type: 'integer', index: true },
    leadId: { type: 'integer', index: true },
    trunkId: { type: 'integer' },
    channelId: { type: 'string', length: 64 },
    at: { type: 'datetime' },
    outcome: { type: 'string', length: 12 },
    cause: { type: 'integer', nullable: true },
    answeredAt: { type: 'datetime', nullable: true },
    endedAt: { type: 'datetime', nullable: true },
    abandoned: { type: 'boolean', default: false },
    ...stamps,
  },
});

export const DncSchema = new EntitySchema<DncNumber>({
  name: 'DialerDnc',
  tableName: 'dialer_dnc',
  uniques: [{ properties: ['tenantId', 'number'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    number: { type: 'string', length: 20 },
    global: { type: 'boolean', default: false },
    note: { type: 'string', length: 255, nullable: true },
    ...stamps,
  },
});

export const dialerEntities = [CampaignSchema, LeadSchema, AttemptSchema, DncSchema];
