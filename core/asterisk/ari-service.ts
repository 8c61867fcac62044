/**
 * coreServices.ari: Stasis applications and call control on every enabled server that has an ARI
 * user and password. Like AsteriskConnections for AMI, `sync` follows the servers table (a new
 * address or new credentials: a new socket); each server has one events WebSocket carrying every
 * registered app (ari-events.ts) and REST goes through fetch with that server's own credentials
 * (ari-rest.ts). Input is checked before any request (ari-validate.ts).
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { AriChannelView, AriEvent, AriService } from '../../sdk/core-services.ts';
import { ServerSchema, type Server } from '../model/entities.ts';
import { AriEventSocket, defaultAriEventsOptions, type AriEventsOptions } from './ari-events.ts';
import { ariRequest, type AriTarget } from './ari-rest.ts';
import { AriUnavailableError } from './errors.ts';
import { BRIDGE_TYPES, checkApp, checkChoice, checkContinue, checkIds, checkOriginate, checkPlay, HANGUP_REASONS } from './ari-validate.ts';

export interface AriConnectionOptions extends AriEventsOptions {
  /** Bound of every REST request. */
  requestTimeoutMs: number;
}

export const defaultAriConnectionOptions: AriConnectionOptions = { ...defaultAriEventsOptions, requestTimeoutMs: 10_000 };

interface Conn {
  server: Pick<Server, 'id' | 'name' | 'tenantId' | 'clusterId'>;
  target: AriTarget;
  socket: AriEventSocket;
  connected: boolean;
}

type Handler = (e: AriEvent) => void;

const targetOf = (s: Server): AriTarget => ({ serverId: s.id, baseUrl: `http://${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.ariPort ?? 8088}`, user: s.ariUser ?? '', password: s.ariPassword ?? '' });
const same = (a: AriTarget, b: AriTarget) => a.baseUrl === b.baseUrl && a.user === b.user && a.password === b.password;

function channelView(raw: unknown): AriChannelView | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const c = raw as Record<string, any>;
  const dp = c.dialplan as Record<string, unknown> | undefined;
  return {
    id: String(c.id), name: String(c.name ?? ''), state: String(c.state ?? ''),
    ...(c.caller ? { caller: { name: String(c.caller.name ?? ''), number: String(c.caller.number ?? '') } } : {}),
    ...(dp ? { dialplan: { context: String(dp.context ?? ''), exten: String(dp.exten ?? ''), priority: Number(dp.priority ?? 0) } } : {}),
  };
}

export class AriConnections {
  private conns = new Map<number, Conn>();
  private handlers = new Map<string, Set<Handler>>();

  constructor(private orm: MikroORM, private logger: Logger, private opts: AriConnectionOptions = defaultAriConnectionOptions) {}

  /** Brings the sockets in line with the servers table (enabled, with an ARI user and password). */
  async sync(): Promise<void> {
    const servers = await this.orm.em.fork().find(ServerSchema, { enabled: true }, { orderBy: { id: 'asc' } });
    const wanted = new Map(servers.filter((s) => s.ariUser && s.ariPassword).map((s) => [s.id, s]));
    for (const [id, c] of this.conns) {
      const s = wanted.get(id);
      if (!s || !same(c.target, targetOf(s))) this.drop(id);
      else c.server = s;
    }
    for (const s of wanted.values()) if (!this.conns.has(s.id)) this.open(s);
  }

  private open(s: Server): void {
    const target = targetOf(s);
    const log = this.logger.child({ server: s.name, ari: true });
    const conn: Conn = { server: s, target, connected: false, socket: undefined as unknown as AriEventSocket };
    conn.socket = new AriEventSocket(target, (raw) => this.dispatch(conn, raw), (up) => {
      conn.connected = up;
      if (up) log.info({ apps: conn.socket.registered }, 'ARI events connected');
      // A reopen for a new app set is no failure.
      else if (conn.socket.lastError) log.warn({ err: conn.socket.lastError }, 'ARI events disconnected');
    }, this.opts);
    this.conns.set(s.id, conn);
    conn.socket.setApps([...this.handlers.keys()]);
  }

  private drop(id: number): void {
    this.conns.get(id)?.socket.close();
    this.conns.delete(id);
  }

