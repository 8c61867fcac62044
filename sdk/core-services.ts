import type { EntityManager } from '@mikro-orm/core';
import { createServiceRef } from './refs.ts';
import type { ClusterSnapshotView, ClusterView, ServerView, TenantView } from './commit.ts';

export interface LicenseInfo {
  type: 'evaluation' | 'full' | 'none';
  customer: string;
  features: string[];
  maxExtensions: number | null;
  expiresAt: string | null;
  daysRemaining: number | null;
  valid: boolean;
  /** Configuration changes are refused while false; monitoring goes on. */
  writable: boolean;
  reason?: string;
}

export interface LicenseService {
  info(): LicenseInfo;
  allows(feature: string): boolean;
  /** Throws LicenseReadOnlyError when configuration may not change. */
  assertWritable(): void;
}

export interface AuditRecord {
  action: string;
  target?: string;
  targetId?: string | number;
  before?: unknown;
  after?: unknown;
  username?: string | null;
  userId?: number | null;
  tenantId?: number | null;
  ip?: string | null;
}

/** One audit event as plugins read it (before/after left out: they may hold configuration). */
export interface AuditEntry {
  id: number; at: Date; action: string; username?: string | null; userId?: number | null; tenantId?: number | null;
  target?: string | null; targetId?: string | null; ip?: string | null;
}

export interface AuditService {
  record(event: AuditRecord): Promise<void>;
  /** Newest first: events whose action starts with `actionPrefix` (e.g. `auth.login`), optionally of one tenant. */
  list(query: { actionPrefix?: string; since?: Date; tenantId?: number | null; limit?: number }): Promise<AuditEntry[]>;
}

export interface KernelInfo {
  version: string;
  site: string;
  startedAt: Date;
  plugins(): { id: string; title: string; version: string; enabled: boolean; licensed: boolean; started: boolean }[];
}

/** One AMI event from one server. */
export interface AmiEvent {
  serverId: number;
  clusterId: number;
  tenantId: number;
  event: string;
  /** First value of each header. */
  fields: Record<string, string>;
  /** Every header in order (repeated ones kept). */
  headers: [string, string][];
  receivedAt: number;
}

export interface AmiService {
  /** Subscribes to an event by name (`*` for all); returns the unsubscribe function. */
  on(event: string, handler: (e: AmiEvent) => void): () => void;
  /** Sends an action to one server; resolves with the response's headers (first values). */
  action(serverId: number, action: string, headers?: Record<string, string>): Promise<Record<string, string>>;
  /** A list action (…Complete collected); resolves with each item's headers. */
  list(serverId: number, action: string, headers?: Record<string, string>, emptyOnError?: string[]): Promise<Record<string, string>[]>;
  /** A CLI command; resolves with its output lines. */
  command(serverId: number, cli: string): Promise<string[]>;
  /** Servers of a cluster (or all) that are connected now. */
  connected(clusterId?: number): { serverId: number; clusterId: number; name: string }[];
}

export interface SshFileInfo { size: number; mtimeMs: number; isFile: boolean; isDirectory: boolean }

