/** Types of the AMI client's options, results and bus payload, and the lazy payload itself. */
import type { EventBus } from '../../sdk/bus.ts';
import type { AmiMessage } from './ami-parser.ts';

/** Minimal logger shape (pino-compatible). */
export interface AmiLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
}

/** Reconnect back-off: delay = min(maxMs, initialMs * factor^attempt), minus up to jitter*delay. */
export interface AmiReconnectOptions {
  enabled?: boolean;
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** 0..1 fraction of the delay randomly removed. */
  jitter?: number;
  /** Give up after this many failed attempts (default: never). */
  maxAttempts?: number;
}

/** Constructor options of AmiClient. */
export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** `Events:` header of Login: 'on' | 'off' | class list (e.g. 'system,call'). Default 'on'. */
  events?: string;
  /** Per-action timeout. Default 10 s. */
  actionTimeoutMs?: number;
  /** Login answer timeout (a failed login answers after ~1 s). Default 10 s. */
  loginTimeoutMs?: number;
  /** TCP connect timeout. Default 5 s. */
  connectTimeoutMs?: number;
  /** Keep-alive Ping interval (0 = off). Default 30 s. A failed ping drops the socket. */
  keepAliveMs?: number;
  reconnect?: AmiReconnectOptions;
  /** ActionID prefix; IDs are `<prefix>-<counter>`. Default 'acm'. */
  actionIdPrefix?: string;
  /** Bus to publish events on. */
  bus?: EventBus;
  /** Subject prefix, e.g. `acm.<tenant>.<cluster>.<serverId>`; events go to `<prefix>.ami.<Event>`. */
  subjectPrefix?: string;
  /** Event names considered known; others are counted as unknown and skipped. Default: KNOWN_AMI_EVENTS. */
  knownEvents?: ReadonlySet<string>;
  logger?: AmiLogger;
  /** Random source for jitter (tests). */
  random?: () => number;
}

/** Result of a list action: the initial response and the item events (without the Complete event). */
export interface AmiListResult {
  response: AmiMessage;
  items: AmiMessage[];
  complete?: AmiMessage;
}

/** Counters exposed by `stats()`. */
export interface AmiClientStats {
  framesIn: number;
  malformedLines: number;
  malformedFrames: number;
  truncatedFrames: number;
  unknownEvents: number;
  unmatchedResponses: number;
  eventsIn: number;
  actionsSent: number;
  timeouts: number;
  reconnects: number;
}

/** Payload published on the bus for every AMI event. */
export interface AmiBusEvent {
  event: string;
  /** First value per header. */
  fields: Record<string, string>;
  /** Full ordered header list (repeated headers kept). */
  headers: Array<[string, string]>;
  receivedAt: number;
}

/** The bus payload of an event; its `headers` list is only built when read. */
export class LazyBusEvent implements AmiBusEvent {
  readonly #message: AmiMessage;

  constructor(
    public event: string,
    public fields: Record<string, string>,
    message: AmiMessage,
    public receivedAt: number,
  ) {
    this.#message = message;
  }

  get headers(): Array<[string, string]> {
    return this.#message.headers;
  }

  toJSON(): AmiBusEvent {
    return { event: this.event, fields: this.fields, headers: this.headers, receivedAt: this.receivedAt };
  }
}
