/**
 * Simulated ARI: HTTP (node:http) + WebSocket (`ws`) on one port, answering like the recorded
 * Asterisk 20 (status lines, `Content-type` spelling, 401/404 bodies) and serving minimal
 * Swagger 1.1 api-docs so that the `ari-client` package can connect.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ASTERISK_VERSION, ENTITY_ID } from './defaults.ts';
import { ariTimestamp, type PbxState } from './state.ts';
import { AriCalls, type AriCallHooks, type AriReply } from './ari-calls.ts';

export interface AriServerOptions {
  /** username -> password */
  users: Record<string, string>;
  calls: AriCallHooks;
}

interface Op {
  method: 'GET' | 'POST' | 'DELETE';
  nickname: string;
  responseClass: string;
  params?: Array<{ name: string; paramType: 'path' | 'query'; required?: boolean; dataType?: string }>;
}

interface Api {
  path: string;
  ops: Op[];
}

const p = (name: string): { name: string; paramType: 'path'; required: true; dataType: string } => ({ name, paramType: 'path', required: true, dataType: 'string' });

/** The resources we serve (swagger path -> operations). */
const RESOURCES: Record<string, Api[]> = {
  asterisk: [
    { path: '/asterisk/info', ops: [{ method: 'GET', nickname: 'getInfo', responseClass: 'AsteriskInfo', params: [{ name: 'only', paramType: 'query', dataType: 'string' }] }] },
    { path: '/asterisk/ping', ops: [{ method: 'GET', nickname: 'ping', responseClass: 'AsteriskPing' }] },
    { path: '/asterisk/modules/{moduleName}', ops: [{ method: 'GET', nickname: 'getModule', responseClass: 'Module', params: [p('moduleName')] }] },
  ],
  endpoints: [
    { path: '/endpoints', ops: [{ method: 'GET', nickname: 'list', responseClass: 'List[Endpoint]' }] },
    { path: '/endpoints/{tech}', ops: [{ method: 'GET', nickname: 'listByTech', responseClass: 'List[Endpoint]', params: [p('tech')] }] },
    { path: '/endpoints/{tech}/{resource}', ops: [{ method: 'GET', nickname: 'get', responseClass: 'Endpoint', params: [p('tech'), p('resource')] }] },
  ],
  channels: [
    { path: '/channels', ops: [{ method: 'GET', nickname: 'list', responseClass: 'List[Channel]' }] },
    {
      path: '/channels/{channelId}',
      ops: [
        { method: 'GET', nickname: 'get', responseClass: 'Channel', params: [p('channelId')] },
        { method: 'DELETE', nickname: 'hangup', responseClass: 'void', params: [p('channelId'), { name: 'reason', paramType: 'query', dataType: 'string' }] },
      ],
    },
  ],
  bridges: [{ path: '/bridges', ops: [{ method: 'GET', nickname: 'list', responseClass: 'List[Bridge]' }] }],
  applications: [
    { path: '/applications', ops: [{ method: 'GET', nickname: 'list', responseClass: 'List[Application]' }] },
    { path: '/applications/{applicationName}', ops: [{ method: 'GET', nickname: 'get', responseClass: 'Application', params: [p('applicationName')] }] },
  ],
  events: [],
};

const EVENT_MODELS: Record<string, Record<string, { type: string }>> = {
  Message: { type: { type: 'string' } },
  Event: { type: { type: 'string' }, application: { type: 'string' }, timestamp: { type: 'Date' } },
  StasisStart: { type: { type: 'string' }, application: { type: 'string' }, args: { type: 'List[string]' }, channel: { type: 'Channel' } },
  StasisEnd: { type: { type: 'string' }, application: { type: 'string' }, channel: { type: 'Channel' } },
  ChannelStateChange: { type: { type: 'string' }, application: { type: 'string' }, channel: { type: 'Channel' } },
  ChannelDestroyed: { type: { type: 'string' }, application: { type: 'string' }, cause: { type: 'int' }, cause_txt: { type: 'string' }, channel: { type: 'Channel' } },
  EndpointStateChange: { type: { type: 'string' }, application: { type: 'string' }, endpoint: { type: 'Endpoint' } },
  ContactStatusChange: { type: { type: 'string' }, application: { type: 'string' }, endpoint: { type: 'Endpoint' }, contact_info: { type: 'ContactInfo' } },
  PeerStatusChange: { type: { type: 'string' }, application: { type: 'string' }, endpoint: { type: 'Endpoint' }, peer: { type: 'Peer' } },
  ApplicationReplaced: { type: { type: 'string' }, application: { type: 'string' } },
};

