/**
 * The notification outbox (coreServices.outbox): every notification of the core and the plugins
 * is a row of notification_outbox until it is sent or given up, so a restart or a receiver that is
 * down loses nothing. One job sends what is due through the notifier, one entry at a time.
 *
 * The retry policy is the one HA had (security's 30 s, 60 s, 90 s gave up within three minutes,
 * shorter than a receiver's restart): after n failed attempts wait min(5 s * 2^(n-1), 10 min);
 * `failed` after 8 attempts (about ten minutes of trying). A channel with no transport is not
 * attempted: the entry waits with the reason and counts no attempt.
 */
import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type {
  NotifierService, NotifyChannel, NotifyTransports, OutboxEntryView, OutboxInput, OutboxMessage, OutboxService, OutboxStatus,
} from '../../sdk/core-services.ts';
import { ValidationError } from '../../sdk/errors.ts';
import { notifyTargetProblem } from '../../sdk/notify.ts';
import { OutboxEntrySchema, type OutboxEntry } from '../model/outbox-entity.ts';

export interface OutboxPolicy {
  /** Seconds to wait after `attempts` failed attempts. */
  backoffSeconds(attempts: number): number;
  maxAttempts: number;
  /** How often the job looks for due entries. */
  intervalMs: number;
}

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  backoffSeconds: (attempts) => Math.min(5 * 2 ** Math.max(0, attempts - 1), 600),
  maxAttempts: 8,
  intervalMs: 2000,
};

/** A notifier answer of `pending` (no transport after all) is looked at again after this. */
const NO_TRANSPORT_RECHECK_MS = 60_000;
const BATCH = 100;

const targetHash = (channel: string, target: string) => createHash('sha256').update(`${channel}\u0000${target}`).digest('hex');

/** A webhook URL may carry a token in its path or query: list views show its origin only. */
export function shownTarget(channel: string, target: string): string {
  if (channel !== 'webhook') return target;
  try {
    const u = new URL(target);
    return u.pathname === '/' && !u.search ? `${u.origin}/` : `${u.origin}/…`;
  } catch {
    return '…';
  }
}

const noTransport = (channel: string) => channel === 'email'
  ? 'no email transport (an SMTP relay: ACM_SMTP_URL or the plugin\'s own): waiting in the outbox'
  : channel === 'sms' ? 'no sms transport (ACM_SMS_WEBHOOK, an SMS gateway): waiting in the outbox' : `no ${channel} transport: waiting in the outbox`;

function view(e: OutboxEntry): OutboxEntryView {
  return {
    id: e.id, tenantId: e.tenantId ?? null, channel: e.channel as NotifyChannel, target: shownTarget(e.channel, e.target), ref: e.ref ?? null,
    dedupeKey: e.dedupeKey, subject: e.subject, message: e.message as OutboxMessage, status: e.status as OutboxStatus, attempts: e.attempts,
    nextAt: e.nextAt.toISOString(), lastError: e.lastError ?? null, createdAt: e.createdAt.toISOString(), sentAt: e.sentAt ? e.sentAt.toISOString() : null,
  };
}

function checkInput(i: OutboxInput): void {
  const problems = [
    ['target', notifyTargetProblem(i.channel, i.target)],
    ['dedupeKey', i.dedupeKey.length < 1 || i.dedupeKey.length > 191 ? '1 to 191 characters' : null],
    ['subject', i.subject.length > 255 ? 'at most 255 characters' : null],
    ['ref', i.ref && i.ref.length > 64 ? 'at most 64 characters' : null],
  ].filter((p): p is [string, string] => !!p[1]).map(([field, message]) => ({ field, message }));
  if (problems.length) throw new ValidationError(problems);
}

export interface OutboxDeps {
  orm: MikroORM;
  notifier: NotifierService;
  logger: Logger;
  /** `core` and the plugins that are started: only their entries are sent. */
  activeOwners(): string[];
  policy?: Partial<OutboxPolicy>;
}