/** Several file operations on one server over one SSH connection. */
export interface SshSession {
  exec(command: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(path: string): Promise<Buffer>;
  /** Temp name, size and hash checked, then renamed. */
  writeFileAtomic(path: string, content: string | Buffer): Promise<void>;
  /** null when the path does not exist. */
  stat(path: string): Promise<SshFileInfo | null>;
  readdir(path: string): Promise<(SshFileInfo & { name: string })[]>;
  mkdirp(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export interface SshService {
  exec(serverId: number, command: string): Promise<{ code: number | null; stdout: string; stderr: string }>;
  readFile(serverId: number, path: string): Promise<string>;
  writeFileAtomic(serverId: number, path: string, content: string): Promise<void>;
  /** Runs `fn` with one connection to the server (closed afterwards, whatever happens). */
  session<T>(serverId: number, fn: (s: SshSession) => Promise<T>): Promise<T>;
}

/** Read-only access to the core model, as plugins may see it (no server credentials). */
export interface ModelService {
  /** Every tenant, by id (the first is the provider's own, an enterprise's only one). */
  tenants(): Promise<TenantView[]>;
  clusters(): Promise<ClusterView[]>;
  /**
   * `em`: inside a write (a resource's `check`) read through its EntityManager; on SQLite a read
   * of its own would wait for the write's transaction, which waits for it.
   */
  servers(clusterId?: number, em?: EntityManager): Promise<ServerView[]>;
  snapshot(clusterId: number): Promise<ClusterSnapshotView>;
}

/** How a notification travels. */
export type NotifyChannel = 'email' | 'syslog' | 'webhook' | 'snmp' | 'sms';
/** info: syslog notice (5); warning: syslog warning (4); critical: syslog crit (2). */
export type NotifySeverity = 'info' | 'warning' | 'critical';

/**
 * One notification to one recipient. `fields` are the structured part: syslog SD params (empty
 * values left out), SNMP varbinds, email headers `X-<source>-<name>`, and the webhook's `fields`.
 */
export interface NotifyMessage {
  channel: NotifyChannel;
  /** email: an address; sms: E.164 (+4420…); webhook: an http(s) URL; syslog, snmp: host[:port] (UDP 514 / 162). */
  to: string;
  subject: string;
  /** The body: the email's text, the syslog MSG (line breaks folded), the SMS text. */
  text: string;
  severity?: NotifySeverity;
  fields?: Record<string, string>;
  /** Who speaks: syslog APP-NAME, webhook `source` and User-Agent, email header prefix (default ACM_SYSLOG_APPNAME, else `acm`). */
  source?: string;
  /** When it happened, RFC 3339 (default now): the syslog TIMESTAMP, the webhook's and trap's time. */
  at?: string;
  /** Syslog: MSGID (default `-`) and the SD-ID the fields go under (default `acm@32473`). */
  syslog?: { msgId?: string; sdId?: string };
  /** SNMP: the trap OID and the OID of each field, in varbind order (default: the generic acmNotification trap). */
  snmp?: { trapOid: string; varbinds: Record<string, string> };
  /** Webhook: the JSON body's properties after `source` and `subject` (default: text, severity, at, fields). */
  data?: Record<string, unknown>;
}

/** An SMTP relay (a plugin's own, or the core's from ACM_SMTP_URL / ACM_SMTP_FROM). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (465); false: STARTTLS when the server offers it. */
  secure: boolean;
  /** The sender: `ha@example.com` or `acm HA <ha@example.com>`. */
  from: string;
  /** SMTP AUTH; the password inline or from an environment variable. */
  auth?: { user: string; pass?: string | undefined; passEnv?: string | undefined } | undefined;
  /** Refuse a relay whose certificate does not verify (default true). */
  rejectUnauthorized?: boolean | undefined;
  timeoutMs?: number | undefined;
}

/** SNMP trap settings (the core's from ACM_SNMP_COMMUNITY / ACM_SNMP_VERSION, default public / 2c). */
export interface SnmpSettings { community: string; version: '1' | '2c' }

/** Per-call transport settings; each one given replaces the core's for that call. */
export interface NotifyTransports {
  smtp?: SmtpSettings | undefined;
  snmp?: SnmpSettings | undefined;
  /** The SMS gateway: a URL that takes a JSON POST `{to, text}` (core: ACM_SMS_WEBHOOK). */
  smsWebhook?: string | undefined;
}

/**
 * `sent`: handed over (a syslog datagram or a trap left this host; SMTP, the webhook or the SMS
 * gateway accepted it). `pending`: not attempted, no transport for the channel (`error` says
 * which setting is missing). `failed`: the attempt failed (`error`); retrying is the caller's call.
 */
export interface NotifyResult { status: 'sent' | 'pending' | 'failed'; error?: string }

/** Delivers notifications: one attempt per call. Use coreServices.outbox to have them kept and retried. */
export interface NotifierService {
  send(message: NotifyMessage, transports?: NotifyTransports): Promise<NotifyResult>;
  /** The channels that have a transport under the core settings and these overrides. */
  channels(transports?: NotifyTransports): NotifyChannel[];
}

/**
 * An outbox entry's state. `pending`: waiting for its first attempt, a retry (attempts > 0) or a
 * transport for its channel (`lastError` says which); `sending`: an attempt is under way; `sent`:
 * the notifier handed it over; `failed`: every attempt failed (`lastError`: the last); `skipped`:
 * recorded, never sent (`lastError`: why).
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** What goes out: the notifier's message without its channel, recipient and subject (columns of the entry). */
export type OutboxMessage = Omit<NotifyMessage, 'channel' | 'to' | 'subject'>;

export interface OutboxInput {
  channel: NotifyChannel;
  /** The recipient, as NotifyMessage.to; sealed in the table (a webhook URL may carry a token). */
  target: string;
  /** With the channel and target, what makes an entry unique: enqueueing it again changes nothing. At most 191 characters. */
  dedupeKey: string;
  subject: string;
  message: OutboxMessage;
  tenantId?: number | null;
  /** The owner's own label for the entry (e.g. HA's `target:<id>`), filterable in list(); at most 64 characters. */
  ref?: string | null;
  /** Record the entry as `skipped` with this reason instead of sending it. */
  skip?: string;
}

/** One entry as the owner reads it; `target` is shown without secrets (a webhook as its origin and `/…`). */
export interface OutboxEntryView {
  id: number;
  tenantId: number | null;
  channel: NotifyChannel;
  target: string;
  ref: string | null;
  dedupeKey: string;
  subject: string;
  message: OutboxMessage;
  status: OutboxStatus;
  attempts: number;
  nextAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/**
 * The core's persistent notification outbox. ctx.get binds it to the calling plugin: a plugin
 * enqueues and lists only its own entries. The core sends what is due every 2 s (and right after
 * an enqueue) through coreServices.notifier; an attempt that fails is retried after 5 s, 10 s,
 * 20 s, … (at most 10 min) and the entry is `failed` after 8 attempts. A channel without a
 * transport waits, not counting attempts. Entries survive a restart; one left `sending` by a
 * crash is sent again (at least once). A disabled plugin's entries wait until it is enabled.
 */
export interface OutboxService {
  /** Queues one message; the entry already there when (channel, target, dedupeKey) was queued before. */
  enqueue(input: OutboxInput): Promise<OutboxEntryView>;
  /** Newest first. */
  list(query?: { status?: OutboxStatus | OutboxStatus[]; refs?: string[]; page?: number; pageSize?: number }): Promise<{ items: OutboxEntryView[]; total: number; page: number; pageSize: number }>;
  /** The plugin's own transports (its SMTP relay, SNMP community) for its entries; call it in setup. */
  useTransports(transports: () => NotifyTransports): void;
  /** Sends what is due now and resolves when that pass is done (the core's job does it anyway). */
  drain(): Promise<void>;
}

/** Every core service a plugin may ask for, in one place. */
/** A channel as ARI shows it (the fields acm reads). */
export interface AriChannelView {
  id: string;
  name: string;
  /** Down, Ring, Ringing, Up, Busy, … */
  state: string;
  caller?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number };
}

/** One ARI event of one server's Stasis application: Asterisk's JSON, and where it came from. */
export interface AriEvent {
  serverId: number;
  clusterId: number;
  tenantId: number;
  /** StasisStart, StasisEnd, ChannelStateChange, ChannelDestroyed, ChannelDtmfReceived, PlaybackFinished, … */
  type: string;
  application: string;
  timestamp: string;
  channel?: AriChannelView;
  /** StasisStart: the application's arguments. */
  args?: string[];
  /**
   * ChannelDestroyed (and ChannelHangupRequest): the hangup cause (16 normal, 17 busy, 19 no
   * answer, 21 rejected, 34 congestion, 1 unallocated; 0 for the `;1` half of a Local channel whose
   * callee was busy or congested — recorded).
   */
  cause?: number;
  cause_txt?: string;
  /** PJSIP: the SIP status behind `cause` (486 busy, 503 congestion, 480 no answer, 404 unallocated). */
  tech_cause?: number;
  /** ChannelDtmfReceived */
  digit?: string;
  /** PlaybackStarted/PlaybackFinished */
  playback?: { id: string; media_uri: string; state: string; target_uri: string };
  /** The whole event as received. */
  raw: Record<string, unknown>;
}

/** POST /channels: a call placed from Asterisk, into a Stasis application or the dialplan when answered. */
export interface AriOriginate {
  /** A dial string, e.g. `PJSIP/+442071234567@carrier-a` (the caller validates it). */
  endpoint: string;
  /** Into this Stasis application (with `appArgs`) … */
  app?: string;
  appArgs?: string[];
  /** … or into the dialplan at this place. */
  dialplan?: { context: string; extension: string; priority?: number };
  callerId?: string;
  timeoutSeconds?: number;
  /** Chosen by the caller, so events that arrive before the reply can be matched. */
  channelId?: string;
  variables?: Record<string, string>;
}

/**
 * ARI of the servers that have ARI credentials: Stasis applications and call control. Call
 * control runs on one server; events carry the server they came from. Every argument is checked
 * before a request (dial string, app name, ids, media URIs, variables, dialplan place: a
 * ValidationError, 422, naming each field). Failures reject with `err.code`: ARI_CHANNEL_GONE
 * (the channel hung up already), ARI_NOT_IN_STASIS, ARI_NOT_FOUND (a bridge), ARI_CONFLICT (an id
 * in use), ARI_BAD_REQUEST, ARI_REFUSED (e.g. `Allocation failed`: no such endpoint),
 * ARI_TIMEOUT, ARI_UNAVAILABLE (no ARI for that server, or unreachable).
 */
export interface AriService {
  /** Registers a Stasis application on every such server (and on those that connect later); returns the unsubscribe function. */
  app(name: string, handler: (e: AriEvent) => void): () => void;
  /** Servers whose events WebSocket for `app` is up now. */
  connected(app: string, clusterId?: number): { serverId: number; clusterId: number; name: string }[];
  originate(serverId: number, call: AriOriginate): Promise<AriChannelView>;
  answer(serverId: number, channelId: string): Promise<void>;
  /** Plays media (`sound:acm/t1/greeting`); PlaybackFinished follows. */
  play(serverId: number, channelId: string, media: string | string[], playbackId?: string): Promise<{ id: string }>;
  /** Leaves Stasis into the dialplan. */
  continueInDialplan(serverId: number, channelId: string, to: { context: string; extension: string; priority?: number }): Promise<void>;
  hangup(serverId: number, channelId: string, reason?: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void>;
  createBridge(serverId: number, type?: 'mixing' | 'holding'): Promise<{ id: string }>;
  addToBridge(serverId: number, bridgeId: string, channelIds: string[]): Promise<void>;
  destroyBridge(serverId: number, bridgeId: string): Promise<void>;
}

export const coreServices = {
  ami: createServiceRef<AmiService>('core.ami'),
  ari: createServiceRef<AriService>('core.ari'),
  ssh: createServiceRef<SshService>('core.ssh'),
  model: createServiceRef<ModelService>('core.model'),
  license: createServiceRef<LicenseService>('core.license'),
  audit: createServiceRef<AuditService>('core.audit'),
  kernel: createServiceRef<KernelInfo>('core.kernel'),
  notifier: createServiceRef<NotifierService>('core.notifier'),
  outbox: createServiceRef<OutboxService>('core.outbox'),
};