const json = (o: unknown): string => JSON.stringify(o);

export class AriServer {
  private server: http.Server | undefined;
  private wss = new WebSocketServer({ noServer: true });
  private sockets = new Set<{ ws: WebSocket; apps: string[]; subscribeAll: boolean }>();
  private readonly onAri = (e: Record<string, unknown>) => this.deliver(e);
  port = 0;
  readonly calls: AriCalls;

  constructor(private readonly state: PbxState, private readonly opts: AriServerOptions) {
    this.calls = new AriCalls(state, opts.calls);
  }

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('upgrade', (req, sock, head) => this.upgrade(req, sock, head));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    this.state.on('ari', this.onAri);
    return this.port;
  }

  async stop(): Promise<void> {
    this.state.off('ari', this.onAri);
    this.calls.stop();
    for (const s of this.sockets) s.ws.terminate();
    this.sockets.clear();
    this.state.ariApps.clear();
    const srv = this.server;
    this.server = undefined;
    if (srv) {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    this.wss.close();
  }

  /** Drop every ARI WebSocket (clients see a close and may reconnect). */
  dropWebSockets(): void {
    for (const s of this.sockets) s.ws.terminate();
  }

  private authOk(req: http.IncomingMessage, url: URL): boolean {
    const key = url.searchParams.get('api_key');
    let user: string | undefined;
    let pass: string | undefined;
    if (key !== null) {
      const i = key.indexOf(':');
      user = key.slice(0, i);
      pass = key.slice(i + 1);
    } else {
      const h = req.headers.authorization ?? '';
      const m = /^Basic\s+(.+)$/i.exec(h);
      if (m) {
        const dec = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
        const i = dec.indexOf(':');
        user = dec.slice(0, i);
        pass = dec.slice(i + 1);
      }
    }
    return user !== undefined && this.opts.users[user] !== undefined && this.opts.users[user] === pass;
  }

  private baseHeaders(): Record<string, string> {
    return { Server: `Asterisk/${ASTERISK_VERSION}`, Date: new Date().toUTCString(), 'Cache-Control': 'no-cache, no-store' };
  }

  private send(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}, reason?: string): void {
    const text = body === undefined ? '' : json(body);
    if (reason) res.statusMessage = reason;
    res.writeHead(status, { ...this.baseHeaders(), ...extra, ...(body === undefined ? {} : { 'Content-type': 'application/json' }), 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    if (path.startsWith('/ari/api-docs/')) {
      this.apiDocs(req, res, path.slice('/ari/api-docs/'.length));
      return;
    }
    if (!path.startsWith('/ari/')) {
      res.writeHead(404, { ...this.baseHeaders(), 'Content-type': 'text/html', 'Content-Length': '0' });
      res.end();
      return;
    }
    if (!this.authOk(req, url)) {
      this.send(res, 401, { message: 'Authentication required' }, { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' });
      return;
    }
    const seg = path.slice('/ari/'.length).split('/').map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      let body: Record<string, unknown> | undefined;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> : undefined;
      } catch {
        this.send(res, 400, { message: 'Failed to parse request body' });
        return;
      }
      const route = this.calls.route(seg, method, url.searchParams, body) ?? this.route(seg, method, url);
      if (route === 'not-found') this.send(res, 404, { message: 'Resource not found' });
      else if (typeof route === 'object' && 'allow' in route) this.send(res, 405, { message: 'Invalid method' }, { Allow: route.allow });
      else this.send(res, route.status, route.body, {}, route.reason);
    });
  }

  private route(seg: string[], method: string, url: URL): 'not-found' | { allow: string } | AriReply {
    const s = this.state;
    const get = (fn: () => { status: number; body: unknown }) => (method === 'GET' ? fn() : { allow: 'OPTIONS,GET' });
    const [a, b, c, d] = seg;
    if (a === 'asterisk' && b === 'info' && seg.length === 2) return get(() => ({ status: 200, body: this.info() }));
    if (a === 'asterisk' && b === 'ping' && seg.length === 2) return get(() => ({ status: 200, body: { ping: 'pong', timestamp: ariTimestamp(new Date()), asterisk_id: ENTITY_ID } }));
    if (a === 'asterisk' && b === 'variable' && seg.length === 2) {
      return get(() => (url.searchParams.get('variable') ? { status: 200, body: { value: '' } } : { status: 400, body: { message: 'Variable name is required' } }));
    }
    if (a === 'asterisk' && b === 'modules' && c && seg.length === 3) {
      return get(() => (s.hasModule(c) ? { status: 200, body: { name: c, description: 'Simulated module', use_count: 0, status: 'Running', support_level: 'core' } } : { status: 404, body: { message: 'Module could not be found in running modules' } }));
    }
    if (a === 'endpoints') {
      if (seg.length === 1) return get(() => ({ status: 200, body: s.endpointNames().map((n) => s.ariEndpoint(n)) }));
      if (seg.length === 2) return get(() => (b === 'PJSIP' ? { status: 200, body: s.endpointNames().map((n) => s.ariEndpoint(n)) } : { status: 404, body: { message: 'No Endpoints found - invalid tech' } }));
      if (seg.length === 3) return get(() => (b === 'PJSIP' && c && s.pjsip.get('endpoint', c) ? { status: 200, body: s.ariEndpoint(c) } : { status: 404, body: { message: 'Endpoint not found' } }));
    }
    if (a === 'channels') {
      if (seg.length === 1) return get(() => ({ status: 200, body: [...s.channels.values()].map((x) => s.ariChannel(x)) }));
      if (seg.length === 2 && b) {
        const ch = [...s.channels.values()].find((x) => x.uniqueid === b);
        if (method === 'GET') return ch ? { status: 200, body: s.ariChannel(ch) } : { status: 404, body: { message: 'Channel not found' } };
        if (method === 'DELETE') {
          if (!ch) return { status: 404, body: { message: 'Channel not found' } };
          s.hangup(ch, 16, { destination: ch.exten });
          return { status: 204, body: undefined };
        }
        return { allow: 'OPTIONS,GET,DELETE' };
      }
    }
    if (a === 'sounds' && b && seg.length === 2) return get(() => ({ status: 200, body: { id: b, formats: [{ language: 'en', format: 'gsm' }] } }));
    if (a === 'applications') {
      if (seg.length === 1) return get(() => ({ status: 200, body: [...s.ariApps.keys()].map((n) => this.app(n)) }));
      if (seg.length === 2 && b) return get(() => (s.ariApps.has(b) ? { status: 200, body: this.app(b) } : { status: 404, body: { message: 'Application not found' } }));
    }
    void d;
    return 'not-found';
  }

  private app(name: string): Record<string, unknown> {
    return { name, channel_ids: [...this.state.channels.values()].filter((c) => c.app === 'Stasis' && c.appData.split(',')[0] === name).map((c) => c.uniqueid), bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] };
  }

  private info(): Record<string, unknown> {
    return {
      build: { os: 'Linux', kernel: 'simulated', machine: 'x86_64', options: 'OPTIONAL_API', date: '2026-11-23 06:38:32 UTC', user: 'root' },
      system: { version: ASTERISK_VERSION, entity_id: ENTITY_ID },
      config: { name: this.state.systemName, default_language: 'en', setid: { user: '', group: '' } },
      status: { startup_time: ariTimestamp(this.state.startedAt), last_reload_time: ariTimestamp(this.state.lastReloadAt) },
    };
  }

  private apiDocs(req: http.IncomingMessage, res: http.ServerResponse, file: string): void {
    const host = req.headers.host ?? `127.0.0.1:${this.port}`;
    const basePath = `http://${host}/ari`;
    if (file === 'resources.json') {
      this.send(res, 200, {
        _copyright: 'Simulated by acm',
        apiVersion: '10.0.0',
        swaggerVersion: '1.1',
        basePath,
        apis: Object.keys(RESOURCES).map((r) => ({ path: `/api-docs/${r}.{format}`, description: r })),
      });
      return;
    }
    const name = file.replace(/\.json$/, '');
    const apis = RESOURCES[name];
    if (!apis) {
      this.send(res, 404, { message: 'Resource not found' });
      return;
    }
    const doc: Record<string, unknown> = {
      apiVersion: '10.0.0',
      swaggerVersion: '1.1',
      basePath,
      resourcePath: `/api-docs/${name}.{format}`,
      apis: apis.map((a) => ({
        path: a.path,
        description: a.path,
        operations: a.ops.map((o) => ({
          httpMethod: o.method,
          summary: o.nickname,
          nickname: o.nickname,
          responseClass: o.responseClass,
          parameters: (o.params ?? []).map((x) => ({ name: x.name, description: x.name, paramType: x.paramType, required: x.required ?? false, allowMultiple: false, dataType: x.dataType ?? 'string' })),
        })),
      })),
      models: {},
    };
    if (name === 'events') {
      doc.apis = [{ path: '/events', description: 'Events', operations: [{ httpMethod: 'GET', upgrade: 'websocket', websocketProtocol: 'ari', summary: 'eventWebsocket', nickname: 'eventWebsocket', responseClass: 'Message', parameters: [{ name: 'app', paramType: 'query', required: true, allowMultiple: true, dataType: 'string' }] }] }];
      doc.models = Object.fromEntries(Object.entries(EVENT_MODELS).map(([id, props]) => [id, { id, properties: props }]));
    }
    this.send(res, 200, doc);
  }

  private upgrade(req: http.IncomingMessage, sock: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    sock.on('error', () => {});
    if (url.pathname.replace(/\/+$/, '') !== '/ari/events') {
      sock.end(`HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const hdr = (status: string, extra: string[], body: string, type?: string) =>
      [`HTTP/1.1 ${status}`, `Server: Asterisk/${ASTERISK_VERSION}`, `Date: ${new Date().toUTCString()}`, 'Cache-Control: no-cache, no-store', ...extra, ...(type ? [`Content-type: ${type}`] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
    if (!this.authOk(req, url)) {
      sock.end(hdr('401 Unauthorized', ['WWW-Authenticate: Basic realm="Asterisk REST Interface"'], json({ message: 'Authentication required' }), 'application/json'));
      return;
    }
    const apps = (url.searchParams.get('app') ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    if (apps.length === 0) {
      const html = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk/${ASTERISK_VERSION}</address>\r\n</body></html>\r\n`;
      // Real Asterisk answers twice, back to back.
      sock.write(hdr('400 Bad Request', [], html, 'text/html'));
      sock.end(hdr('400 Bad Request', ['Sec-WebSocket-Version: 7, 8, 13'], ''));
      return;
    }
    const subscribeAll = url.searchParams.get('subscribeAll') === 'true';
    this.wss.handleUpgrade(req, sock, head, (ws) => {
      const entry = { ws, apps, subscribeAll };
      this.sockets.add(entry);
      for (const a of apps) this.state.ariApps.set(a, (this.state.ariApps.get(a) ?? 0) + 1);
      ws.on('error', () => {});
      ws.on('close', () => {
        if (!this.sockets.delete(entry)) return;
        for (const a of apps) {
          const n = (this.state.ariApps.get(a) ?? 1) - 1;
          if (n <= 0) this.state.ariApps.delete(a);
          else this.state.ariApps.set(a, n);
        }
      });
    });
  }

  private deliver(e: Record<string, unknown>): void {
    const app = typeof e.application === 'string' ? e.application : undefined;
    for (const s of this.sockets) {
      if (app ? !s.apps.includes(app) : !s.subscribeAll) continue;
      const ev = app ? e : { ...e, application: s.apps[0] };
      try {
        s.ws.send(json(ev));
      } catch {
        /* socket closing */
      }
    }
  }
}