export class Outbox {
  private readonly policy: OutboxPolicy;
  private readonly transports = new Map<string, () => NotifyTransports>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly d: OutboxDeps) {
    this.policy = { ...DEFAULT_OUTBOX_POLICY, ...d.policy };
  }

  /** The service as one owner sees it (the kernel hands each plugin its own). */
  forOwner(owner: string): OutboxService {
    return {
      enqueue: (input) => this.enqueue(owner, input),
      list: (q = {}) => this.list(owner, q),
      useTransports: (t) => { this.transports.set(owner, t); },
      drain: () => this.drain(),
    };
  }

  /** Entries a crash left `sending` are due again, then the job runs. */
  async start(): Promise<void> {
    await this.d.orm.em.fork().nativeUpdate(OutboxEntrySchema, { status: 'sending' }, { status: 'pending' });
    this.timer = setInterval(() => { void this.drain(); }, this.policy.intervalMs);
    this.timer.unref();
    void this.drain();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.queued;
    await this.running;
  }

  /** One pass over what is due; a call while one runs gets the next pass (which sees what was queued since). */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.running) {
      this.running = this.pass().finally(() => { this.running = undefined; });
      return this.running;
    }
    this.queued ??= this.running.then(() => { this.queued = undefined; return this.drain(); });
    return this.queued;
  }

  private transportsOf(owner: string): NotifyTransports {
    return this.transports.get(owner)?.() ?? {};
  }

  private async enqueue(owner: string, input: OutboxInput): Promise<OutboxEntryView> {
    checkInput(input);
    const key = { owner, targetHash: targetHash(input.channel, input.target), dedupeKey: input.dedupeKey };
    const em = this.d.orm.em.fork();
    const existing = await em.findOne(OutboxEntrySchema, key);
    if (existing) return view(existing);
    const sendable = this.d.notifier.channels(this.transportsOf(owner)).includes(input.channel);
    const row = em.create(OutboxEntrySchema, {
      ...key, tenantId: input.tenantId ?? null, channel: input.channel, target: input.target, ref: input.ref ?? null,
      subject: input.subject, message: input.message as Record<string, unknown>, status: input.skip ? 'skipped' : 'pending', attempts: 0,
      nextAt: new Date(), lastError: input.skip ?? (sendable ? null : noTransport(input.channel)), createdAt: new Date(),
    });
    try {
      await em.flush();
    } catch (err) {
      // Queued by a concurrent call in between: that entry is the one.
      if (err instanceof UniqueConstraintViolationException) return view(await this.d.orm.em.fork().findOneOrFail(OutboxEntrySchema, key));
      throw err;
    }
    if (!input.skip && sendable) void this.drain();
    return view(row);
  }

  private async list(owner: string, q: NonNullable<Parameters<OutboxService['list']>[0]>) {
    const page = Math.max(1, Math.floor(q.page ?? 1));
    const pageSize = Math.min(Math.max(1, Math.floor(q.pageSize ?? 50)), 1000);
    const where: Record<string, unknown> = { owner };
    if (q.status !== undefined) where.status = { $in: Array.isArray(q.status) ? q.status : [q.status] };
    if (q.refs !== undefined) where.ref = { $in: q.refs };
    const [rows, total] = await this.d.orm.em.fork().findAndCount(OutboxEntrySchema, where, { orderBy: { id: 'desc' }, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: rows.map(view), total, page, pageSize };
  }

  private async pass(): Promise<void> {
    try {
      const owners = this.d.activeOwners().map((owner) => ({ owner, channels: this.d.notifier.channels(this.transportsOf(owner)) }));
      const em = this.d.orm.em.fork();
      const due = await em.find(OutboxEntrySchema, {
        status: 'pending', nextAt: { $lte: new Date() }, $or: owners.map((o) => ({ owner: o.owner, channel: { $in: o.channels } })),
      }, { orderBy: { id: 'asc' }, limit: BATCH });
      for (const e of due) {
        if (this.stopped) return;
        await this.attempt(em, e);
      }
    } catch (err) {
      this.d.logger.error({ err: (err as Error).message }, 'notification outbox: a pass failed');
    }
  }

  private async attempt(em: EntityManager, e: OutboxEntry): Promise<void> {
    e.status = 'sending';
    await em.flush();
    const message = { ...(e.message as OutboxMessage), channel: e.channel as NotifyChannel, to: e.target, subject: e.subject };
    const r = await this.d.notifier.send(message, this.transportsOf(e.owner))
      .catch((err: Error) => ({ status: 'failed' as const, error: err.message }));
    const now = Date.now();
    if (r.status === 'sent') Object.assign(e, { status: 'sent', sentAt: new Date(now), attempts: e.attempts + 1, lastError: null });
    else if (r.status === 'pending') Object.assign(e, { status: 'pending', lastError: r.error ?? noTransport(e.channel), nextAt: new Date(now + NO_TRANSPORT_RECHECK_MS) });
    else {
      const attempts = e.attempts + 1;
      const failed = attempts >= this.policy.maxAttempts;
      Object.assign(e, {
        attempts, status: failed ? 'failed' : 'pending', lastError: (r.error ?? 'failed').slice(0, 500),
        nextAt: new Date(now + this.policy.backoffSeconds(attempts) * 1000),
      });
      if (failed) this.d.logger.warn({ owner: e.owner, entry: e.id, channel: e.channel, error: e.lastError }, `notification given up after ${attempts} attempts`);
    }
    await em.flush();
  }
}
