/**
 * Typed AMI client over `node:net`, with our own framing parser (ami-parser.ts).
 *
 * Why not the `asterisk-manager` npm package: it generates ActionIDs from timestamps (collide
 * under load), has no per-action timeout, does not collect list actions up to
 * `EventList: Complete`, folds repeated headers (`Output:` of `Command`) into one value, and
 * cannot tell "login failed" from "socket closed". Each of those is a requirement here, so
 * wrapping it would mean re-implementing most of it on top of its event stream.
 *
 * Behaviour:
 * - `connect()` opens the socket, reads the banner and logs in; it rejects with AmiAuthError on
 *   `Authentication failed` (real Asterisk sends it ~1 s late, then closes).
 * - `action()` sends one action with a counter-based ActionID (`<prefix>-<n>`) and a timeout.
 * - `listAction()` collects the item events up to the one with `EventList: Complete`. The
 *   ActionID may be anywhere in the item (second in PJSIP lists, last in queue/DB lists).
 * - socket loss rejects every pending action (including a list in progress) with
 *   AmiDisconnectedError and, unless `close()` was called, reconnects with capped exponential
 *   back-off and jitter.
 * - events go to `events` ('event' and 'event:<Name>') and, if a bus is given, to
 *   `<subjectPrefix>.ami.<EventName>`. Unknown event names and malformed frames are counted
 *   (`stats()`) and skipped, never thrown.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { AmiFrameParser, AmiMessage, serializeAmi } from './ami-parser.ts';
import { KNOWN_AMI_EVENTS } from './ami-events.ts';
import {
  AmiActionError,
  AmiAuthError,
  AmiDisconnectedError,
  AmiNoSuchModuleError,
  AmiTimeoutError,
} from './errors.ts';

import { LazyBusEvent, type AmiBusEvent, type AmiClientOptions, type AmiClientStats, type AmiListResult, type AmiReconnectOptions } from './ami-types.ts';

export type { AmiLogger, AmiReconnectOptions, AmiClientOptions, AmiListResult, AmiClientStats, AmiBusEvent } from './ami-types.ts';

interface Pending {
  id: string;
  action: string;
  list: boolean;
  resolve: (v: AmiMessage | AmiListResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  response?: AmiMessage;
  items: AmiMessage[];
  /** For list actions: answers Response: Error with one of these messages mean "empty list". */
  emptyOn?: readonly string[];
}

type State = 'idle' | 'connecting' | 'connected' | 'closed';

/** Typed AMI client; see file comment. */
export { KNOWN_AMI_EVENTS } from './ami-events.ts';

export class AmiClient {
  /** Emits 'event' (AmiMessage), 'event:<Name>' (AmiMessage), 'connected', 'disconnected' (Error),
   * 'reconnecting' ({attempt, delayMs}), 'unknownEvent' (AmiMessage), 'error' (Error). */
  readonly events = new EventEmitter();
  private readonly opts: Required<Omit<AmiClientOptions, 'bus' | 'subjectPrefix' | 'logger' | 'reconnect' | 'knownEvents' | 'random'>>;
  private readonly reconnectOpts: Required<AmiReconnectOptions>;
  private readonly knownEvents: ReadonlySet<string>;
  private readonly random: () => number;
  private socket: net.Socket | undefined;
  private parser = new AmiFrameParser();
  private pending = new Map<string, Pending>();
  private counter = 0;
  private state: State = 'idle';
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private readonly counters = { unknownEvents: 0, unmatchedResponses: 0, eventsIn: 0, actionsSent: 0, timeouts: 0, reconnects: 0 };
  private readonly parserTotals = { frames: 0, malformedLines: 0, malformedFrames: 0, truncatedFrames: 0 };
  /** `event:<Name>` and the bus subject per event name, built once (only known names get here). */
  private readonly eventNames = new Map<string, [string, string]>();

