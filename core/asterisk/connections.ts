import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { EventBus } from '../../sdk/bus.ts';
import { serverStatusSubject } from '../bus/subjects.ts';
import { ServerSchema, type Server } from '../model/entities.ts';
import { AmiClient, type AmiReconnectOptions } from './ami-client.ts';

/** What acm knows about one Asterisk server right now. */
export interface ServerStatus {
  serverId: number;
  name: string;
  tenantId: number;
  siteId: number;
  clusterId: number;
  host: string;
  connected: boolean;
  version: string | null;
  startedAt: string | null;
  reloadedAt: string | null;
  uptimeSeconds: number | null;
  currentCalls: number | null;
  lastError: string | null;
  since: string;
}

export interface ConnectionOptions {
  actionTimeoutMs: number;
  keepAliveMs: number;
  reconnect: AmiReconnectOptions;
}

export const defaultConnectionOptions: ConnectionOptions = {
  actionTimeoutMs: 10_000,
  keepAliveMs: 20_000,
  reconnect: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 },
};

/** Subject prefix of one server's events: `acm.<tenant>.<cluster>.<server>`. */
export function serverSubject(s: Pick<Server, 'tenantId' | 'clusterId' | 'id'>): string {
  return `acm.${s.tenantId}.${s.clusterId}.${s.id}`;
}

/** Parses `CoreStartupDate`+`CoreStartupTime` (server local time, as Asterisk prints it). */
function coreDate(date?: string, time?: string): string | null {
  if (!date || !time) return null;
  const d = new Date(`${date}T${time}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * One AMI connection per server, owned by the core. Each connection reconnects on its own with
 * back-off; events go on the bus under the server's subject; status changes are published on
 * `acm.<tenant>.<cluster>.<server>.server.status`.
 */
const loginOf = (s: Server) => createHash('sha256').update(JSON.stringify([s.amiUser ?? 'acm', s.amiSecret ?? ''])).digest('hex');

export class AsteriskConnections {
  private clients = new Map<number, AmiClient>();
  private statuses = new Map<number, ServerStatus>();
  /** What each client logged in with (hashed: a second plain copy of the secret helps nobody). */
  private logins = new Map<number, string>();

  constructor(
    private orm: MikroORM,
    private bus: EventBus,
    private logger: Logger,
    private opts: ConnectionOptions = defaultConnectionOptions,
  ) {}

  /** Connects to every enabled server and follows additions, changes and removals later via `sync`. */
  async start(): Promise<void> {
    await this.sync();
  }

  /** Brings the connection set in line with the servers table. */
  async sync(): Promise<void> {
    const servers = await this.orm.em.fork().find(ServerSchema, { enabled: true }, { orderBy: { id: 'asc' } });
    const wanted = new Map(servers.map((s) => [s.id, s]));
    for (const [id] of this.clients) {
      const s = wanted.get(id);
      const st = this.statuses.get(id);
      // A new address or new credentials: a fresh login (the old one may be refused, or revoked).
      if (!s || !st || st.host !== `${s.host}:${s.amiPort}` || this.logins.get(id) !== loginOf(s)) await this.drop(id);
    }
    for (const s of servers) if (!this.clients.has(s.id)) this.open(s);
  }

  private open(s: Server): void {
    const client = new AmiClient({
      host: s.host, port: s.amiPort, username: s.amiUser ?? 'acm', secret: s.amiSecret ?? '',
      events: 'on', actionTimeoutMs: this.opts.actionTimeoutMs, keepAliveMs: this.opts.keepAliveMs,
      reconnect: { enabled: true, ...this.opts.reconnect }, bus: this.bus, subjectPrefix: serverSubject(s),
      actionIdPrefix: `acm-${s.id}`, logger: this.logger.child({ server: s.name }),
    });
    const status: ServerStatus = {
      serverId: s.id, name: s.name, tenantId: s.tenantId, siteId: s.siteId, clusterId: s.clusterId, host: `${s.host}:${s.amiPort}`,
      connected: false, version: null, startedAt: null, reloadedAt: null, uptimeSeconds: null, currentCalls: null,
      lastError: null, since: new Date().toISOString(),
    };
    this.clients.set(s.id, client);
    this.statuses.set(s.id, status);
    this.logins.set(s.id, loginOf(s));
    client.events.on('connected', () => {
      this.update(s.id, { connected: true, lastError: null });
      void this.refreshCore(s.id);
    });
    client.events.on('disconnected', (err?: Error) => this.update(s.id, { connected: false, lastError: err?.message ?? 'disconnected' }));
    client.events.on('error', (err: Error) => this.update(s.id, { lastError: err.message }));
    client.events.on('event:Reload', () => void this.refreshCore(s.id));
    client.start();
  }

  /** Reads version, start and reload times from CoreSettings and CoreStatus. */
  async refreshCore(serverId: number): Promise<void> {
    const client = this.clients.get(serverId);
    if (!client?.connected) return;
    try {
      const [settings, core] = await Promise.all([client.action('CoreSettings'), client.action('CoreStatus')]);
      const startedAt = coreDate(core.get('CoreStartupDate'), core.get('CoreStartupTime'));
      this.update(serverId, {
        version: settings.get('AsteriskVersion') ?? null,
        startedAt,
        reloadedAt: coreDate(core.get('CoreReloadDate'), core.get('CoreReloadTime')),
        uptimeSeconds: startedAt ? Math.max(0, Math.round((Date.now() - Date.parse(startedAt)) / 1000)) : null,
        currentCalls: core.get('CoreCurrentCalls') === undefined ? null : Number(core.get('CoreCurrentCalls')),
      });
    } catch (err) {
      this.update(serverId, { lastError: (err as Error).message });
    }
  }

  private update(serverId: number, patch: Partial<ServerStatus>): void {
    const cur = this.statuses.get(serverId);
    if (!cur) return;
    const changed = Object.entries(patch).some(([k, v]) => cur[k as keyof ServerStatus] !== v);
    if (!changed) return;
    if (patch.connected !== undefined && patch.connected !== cur.connected) patch.since = new Date().toISOString();
    Object.assign(cur, patch);
    this.bus.publish(serverStatusSubject(cur), { ...cur });
  }

  client(serverId: number): AmiClient | undefined {
    return this.clients.get(serverId);
  }

  status(): ServerStatus[] {
    return [...this.statuses.values()].map((s) => ({
      ...s,
      uptimeSeconds: s.connected && s.startedAt ? Math.max(0, Math.round((Date.now() - Date.parse(s.startedAt)) / 1000)) : s.uptimeSeconds,
    }));
  }

  /** Resolves when every server is connected or the time is up; answers how many are. */
  async waitConnected(timeoutMs: number): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if ([...this.statuses.values()].every((s) => s.connected)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return [...this.statuses.values()].filter((s) => s.connected).length;
  }

  private async drop(id: number): Promise<void> {
    await this.clients.get(id)?.close();
    this.clients.delete(id);
    this.statuses.delete(id);
    this.logins.delete(id);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((id) => this.drop(id)));
  }
}
