import type Router from '@koa/router';
import type Koa from 'koa';
import type { Acm } from '../app.ts';
import { resource } from '../model/resources.ts';
import { trustHostKey } from '../asterisk/host-key-pins.ts';
import type { Principal } from '../../sdk/plugin.ts';

/** `POST /api/servers/:id/trust-host-key` `{fingerprint?}`: pin the server's current (or the given) SSH host key. */
export function serverRoutes(router: Router, acm: Acm, need: (ctx: Koa.Context, permission: string) => Principal): void {
  router.post('/servers/:id/trust-host-key', async (ctx) => {
    const p = need(ctx, 'core.server:trust');
    const id = Number((ctx.params as { id: string }).id);
    await acm.crud.get(p, resource('servers'), id); // the caller must see the server (tenant, scope)
    ctx.body = await trustHostKey(acm.orm, id, ctx.request.body, { username: p.username, userId: p.userId, ip: ctx.ip });
  });
}
