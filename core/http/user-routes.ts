import type Router from '@koa/router';
import type Koa from 'koa';
import type { Acm } from '../app.ts';
import { parseInput } from '../model/crud-service.ts';
import { SessionSchema, UserSchema, type User } from '../model/entities.ts';
import { hashPassword } from '../auth/auth-service.ts';
import { UserInput, UserUpdate } from '../auth/user-input.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../sdk/errors.ts';
import type { Principal } from '../../sdk/plugin.ts';

/** A user as the API shows it: never the hash or the TOTP secret. */
function view(u: User): Record<string, unknown> {
  const { passwordHash: _h, totpSecret, ...rest } = u;
  return { ...rest, totp: !!totpSecret };
}

/** Users: list, create, read, change (role, scopes, password, enabled) and delete. */
export function userRoutes(router: Router, acm: Acm, need: (ctx: Koa.Context, permission: string) => Principal): void {
  const { orm, auth } = acm;
  const find = async (ctx: Koa.Context, p: Principal): Promise<User> => {
    const id = Number((ctx.params as { id: string }).id);
    const u = Number.isInteger(id) ? await orm.em.fork().findOne(UserSchema, { id }) : null;
    if (!u || (p.tenantId !== null && u.tenantId !== p.tenantId)) throw new NotFoundError(`no user ${ctx.params.id}`);
    return u;
  };
  const admins = async () => (await orm.em.fork().find(UserSchema, { role: 'admin', enabled: true })).length;

  router.get('/users', async (ctx) => {
    const p = need(ctx, 'core.user:read');
    const users = await orm.em.fork().find(UserSchema, p.tenantId === null ? {} : { tenantId: p.tenantId }, { orderBy: { username: 'asc' } });
    ctx.body = { items: users.map(view), total: users.length, page: 1, pageSize: users.length };
  });

  router.post('/users', async (ctx) => {
    const p = need(ctx, 'core.user:write');
    const input = parseInput(UserInput, ctx.request.body);
    if (p.tenantId !== null && input.tenantId !== undefined && input.tenantId !== p.tenantId) throw new ForbiddenError('not your tenant');
    const user = await auth.createUser(orm.em.fork(), { ...input, tenantId: p.tenantId ?? input.tenantId ?? null });
    await acm.audit.record({ action: 'user.create', target: 'user', targetId: user.id, username: p.username, userId: p.userId, after: { username: user.username, role: user.role }, ip: ctx.ip });
    ctx.status = 201;
    ctx.body = view(user);
  });

  router.get('/users/:id', async (ctx) => {
    ctx.body = view(await find(ctx, need(ctx, 'core.user:read')));
  });

  router.put('/users/:id', async (ctx) => {
    const p = need(ctx, 'core.user:write');
    const input = parseInput(UserUpdate, ctx.request.body);
    const target = await find(ctx, p);
    const em = orm.em.fork();
    const u = await em.findOneOrFail(UserSchema, { id: target.id });
    const before = view({ ...u });
    const losesAdmin = u.role === 'admin' && ((input.role !== undefined && input.role !== 'admin') || input.enabled === false);
    if (losesAdmin && (await admins()) <= 1) throw new ConflictError('this is the last enabled admin');
    if (input.role !== undefined) {
      if (!(await auth.permissionsOf(em, input.role)).length) throw new ForbiddenError(`unknown role "${input.role}"`);
      u.role = input.role;
    }
    if (input.scopes !== undefined) u.scopes = input.scopes;
    if (input.enabled !== undefined) u.enabled = input.enabled;
    if (input.fullName !== undefined) u.fullName = input.fullName;
    if (input.email !== undefined) u.email = input.email;
    if (input.password !== undefined) u.passwordHash = await hashPassword(input.password);
    await em.flush();
    // New rights or a new password take effect now: the user's browser sessions end.
    if (input.password !== undefined || input.role !== undefined || input.scopes !== undefined || input.enabled === false) {
      await em.nativeDelete(SessionSchema, { userId: u.id, kind: 'session' });
    }
    await acm.audit.record({ action: 'user.update', target: 'user', targetId: u.id, username: p.username, userId: p.userId, before, after: view(u), ip: ctx.ip });
    ctx.body = view(u);
  });

  router.delete('/users/:id', async (ctx) => {
    const p = need(ctx, 'core.user:write');
    const u = await find(ctx, p);
    if (u.id === p.userId) throw new ConflictError('you cannot delete yourself');
    if (u.role === 'admin' && u.enabled && (await admins()) <= 1) throw new ConflictError('this is the last enabled admin');
    const em = orm.em.fork();
    await em.nativeDelete(SessionSchema, { userId: u.id });
    await em.nativeDelete(UserSchema, { id: u.id });
    await acm.audit.record({ action: 'user.delete', target: 'user', targetId: u.id, username: p.username, userId: p.userId, before: view(u), ip: ctx.ip });
    ctx.status = 204;
  });
}
