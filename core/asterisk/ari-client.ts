/**
 * Thin typed wrapper around the `ari-client` package (swagger-driven; untyped, hence the local
 * interfaces and createRequire). Connects, starts one Stasis app over the events WebSocket and
 * exposes the few reads acm needs. When ari-client gives up reconnecting the WebSocket
 * (`WebSocketMaxRetries`) or the first connect fails, the wrapper reconnects from scratch with
 * capped back-off until close().
 *
 * Note: ari-client registers its basic-auth credentials in a process-global swagger
 * authorization, so two clients with different credentials in one process race; acm uses one
 * ARI user per process or separate workers.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { AriError } from './errors.ts';

/** ARI endpoint (GET /ari/endpoints). */
export interface AriEndpoint {
  technology: string;
  resource: string;
  state?: string;
  channel_ids: string[];
}

/** ARI channel (subset). */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number };
}

/** ARI bridge (subset). */
export interface AriBridge {
  id: string;
  bridge_type?: string;
  channels: string[];
}

/** ARI application (GET /ari/applications). */
export interface AriApplication {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids: string[];
  device_names: string[];
}

/** GET /ari/asterisk/info */
export interface AriAsteriskInfo {
  build?: Record<string, string>;
  system?: { version: string; entity_id: string };
  config?: { name: string; default_language: string };
  status?: { startup_time: string; last_reload_time: string };
}

interface RawResource {
  [op: string]: (opts?: Record<string, unknown>) => Promise<unknown>;
}

interface RawClient extends EventEmitter {
  asterisk: RawResource;
  endpoints: RawResource;
  channels: RawResource;
  bridges: RawResource;
  applications: RawResource;
  start(apps: string | string[], subscribeAll?: boolean): Promise<void>;
  stop(): void;
}

interface AriLib {
  connect(url: string, user: string, pass: string): Promise<RawClient>;
}

const require = createRequire(import.meta.url);
let lib: AriLib | undefined;
const ariLib = (): AriLib => (lib ??= require('ari-client') as AriLib);

export interface AriClientOptions {
  /** e.g. http://127.0.0.1:8088 */
  url: string;
  username: string;
  password: string;
  /** Stasis app to register (optional). */
  app?: string;
  subscribeAll?: boolean;
  /** Reconnect back-off after ari-client gave up. */
  reconnect?: { initialMs?: number; maxMs?: number; enabled?: boolean };
}

/** Strip ari-client's resource wrappers to plain JSON objects. */
function plain<T>(v: unknown): T {
  return JSON.parse(JSON.stringify(v, (k, x) => (k.startsWith('_') ? undefined : x))) as T;
}

export class AriClient {
  /** Emits 'event' (ARI event JSON), 'connected', 'disconnected', 'error'. */
  readonly events = new EventEmitter();
  private raw: RawClient | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(private readonly opts: AriClientOptions) {
    this.events.on('error', () => {});
  }

  get connected(): boolean {
    return this.raw !== undefined;
  }

  /** Load the API (swagger) and, with `app`, open the events WebSocket. */
  async connect(): Promise<void> {
    this.closed = false;
    let raw: RawClient;
    try {
      raw = await ariLib().connect(this.opts.url, this.opts.username, this.opts.password);
    } catch (e) {
      throw new AriError(`ARI connect to ${this.opts.url} failed: ${(e as Error).message ?? String(e)}`);
    }
    raw.on('*', (ev: unknown) => this.events.emit('event', ev));
    raw.on('WebSocketMaxRetries', () => {
      this.raw = undefined;
      this.events.emit('disconnected');
      this.scheduleReconnect();
    });
    if (this.opts.app) {
      try {
        await raw.start(this.opts.app, this.opts.subscribeAll ?? false);
      } catch (e) {
        throw new AriError(`ARI WebSocket for app ${this.opts.app} failed: ${(e as Error).message}`);
      }
    }
    this.raw = raw;
    this.attempt = 0;
    this.events.emit('connected');
  }

  private scheduleReconnect(): void {
    const r = this.opts.reconnect ?? {};
    if (this.closed || r.enabled === false) return;
    const delay = Math.min(r.maxMs ?? 30_000, (r.initialMs ?? 1000) * 2 ** this.attempt++);
    this.timer = setTimeout(() => {
      this.connect().catch((e: Error) => {
        this.events.emit('error', e);
        this.scheduleReconnect();
      });
    }, delay);
    this.timer.unref?.();
  }

  /** Stop the WebSocket and any reconnect. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const raw = this.raw;
    this.raw = undefined;
    if (raw && this.opts.app) {
      try {
        raw.stop();
      } catch {
        /* not started */
      }
    }
  }

  private client(): RawClient {
    if (!this.raw) throw new AriError('ARI not connected');
    return this.raw;
  }

  private async call<T>(res: keyof Pick<RawClient, 'asterisk' | 'endpoints' | 'channels' | 'bridges' | 'applications'>, op: string, args?: Record<string, unknown>): Promise<T> {
    const fn = this.client()[res][op];
    if (!fn) throw new AriError(`ARI operation ${res}.${op} not available`);
    try {
      return plain<T>(await fn(args));
    } catch (e) {
      throw new AriError(`ARI ${res}.${op} failed: ${(e as Error).message ?? String(e)}`);
    }
  }

  asteriskInfo(): Promise<AriAsteriskInfo> {
    return this.call('asterisk', 'getInfo');
  }

  listEndpoints(): Promise<AriEndpoint[]> {
    return this.call('endpoints', 'list');
  }

  getEndpoint(tech: string, resource: string): Promise<AriEndpoint> {
    return this.call('endpoints', 'get', { tech, resource });
  }

  listChannels(): Promise<AriChannel[]> {
    return this.call('channels', 'list');
  }

  listBridges(): Promise<AriBridge[]> {
    return this.call('bridges', 'list');
  }

  listApplications(): Promise<AriApplication[]> {
    return this.call('applications', 'list');
  }
}