  private dispatch(conn: Conn, raw: Record<string, unknown>): void {
    const application = typeof raw.application === 'string' ? raw.application : '';
    const hs = this.handlers.get(application);
    if (!hs) return;
    const s = conn.server;
    const e: AriEvent = {
      serverId: s.id, clusterId: s.clusterId, tenantId: s.tenantId, type: String(raw.type ?? ''), application,
      timestamp: String(raw.timestamp ?? ''), raw,
      ...(raw.channel ? { channel: channelView(raw.channel) } : {}),
      ...(Array.isArray(raw.args) ? { args: raw.args.map(String) } : {}),
      ...(typeof raw.cause === 'number' ? { cause: raw.cause } : {}),
      ...(typeof raw.cause_txt === 'string' ? { cause_txt: raw.cause_txt } : {}),
      ...(typeof raw.tech_cause === 'number' ? { tech_cause: raw.tech_cause } : {}),
      ...(typeof raw.digit === 'string' ? { digit: raw.digit } : {}),
      ...(raw.playback && typeof raw.playback === 'object' ? { playback: raw.playback as AriEvent['playback'] } : {}),
    };
    for (const h of hs) {
      try {
        const r = (h as (e: AriEvent) => unknown)(e);
        if (r instanceof Promise) r.catch((err: Error) => this.logger.warn({ err: err.message, app: application, type: e.type }, 'ARI event handler failed'));
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, app: application, type: e.type }, 'ARI event handler failed');
      }
    }
  }

  private appsChanged(): void {
    const apps = [...this.handlers.keys()];
    for (const c of this.conns.values()) c.socket.setApps(apps);
  }

  /** Per server: is the socket up, with which apps, and the last error. */
  status(): { serverId: number; name: string; connected: boolean; apps: readonly string[]; opens: number; lastError: string | null }[] {
    return [...this.conns.values()].map((c) => ({ serverId: c.server.id, name: c.server.name, connected: c.connected, apps: c.socket.registered, opens: c.socket.opens, lastError: c.socket.lastError }));
  }

  async stop(): Promise<void> {
    for (const id of [...this.conns.keys()]) this.drop(id);
  }

  private conn(serverId: number): Conn {
    const c = this.conns.get(serverId);
    if (!c) throw new AriUnavailableError(`server ${serverId} has no ARI in acm (unknown, disabled, or no ARI user and password)`, { serverId });
    return c;
  }

  private req(serverId: number, method: 'GET' | 'POST' | 'DELETE', path: string, query?: Record<string, string | number | undefined>, body?: unknown) {
    return ariRequest(this.conn(serverId).target, method, path, { query, body, timeoutMs: this.opts.requestTimeoutMs });
  }

  /** The AriService plugins get. */
  service(): AriService {
    const enc = encodeURIComponent;
    return {
      app: (name, handler) => {
        checkApp(name);
        let hs = this.handlers.get(name);
        const added = !hs;
        if (!hs) this.handlers.set(name, (hs = new Set()));
        hs.add(handler);
        if (added) this.appsChanged();
        return () => {
          const cur = this.handlers.get(name);
          if (!cur?.delete(handler) || cur.size > 0) return;
          this.handlers.delete(name);
          this.appsChanged();
        };
      },
      connected: (app, clusterId) => [...this.conns.values()]
        .filter((c) => c.connected && c.socket.registered.includes(app) && (clusterId === undefined || c.server.clusterId === clusterId))
        .map((c) => ({ serverId: c.server.id, clusterId: c.server.clusterId, name: c.server.name })),
      originate: async (serverId, call) => {
        checkOriginate(call);
        const raw = await this.req(serverId, 'POST', '/channels', {
          endpoint: call.endpoint, app: call.app, appArgs: call.appArgs?.length ? call.appArgs.join(',') : undefined,
          context: call.dialplan?.context, extension: call.dialplan?.extension, priority: call.dialplan ? call.dialplan.priority ?? 1 : undefined,
          callerId: call.callerId, timeout: call.timeoutSeconds, channelId: call.channelId,
        }, call.variables && Object.keys(call.variables).length ? { variables: call.variables } : undefined);
        return channelView(raw)!;
      },
      answer: async (serverId, channelId) => {
        checkIds({ channelId });
        await this.req(serverId, 'POST', `/channels/${enc(channelId)}/answer`);
      },
      play: async (serverId, channelId, media, playbackId) => {
        const list = Array.isArray(media) ? media : [media];
        checkPlay(channelId, list, playbackId);
        const r = await this.req(serverId, 'POST', `/channels/${enc(channelId)}/play`, { media: list.join(','), playbackId }) as { id?: string };
        return { id: String(r?.id ?? playbackId ?? '') };
      },
      continueInDialplan: async (serverId, channelId, to) => {
        checkContinue(channelId, to);
        await this.req(serverId, 'POST', `/channels/${enc(channelId)}/continue`, { context: to.context, extension: to.extension, priority: to.priority ?? 1 });
      },
      hangup: async (serverId, channelId, reason) => {
        checkIds({ channelId });
        if (reason !== undefined) checkChoice('reason', reason, HANGUP_REASONS);
        await this.req(serverId, 'DELETE', `/channels/${enc(channelId)}`, { reason });
      },
      createBridge: async (serverId, type = 'mixing') => {
        checkChoice('type', type, BRIDGE_TYPES);
        const r = await this.req(serverId, 'POST', '/bridges', { type, bridgeId: `acm-${randomUUID()}` }) as { id?: string };
        return { id: String(r?.id) };
      },
      addToBridge: async (serverId, bridgeId, channelIds) => {
        checkIds({ bridgeId, channelIds });
        await this.req(serverId, 'POST', `/bridges/${enc(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
      },
      destroyBridge: async (serverId, bridgeId) => {
        checkIds({ bridgeId });
        await this.req(serverId, 'DELETE', `/bridges/${enc(bridgeId)}`);
      },
    };
  }
}