  constructor(private readonly options: AmiClientOptions) {
    this.opts = {
      host: options.host,
      port: options.port,
      username: options.username,
      secret: options.secret,
      events: options.events ?? 'on',
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      loginTimeoutMs: options.loginTimeoutMs ?? 10_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      keepAliveMs: options.keepAliveMs ?? 30_000,
      actionIdPrefix: options.actionIdPrefix ?? 'acm',
    };
    const r = options.reconnect ?? {};
    this.reconnectOpts = {
      enabled: r.enabled ?? true,
      initialMs: r.initialMs ?? 500,
      maxMs: r.maxMs ?? 30_000,
      factor: r.factor ?? 2,
      jitter: r.jitter ?? 0.2,
      maxAttempts: r.maxAttempts ?? Number.POSITIVE_INFINITY,
    };
    this.knownEvents = options.knownEvents ?? KNOWN_AMI_EVENTS;
    this.random = options.random ?? Math.random;
    this.events.setMaxListeners(0);
    // An 'error' emit without listener would throw; keep a no-op default.
    this.events.on('error', () => {});
  }

  /** True once logged in and the socket is up. */
  get connected(): boolean {
    return this.state === 'connected';
  }

  /** Banner of the current connection, e.g. `Asterisk Call Manager/9.0.0`. */
  get banner(): string | undefined {
    return this.parser.banner;
  }

  /** Connect and log in. Rejects with AmiAuthError, AmiTimeoutError or AmiDisconnectedError.
   * A failed first connect does not start the reconnect loop; call connect() again. */
  async connect(): Promise<void> {
    if (this.state === 'connected') return;
    this.state = 'connecting';
    try {
      await this.open();
      this.attempt = 0;
    } catch (e) {
      if (this.state === 'connecting') this.state = 'idle';
      throw e;
    }
  }

  /**
   * Connects and keeps the connection up for good: a failed first attempt goes into the same
   * back-off loop as a dropped connection. Never rejects; watch `events` ('connected',
   * 'disconnected', 'reconnected', 'error').
   */
  start(): void {
    this.connect().catch((e: Error) => {
      if (this.state === 'closed') return;
      this.state = 'connecting';
      if (e instanceof AmiAuthError) this.events.emit('error', e);
      this.events.emit('disconnected', e);
      this.scheduleReconnect();
    });
  }

  /** Log off (best effort), stop reconnecting and close. Pending actions reject. */
  async close(): Promise<void> {
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    this.stopKeepAlive();
    const sock = this.socket;
    if (wasConnected && sock && !sock.destroyed) {
      try {
        await Promise.race([
          this.action('Logoff', {}, { timeoutMs: 1000 }),
          new Promise((r) => setTimeout(r, 1000).unref()),
        ]);
      } catch {
        /* ignore */
      }
    }
    this.failAll(new AmiDisconnectedError('AMI client closed'));
    sock?.destroy();
    this.socket = undefined;
  }

  /** Counters for malformed input, unknown events, timeouts, reconnects… */
  stats(): AmiClientStats {
    const p = this.parser.counters;
    return {
      framesIn: this.parserTotals.frames + p.frames,
      malformedLines: this.parserTotals.malformedLines + p.malformedLines,
      malformedFrames: this.parserTotals.malformedFrames + p.malformedFrames,
      truncatedFrames: this.parserTotals.truncatedFrames + p.truncatedFrames,
      ...this.counters,
    };
  }

  /** Send an action; resolves with the response, rejects with AmiActionError on `Response: Error`. */
  async action(name: string, headers: Record<string, string | string[] | number | undefined> = {}, o: { timeoutMs?: number } = {}): Promise<AmiMessage> {
    const res = await this.send(name, headers, false, o.timeoutMs);
    return res as AmiMessage;
  }

  /**
   * Send a list action and collect its item events up to `EventList: Complete`.
   * `emptyOnError`: `Response: Error` messages that mean "no items" (e.g. ConfbridgeList's
   * `No active conferences.`) resolve with an empty list instead of throwing.
   */
  async listAction(
    name: string,
    headers: Record<string, string | string[] | number | undefined> = {},
    o: { timeoutMs?: number; emptyOnError?: readonly string[] } = {},
  ): Promise<AmiListResult> {
    return (await this.send(name, headers, true, o.timeoutMs, o.emptyOnError)) as AmiListResult;
  }

