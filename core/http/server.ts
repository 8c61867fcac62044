import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { z } from 'zod';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Acm } from '../app.ts';
import { ACM_VERSION } from '../app.ts';
import { problemMiddleware } from './problem.ts';
import { commitRoutes } from './commit-routes.ts';
import { batchRoutes } from './batch-routes.ts';
import { userRoutes } from './user-routes.ts';
import { serverRoutes } from './server-routes.ts';
import { uiMiddleware } from './ui.ts';
import { openApiDocument } from './openapi.ts';
import { resources } from '../model/resources.ts';
import { parseInput } from '../model/crud-service.ts';
import { containsText } from '../model/search.ts';
import { SESSION_COOKIE } from '../auth/auth-service.ts';
import { BUILTIN_ROLES } from '../auth/roles.ts';
import { AuditEventSchema } from '../model/entities.ts';
import { ForbiddenError, UnauthorizedError } from '../../sdk/errors.ts';
import type { Principal } from '../../sdk/plugin.ts';
import { statusByCluster } from '../live/cluster-status.ts';

const LoginInput = z.strictObject({ username: z.string().min(1).max(80), password: z.string().min(1).max(1024), totp: z.string().max(10).optional() });
const PluginToggle = z.strictObject({ id: z.string().min(1) });
const TokenInput = z.strictObject({ name: z.string().min(1).max(80), ttlDays: z.number().int().positive().max(3650).optional() });
const AuditQuery = z.object({
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});

function principal(ctx: Koa.Context): Principal {
  const p = ctx.state.principal as Principal | undefined;
  if (!p) throw new UnauthorizedError();
  return p;
}

function need(ctx: Koa.Context, permission: string): Principal {
  const p = principal(ctx);
  if (!p.can(permission)) throw new ForbiddenError(`missing permission ${permission}`);
  return p;
}

