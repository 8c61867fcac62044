import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Acm } from '../app.ts';
import { SESSION_COOKIE } from '../auth/auth-service.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { visibleTo, type Placed } from '../../sdk/scope.ts';
import { BATCH_PROGRESS_SUBJECT } from '../batch/batch.ts';
import { BROWSER_PATTERNS, MODEL_CHANGED_SUBJECT } from '../bus/subjects.ts';
import type { ModelChanged } from '../model/plugin-writes.ts';
import { forwardPluginEvents } from './plugin-events.ts';

export { visibleTo } from '../../sdk/scope.ts';

function tokenOf(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams.get('token');
  if (q) return q;
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie?.slice(SESSION_COOKIE.length + 1);
}

/**
 * `GET /api/events` (WebSocket): live changes of extensions, trunks and servers, commit progress,
 * `{type: 'changes'}` after a configuration write and the plugin events plugins declared
 * (`{type: 'plugin', …}`), as JSON messages, each filtered by the caller's tenant and scope. Login by session cookie, bearer token or `?token=` (for clients
 * that cannot set headers).
 */
export function attachEvents(server: Server, acm: Acm): { clients(): number; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const sockets = new Map<WebSocket, Principal>();
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/api/events') {
      socket.destroy();
      return;
    }
    const token = tokenOf(req);
    void (token ? acm.auth.authenticate(acm.orm.em.fork(), token) : Promise.resolve(null)).then((p) => {
      if (!p) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n{"type":"urn:acm:unauthorized","title":"Unauthorized","status":401,"detail":"Authentication required"}');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.set(ws, p);
        ws.on('close', () => sockets.delete(ws));
        ws.on('error', () => sockets.delete(ws));
        ws.send(JSON.stringify({ type: 'hello', servers: acm.connections.status().filter((s) => visibleTo(p, s)) }));
      });
    }).catch(() => socket.destroy());
  });
  const send = (type: string) => (msg: { data: Placed }) => {
    let text: string | undefined;
    for (const [ws, p] of sockets) {
      // A client that cannot keep up is dropped rather than buffered without bound.
      if (ws.bufferedAmount > 1_000_000) ws.terminate();
      else if (visibleTo(p, msg.data)) ws.send((text ??= JSON.stringify(type === 'server' ? { type, ...msg.data } : msg.data)));
    }
  };
  const unsubs = [
    forwardPluginEvents(acm, sockets),
    acm.bus.subscribe<Placed>(BROWSER_PATTERNS.live, send('live')),
    acm.bus.subscribe<Placed>(BROWSER_PATTERNS.server, send('server')),
    acm.bus.subscribe<Placed>(BROWSER_PATTERNS.commit, send('commit')),
    // "The changes waiting may have changed": no detail, the client asks GET /api/changes (scoped).
    // Only for writes that name their tenant (ctx.db.write); audit-only ones changed no rendered file.
    acm.bus.subscribe<ModelChanged>(MODEL_CHANGED_SUBJECT, (msg) => {
      const { tenantId, clusterIds } = msg.data;
      if (typeof tenantId !== 'number' || clusterIds?.length === 0) return;
      for (const [ws, p] of sockets) {
        if (!p.can('core.revision:read') || (p.tenantId !== null && p.tenantId !== tenantId)) continue;
        if (ws.bufferedAmount > 1_000_000) ws.terminate();
        else ws.send('{"type":"changes"}');
      }
    }),
    // Batch and import progress goes to the user who started it.
    acm.bus.subscribe<{ kind: string; done: number; total: number; username?: string }>(BATCH_PROGRESS_SUBJECT, (msg) => {
      const text = JSON.stringify({ type: 'batch', ...msg.data });
      for (const [ws, p] of sockets) if (p.username === msg.data.username) ws.send(text);
    }),
  ];
  server.on('close', () => { for (const u of unsubs) u(); wss.close(); });
  return {
    clients: () => sockets.size,
    close() {
      for (const u of unsubs) u();
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
    },
  };
}