  /** Run a CLI command; returns its output lines (`Output:` headers). Error -> AmiActionError with the output. */
  async command(cli: string, o: { timeoutMs?: number } = {}): Promise<string[]> {
    const res = await this.send('Command', { Command: cli }, false, o.timeoutMs);
    return (res as AmiMessage).getAll('Output');
  }

  /** `Reload` with `Module:`; `No such module` -> AmiNoSuchModuleError. Returns the message. */
  async reload(module: string, o: { timeoutMs?: number } = {}): Promise<string> {
    try {
      const res = await this.action('Reload', { Module: module }, o);
      return res.get('Message') ?? '';
    } catch (e) {
      if (e instanceof AmiActionError && /no such module/i.test(e.amiMessage)) throw new AmiNoSuchModuleError(module);
      throw e;
    }
  }

  /** Ping; resolves with the round-trip time in ms. */
  async ping(o: { timeoutMs?: number } = {}): Promise<number> {
    const t0 = performance.now();
    await this.action('Ping', {}, o);
    return performance.now() - t0;
  }

  // Convenience list helpers -------------------------------------------------------------

  /** PJSIPShowEndpoints items (EndpointList events). */
  async pjsipShowEndpoints(): Promise<AmiMessage[]> {
    return (await this.listAction('PJSIPShowEndpoints')).items;
  }

  /** QueueStatus items (QueueParams/QueueMember/QueueEntry events). */
  async queueStatus(queue?: string): Promise<AmiMessage[]> {
    return (await this.listAction('QueueStatus', { Queue: queue })).items;
  }

  /** CoreShowChannels items. */
  async coreShowChannels(): Promise<AmiMessage[]> {
    return (await this.listAction('CoreShowChannels')).items;
  }

  /** ConfbridgeList; an empty/unknown conference is `[]` (Asterisk answers an Error). */
  async confbridgeList(conference: string): Promise<AmiMessage[]> {
    return (await this.listAction('ConfbridgeList', { Conference: conference }, { emptyOnError: ['No active conferences.'] })).items;
  }

  /** ConfbridgeListRooms; none is `[]`. */
  async confbridgeListRooms(): Promise<AmiMessage[]> {
    return (await this.listAction('ConfbridgeListRooms', {}, { emptyOnError: ['No active conferences.'] })).items;
  }

  /** DBGet value, or undefined when the entry does not exist. */
  async dbGet(family: string, key: string): Promise<string | undefined> {
    const r = await this.listAction('DBGet', { Family: family, Key: key }, { emptyOnError: ['Database entry not found'] });
    return r.items[0]?.get('Val');
  }

  // Internals -----------------------------------------------------------------------------