/** The koa application: core API, plugin routes, problem+json errors. */
export function createHttpApp(acm: Acm): Koa {
  const app = new Koa({ proxy: process.env.ACM_TRUST_PROXY === '1' });
  const router = new Router({ prefix: '/api' });
  const { orm, auth, crud, kernel, license } = acm;

  app.use(problemMiddleware(acm.logger));
  // Over HTTPS (or behind a trusted proxy that says so) browsers must never come back over plain HTTP.
  app.use(async (ctx, next) => {
    if (ctx.secure) ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    await next();
  });
  const parseBody = bodyParser({ enableTypes: ['json', 'text'], jsonLimit: '2mb', textLimit: '20mb', encoding: 'utf-8' });
  app.use(async (ctx, next) => {
    let parsed = false;
    try {
      await parseBody(ctx, async () => { parsed = true; await next(); });
    } catch (err) {
      // An unreadable login body is a failed login like any other: same answer, no hint.
      if (!parsed && ctx.path === '/api/auth/login') throw new UnauthorizedError();
      throw err;
    }
  });
  app.use(async (ctx, next) => {
    const bearer = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1];
    const token = bearer ?? ctx.cookies.get(SESSION_COOKIE);
    if (token) ctx.state.principal = (await auth.authenticate(orm.em.fork(), token)) ?? undefined;
    await next();
  });

  router.get('/health', (ctx) => { ctx.body = { status: 'ok' }; });
  router.get('/openapi.json', (ctx) => { ctx.body = openApiDocument([...resources, ...kernel.resourceDefs()], ACM_VERSION); });

  router.post('/auth/login', async (ctx) => {
    const parsed = LoginInput.safeParse(ctx.request.body);
    // A malformed login is a failed login: the same answer, no hint.
    if (!parsed.success) throw new UnauthorizedError();
    const { token, user, expiresAt } = await auth.login(orm.em.fork(), { ...parsed.data, ip: ctx.ip });
    ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, expires: expiresAt, overwrite: true });
    ctx.body = { username: user.username, role: user.role, expiresAt };
  });
  router.post('/auth/logout', async (ctx) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) await auth.logout(orm.em.fork(), token);
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, expires: new Date(0), overwrite: true });
    ctx.status = 204;
  });
  router.get('/auth/me', (ctx) => {
    const p = principal(ctx);
    ctx.body = { userId: p.userId, username: p.username, role: p.role, tenantId: p.tenantId, scopes: p.scopes, permissions: p.permissions };
  });
  router.post('/auth/tokens', async (ctx) => {
    const p = principal(ctx);
    const input = parseInput(TokenInput, ctx.request.body);
    const token = await auth.createToken(orm.em.fork(), p.userId, input.name, input.ttlDays);
    await acm.audit.record({ action: 'auth.token.create', target: 'user', targetId: p.userId, username: p.username, userId: p.userId, after: { name: input.name }, ip: ctx.ip });
    ctx.status = 201;
    ctx.body = { name: input.name, token };
  });
  router.post('/auth/totp', async (ctx) => {
    const p = principal(ctx);
    ctx.body = await auth.enableTotp(orm.em.fork(), p.userId);
    await acm.audit.record({ action: 'auth.totp.enable', target: 'user', targetId: p.userId, username: p.username, userId: p.userId, ip: ctx.ip });
  });

  userRoutes(router, acm, need);
  serverRoutes(router, acm, need);
  router.get('/roles', (ctx) => {
    need(ctx, 'core.user:read');
    ctx.body = Object.entries(BUILTIN_ROLES).map(([name, r]) => ({ name, ...r }));
  });

  router.get('/plugins', (ctx) => {
    principal(ctx);
    ctx.body = kernel.list();
  });
  for (const action of ['enable', 'disable'] as const) {
    router.post(`/plugins/${action}`, async (ctx) => {
      const p = need(ctx, 'core.plugin:write');
      license.assertWritable();
      const { id } = parseInput(PluginToggle, ctx.request.body);
      ctx.body = action === 'enable' ? await kernel.enable(id) : await kernel.disable(id);
      await acm.audit.record({ action: `plugin.${action}`, target: 'plugin', targetId: id, username: p.username, userId: p.userId, ip: ctx.ip });
    });
  }

  router.get('/license', (ctx) => {
    principal(ctx);
    ctx.body = license.info();
  });
  router.post('/license', async (ctx) => {
    const p = need(ctx, 'core.license:write');
    const text = typeof ctx.request.body === 'string' ? ctx.request.body : JSON.stringify(ctx.request.body);
    ctx.body = await license.install(orm.em.fork(), text);
    await acm.audit.record({ action: 'license.install', target: 'license', username: p.username, userId: p.userId, after: ctx.body, ip: ctx.ip });
  });

  router.get('/status', async (ctx) => {
    ctx.body = await statusByCluster(acm, principal(ctx));
  });

  router.get('/audit', async (ctx) => {
    const p = need(ctx, 'core.audit:read');
    const q = parseInput(AuditQuery, ctx.query);
    const where: Record<string, unknown> = p.tenantId === null ? {} : { tenantId: p.tenantId };
    if (q.q) Object.assign(where, containsText(orm, 'AuditEvent', ['username', 'action', 'target', 'targetId', 'label'], q.q));
    const [items, total] = await orm.em.fork().findAndCount(AuditEventSchema, where, { orderBy: { id: 'desc' }, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    ctx.body = { items, total, page: q.page, pageSize: q.pageSize };
  });

  commitRoutes(router, acm, principal);
  // Before the generic routes: /extensions/export.csv must not be taken for /extensions/:id.
  batchRoutes(router, acm, principal);

  for (const res of resources) {
    const id = (ctx: Koa.Context) => Number((ctx.params as { id: string }).id);
    const actor = (ctx: Koa.Context) => ({ user: principal(ctx), ip: ctx.ip });
    router.get(`/${res.name}`, async (ctx) => { ctx.body = await crud.list(principal(ctx), res, ctx.query as Record<string, unknown>); });
    router.post(`/${res.name}`, async (ctx) => {
      ctx.body = await crud.create(actor(ctx), res, ctx.request.body, resources);
      ctx.status = 201;
    });
    router.get(`/${res.name}/:id`, async (ctx) => { ctx.body = await crud.get(principal(ctx), res, id(ctx)); });
    router.put(`/${res.name}/:id`, async (ctx) => { ctx.body = await crud.update(actor(ctx), res, id(ctx), ctx.request.body, resources); });
    router.delete(`/${res.name}/:id`, async (ctx) => {
      await crud.remove(actor(ctx), res, id(ctx));
      ctx.status = 204;
    });
    router.post(`/${res.name}/:id/copy`, async (ctx) => {
      ctx.body = await crud.copy(actor(ctx), res, id(ctx), ctx.request.body, resources);
      ctx.status = 201;
    });
  }

  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(kernel.pluginRoutes());
  app.use(uiMiddleware(acm));
  return app;
}

/** Listens over HTTPS when given a certificate and key (TLS 1.2 or later), else over plain HTTP. */
export function listen(app: Koa, port: number, host = '0.0.0.0', tls?: { cert: Buffer; key: Buffer }): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, app.callback()) : createHttpServer(app.callback());
    server.listen(port, host, () => resolveListen(server));
    // Longer than the clients' and proxies' idle timeouts, so the server is never the side that
    // closes a kept-alive connection just as a client reuses it.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.once('error', reject);
  });
}
