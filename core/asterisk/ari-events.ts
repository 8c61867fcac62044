/**
 * One ARI events WebSocket of one server (`/ari/events?app=a,b&subscribeAll=false`), carrying
 * every Stasis application acm's plugins registered. Asterisk registers the apps at the upgrade
 * and drops them with the socket, so a changed set of apps means a new socket, and a socket that
 * went away is reopened with capped back-off (the apps come back with it). A ping every
 * `keepAliveMs` finds a socket whose peer vanished without a close.
 */
import WebSocket from 'ws';
import { basicAuth, type AriTarget } from './ari-rest.ts';

export interface AriEventsOptions {
  reconnect: { initialMs: number; maxMs: number; factor: number; jitter: number };
  keepAliveMs: number;
  /** Handshake bound. */
  connectTimeoutMs: number;
}

export const defaultAriEventsOptions: AriEventsOptions = {
  reconnect: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 },
  keepAliveMs: 20_000,
  connectTimeoutMs: 10_000,
};

export class AriEventSocket {
  private ws: WebSocket | undefined;
  private apps: string[] = [];
  /** The apps of the socket that is open now (empty while down). */
  private openApps: string[] = [];
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  private closed = false;
  lastError: string | null = null;
  /** Sockets opened so far (a reconnect adds one). */
  opens = 0;

  constructor(
    private readonly target: AriTarget,
    private readonly onEvent: (e: Record<string, unknown>) => void,
    private readonly onState: (connected: boolean) => void,
    private readonly opts: AriEventsOptions = defaultAriEventsOptions,
  ) {}

  /** Apps registered on the socket that is up now. */
  get registered(): readonly string[] {
    return this.openApps;
  }

  /** Follow this set of apps: a new socket when it changed, none when it is empty. */
  setApps(apps: string[]): void {
    const next = [...new Set(apps)].sort();
    if (next.join(',') === this.apps.join(',')) return;
    this.apps = next;
    this.attempt = 0;
    this.reopen();
  }

  private reopen(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drop();
    if (!this.closed && this.apps.length > 0) this.open();
  }

  private drop(): void {
    const ws = this.ws;
    this.ws = undefined;
    clearInterval(this.ping);
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
    if (this.openApps.length) {
      this.openApps = [];
      this.onState(false);
    }
  }

  private open(): void {
    const apps = this.apps;
    const url = `${this.target.baseUrl.replace(/^http/, 'ws')}/ari/events?app=${apps.map(encodeURIComponent).join(',')}&subscribeAll=false`;
    const ws = new WebSocket(url, { headers: { Authorization: basicAuth(this.target) }, handshakeTimeout: this.opts.connectTimeoutMs });
    this.ws = ws;
    let alive = true;
    ws.on('open', () => {
      this.attempt = 0;
      this.lastError = null;
      this.opens++;
      this.openApps = apps;
      this.onState(true);
      if (this.opts.keepAliveMs > 0) {
        this.ping = setInterval(() => {
          if (!alive) { ws.terminate(); return; }
          alive = false;
          ws.ping();
        }, this.opts.keepAliveMs);
        this.ping.unref();
      }
    });
    ws.on('pong', () => { alive = true; });
    ws.on('message', (data) => {
      let e: unknown;
      try {
        e = JSON.parse(String(data));
      } catch {
        return;
      }
      if (e && typeof e === 'object') this.onEvent(e as Record<string, unknown>);
    });
    // A refused upgrade is an error (`Unexpected server response: 401`), then a close.
    ws.on('error', (err) => { this.lastError = err.message; });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      const wasOpen = this.openApps.length > 0;
      this.drop();
      if (wasOpen) this.lastError = 'events WebSocket closed';
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.closed || this.apps.length === 0) return;
    const r = this.opts.reconnect;
    const base = Math.min(r.maxMs, r.initialMs * r.factor ** this.attempt++);
    const delay = Math.round(base * (1 + (Math.random() * 2 - 1) * r.jitter));
    this.timer = setTimeout(() => { this.timer = undefined; this.open(); }, delay);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.drop();
  }
}