  private nextId(): string {
    this.counter = (this.counter + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.opts.actionIdPrefix}-${this.counter}`;
  }

  private send(
    name: string,
    headers: Record<string, string | string[] | number | undefined>,
    list: boolean,
    timeoutMs?: number,
    emptyOn?: readonly string[],
    allowBeforeLogin = false,
  ): Promise<AmiMessage | AmiListResult> {
    const sock = this.socket;
    if (!sock || sock.destroyed || (!allowBeforeLogin && this.state !== 'connected')) {
      return Promise.reject(new AmiDisconnectedError('AMI not connected', name));
    }
    const id = this.nextId();
    const ms = timeoutMs ?? this.opts.actionTimeoutMs;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        id,
        action: name,
        list,
        items: [],
        emptyOn,
        resolve: resolve as Pending['resolve'],
        reject,
        timer: setTimeout(() => {
          this.pending.delete(id);
          this.counters.timeouts++;
          reject(new AmiTimeoutError(name, ms));
        }, ms),
      };
      p.timer.unref?.();
      this.pending.set(id, p);
      for (const v of Object.values(headers)) {
        const vals = Array.isArray(v) ? v : [v];
        if (vals.some((x) => typeof x === 'string' && /[\r\n]/.test(x))) {
          this.settle(p);
          reject(new AmiActionError(name, 'header value contains CR/LF (refused: would inject headers)'));
          return;
        }
      }
      const frame = serializeAmi({ Action: name, ActionID: id, ...headers });
      this.counters.actionsSent++;
      sock.write(frame);
    });
  }

  private settle(p: Pending): void {
    clearTimeout(p.timer);
    this.pending.delete(p.id);
  }

  private failAll(err: AmiDisconnectedError): void {
    for (const p of [...this.pending.values()]) {
      this.settle(p);
      p.reject(new AmiDisconnectedError(err.message, p.action));
    }
  }

  /** Open socket, await banner, log in. */
  private open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(connectTimer);
        if (err) {
          sock.destroy();
          reject(err);
        } else resolve();
      };
      this.absorbParserCounters();
      this.parser = new AmiFrameParser({ expectBanner: true });
      const sock = net.connect({ host: this.opts.host, port: this.opts.port });
      sock.setNoDelay(true);
      this.socket = sock;
      const connectTimer = setTimeout(() => finish(new AmiTimeoutError('connect', this.opts.connectTimeoutMs)), this.opts.connectTimeoutMs);
      let loggingIn = false;
      sock.on('data', (chunk) => {
        const msgs = this.parser.push(chunk);
        if (!loggingIn && this.parser.banner !== undefined) {
          loggingIn = true;
          clearTimeout(connectTimer);
          this.send('Login', { Username: this.opts.username, Secret: this.opts.secret, Events: this.opts.events }, false, this.opts.loginTimeoutMs, undefined, true)
            .then(() => {
              this.state = 'connected';
              this.startKeepAlive();
              finish();
              this.events.emit('connected');
            })
            .catch((e: Error) => {
              if (e instanceof AmiActionError) finish(new AmiAuthError(e.amiMessage));
              else finish(e);
            });
        }
        for (const m of msgs) this.dispatch(m);
      });
      sock.on('error', (e) => {
        this.options.logger?.debug({ err: e.message }, 'ami socket error');
        if (!done) finish(new AmiDisconnectedError(`AMI connect failed: ${e.message}`));
      });
      sock.on('close', () => {
        if (this.socket !== sock) return;
        this.socket = undefined;
        this.stopKeepAlive();
        this.parser.reset();
        const err = new AmiDisconnectedError('AMI connection closed');
        this.failAll(err);
        if (!done) {
          finish(err);
          return;
        }
        if (this.state === 'connected') {
          this.state = 'connecting';
          this.events.emit('disconnected', err);
          this.scheduleReconnect();
        }
      });
    });
  }

  private absorbParserCounters(): void {
    const c = this.parser.counters;
    this.parserTotals.frames += c.frames;
    this.parserTotals.malformedLines += c.malformedLines;
    this.parserTotals.malformedFrames += c.malformedFrames;
    this.parserTotals.truncatedFrames += c.truncatedFrames;
    c.frames = c.malformedLines = c.malformedFrames = c.truncatedFrames = 0;
  }

  private scheduleReconnect(): void {
    if (!this.reconnectOpts.enabled || this.state === 'closed') return;
    if (this.attempt >= this.reconnectOpts.maxAttempts) {
      this.state = 'idle';
      this.events.emit('error', new AmiDisconnectedError('AMI reconnect attempts exhausted'));
      return;
    }
    const r = this.reconnectOpts;
    const base = Math.min(r.maxMs, r.initialMs * Math.pow(r.factor, this.attempt));
    const delayMs = Math.max(0, Math.round(base * (1 - r.jitter * this.random())));
    this.attempt++;
    this.events.emit('reconnecting', { attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      if (this.state === 'closed') return;
      this.open()
        .then(() => {
          this.attempt = 0;
          this.counters.reconnects++;
          this.events.emit('reconnected');
        })
        .catch((e: Error) => {
          if (this.state === 'closed') return;
          this.options.logger?.debug({ err: e.message, attempt: this.attempt }, 'ami reconnect failed');
          if (e instanceof AmiAuthError) this.events.emit('error', e);
          this.scheduleReconnect();
        });
    }, delayMs);
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    if (this.opts.keepAliveMs <= 0) return;
    this.keepAliveTimer = setInterval(() => {
      if (this.state !== 'connected') return;
      this.action('Ping', {}, { timeoutMs: Math.min(this.opts.actionTimeoutMs, this.opts.keepAliveMs) }).catch((e: Error) => {
        if (e instanceof AmiTimeoutError) {
          this.options.logger?.warn({}, 'ami keep-alive ping timed out; dropping connection');
          this.socket?.destroy();
        }
      });
    }, this.opts.keepAliveMs);
    this.keepAliveTimer.unref?.();
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private pendingFor(m: AmiMessage): Pending | undefined {
    const id = m.get('ActionID');
    return id !== undefined ? this.pending.get(id) : undefined;
  }

  private namesOf(name: string): [string, string] {
    let names = this.eventNames.get(name);
    if (names === undefined) {
      names = [`event:${name}`, `${this.options.subjectPrefix}.ami.${name}`];
      this.eventNames.set(name, names);
    }
    return names;
  }

  private dispatch(m: AmiMessage): void {
    const kind = m.kind;
    if (kind === 'response') {
      const id = m.get('ActionID');
      const p = id !== undefined ? this.pending.get(id) : undefined;
      if (!p) {
        this.counters.unmatchedResponses++;
        this.options.logger?.debug({ id }, 'ami response without pending action');
        return;
      }
      const response = (m.get('Response') ?? '').toLowerCase();
      if (response === 'error') {
        const msg = m.get('Message') ?? '';
        this.settle(p);
        if (p.list && p.emptyOn?.includes(msg)) {
          p.resolve({ response: m, items: [] });
          return;
        }
        if (p.action === 'Command') {
          const err = new AmiActionError(p.action, [msg, ...m.getAll('Output')].filter(Boolean).join(': '));
          p.reject(err);
          return;
        }
        p.reject(new AmiActionError(p.action, msg));
        return;
      }
      if (p.list && (m.get('EventList') ?? '').toLowerCase() === 'start') {
        p.response = m;
        return; // wait for Complete
      }
      this.settle(p);
      p.resolve(p.list ? { response: m, items: [] } : m);
      return;
    }
    if (kind === 'event') {
      // Only a list in progress takes events by ActionID: with nothing pending, skip the lookup.
      const p = this.pending.size === 0 ? undefined : this.pendingFor(m);
      if (p && p.list) {
        if ((m.get('EventList') ?? '').toLowerCase() === 'complete') {
          this.settle(p);
          p.resolve({ response: p.response ?? m, items: p.items, complete: m });
        } else {
          p.items.push(m);
        }
        return;
      }
      this.counters.eventsIn++;
      const name = m.get('Event') ?? '';
      if (!this.knownEvents.has(name)) {
        this.counters.unknownEvents++;
        this.options.logger?.debug({ event: name }, 'unknown ami event skipped');
        this.events.emit('unknownEvent', m);
        return;
      }
      // Emitting costs even without listeners; this runs once per event.
      if (this.events.listenerCount('event')) this.events.emit('event', m);
      const names = this.namesOf(name);
      if (this.events.listenerCount(names[0])) this.events.emit(names[0], m);
      if (this.options.bus && this.options.subjectPrefix) {
        // The header list is built only if a subscriber reads it (fields is what most need).
        const payload: AmiBusEvent = new LazyBusEvent(name, m.toObject(), m, Date.now());
        try {
          this.options.bus.publish(names[1], payload);
        } catch (e) {
          this.options.logger?.warn({ err: (e as Error).message }, 'bus publish failed');
        }
      }
      return;
    }
    // Neither Response nor Event: count as malformed/unknown and skip.
    this.parser.counters.malformedFrames++;
    this.options.logger?.debug({ headers: m.headers.slice(0, 3) }, 'ami frame without Response/Event skipped');
  }
}
