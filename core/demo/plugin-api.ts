import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { AddressInfo } from 'node:net';
import type { Acm } from '../app.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { listen } from '../http/server.ts';
import { problemMiddleware } from '../http/problem.ts';
import { SeedError } from './seed.ts';

/** Answers the body of a 2xx; `allow` lists other statuses answered as `null`. */
export type Call = (method: string, path: string, body?: unknown, allow?: number[]) => Promise<any>;

/**
 * A plugin's routes in process, called as `user` on a loopback port of their own: the same
 * handlers, validation, ChangeSet and audit as a browser's calls. A failure is a SeedError
 * naming the call and the fields the API refused.
 */
export async function withPluginApi<T>(acm: Acm, user: Principal, fn: (call: Call) => Promise<T>): Promise<T> {
  const app = new Koa();
  app.use(problemMiddleware(acm.logger));
  app.use(bodyParser({ enableTypes: ['json'] }));
  app.use(async (ctx, next) => { ctx.state.principal = user; await next(); });
  app.use(acm.kernel.pluginRoutes());
  const server = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return await fn(async (method, path, body, allow = []) => {
      const res = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const out = await res.json().catch(() => null) as any;
      if (allow.includes(res.status)) return null;
      if (!res.ok) {
        const why = out?.problems?.length ? out.problems.map((p: { field: string; message: string }) => `${p.field}: ${p.message}`).join('; ') : out?.detail ?? res.statusText;
        throw new SeedError(`demo seed: ${method} ${path} answered ${res.status}: ${why}`);
      }
      return out;
    });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

