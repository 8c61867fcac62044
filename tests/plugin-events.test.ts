import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestKernel, type TestClient, type TestKernel } from '../sdk/testing/kernel.ts';
import { waitUntil } from '../sdk/testing/wait.ts';
import { busSubject } from '../sdk/bus.ts';
import type { PluginContext } from '../sdk/plugin.ts';
import { pluginRoot } from './helpers/plugin-root.ts';


/**
 * ctx.events.toBrowsers: a plugin's bus event reaches, over /api/events, the users who hold its
 * permission and see its placement — and nobody else.
 */
const g = globalThis as { __evtCtx?: PluginContext; __evtErrors?: string[] };
let k: TestKernel;
let root: ReturnType<typeof pluginRoot>;
let a: Record<string, any>;
let b: Record<string, any>;
let other: Record<string, any>;
const sockets: WebSocket[] = [];

/** A socket of one user, with every message it got. */
async function listen(c: TestClient): Promise<{ msgs: any[] }> {
  const token = (await c.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
  const msgs: any[] = [];
  const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${token}`);
  sockets.push(ws);
  ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
  await waitUntil(() => msgs.some((m) => m.type === 'hello'), 'the hello message');
  return { msgs };
}

async function user(username: string, body: Record<string, unknown>): Promise<TestClient> {
  await k.admin.create('/api/users', { username, password: `${username}-password-1`, ...body });
  const c = k.client();
  expect(await c.login(username, `${username}-password-1`)).toBe(200);
  return c;
}

const plugin = (m: { msgs: any[] }) => m.msgs.filter((x) => x.type === 'plugin');

beforeAll(async () => {
  g.__evtErrors = [];
  const tryCall = (code: string) => `try { ${code} } catch (e) { (globalThis as any).__evtErrors.push((e as Error).message); }`;
  root = pluginRoot([{
    id: 'evt',
    setup: [
      '(globalThis as any).__evtCtx = ctx;',
      "ctx.events.toBrowsers({ event: 'thing', permission: 'evt.thing:write' });",
      tryCall("ctx.events.toBrowsers({ event: 'other', permission: 'conference.room:read' });"),
      tryCall("ctx.events.toBrowsers({ event: 'two.parts', permission: 'evt.thing:read' });"),
    ].join('\n'),
  }], 'name: test\nplugins:\n  evt: true\n');
  k = await startTestKernel({ rootDir: root.dir, site: root.site });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  a = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon1' });
  b = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon2' });
  other = await k.admin.create('/api/tenants', { name: 'elsewhere' });
}, 60_000);

afterAll(async () => {
  for (const ws of sockets) ws.close();
  await k?.stop();
  root?.remove();
});

describe('plugin events to browsers', () => {
  it('refuses a permission not in the manifest, an event that is not one segment, and a late declaration', () => {
    expect(g.__evtErrors).toEqual([
      'plugin "evt": browser event "other" names permission "conference.room:read", not one of its manifest\'s',
      'plugin "evt": browser event "two.parts" is not one bus subject segment',
    ]);
    expect(() => g.__evtCtx!.events.toBrowsers({ event: 'late', permission: 'evt.thing:read' })).toThrow('plugin "evt": ctx.events.toBrowsers called after setup');
  });

  it('reaches a permitted user in scope; not another tenant, out of scope, or without the permission', async () => {
    const admin = await listen(k.admin);
    const inScope = await listen(await user('inscope', { role: 'admin', tenantId: 1, scopes: [{ type: 'cluster', id: a.id }] }));
    const outOfScope = await listen(await user('outscope', { role: 'admin', tenantId: 1, scopes: [{ type: 'cluster', id: b.id }] }));
    const otherTenant = await listen(await user('othertenant', { role: 'admin', tenantId: other.id }));
    const viewer = await listen(await user('viewer1', { role: 'viewer', tenantId: 1 }));
    const ctx = g.__evtCtx!;
    // Undeclared: nobody; tenant-wide and site-wide: only who sees the whole tenant / every tenant.
    ctx.bus.publish(busSubject({ tenantId: 1, clusterId: a.id, serverId: 4 }, 'evt', 'undeclared'), { n: 0 });
    ctx.bus.publish(busSubject({ tenantId: 1, clusterId: a.id, serverId: 4 }, 'evt', 'thing'), { n: 1 });
    ctx.bus.publish(busSubject({ tenantId: 1 }, 'evt', 'thing'), { n: 2 });
    ctx.bus.publish(busSubject({}, 'evt', 'thing'), { n: 3 });
    // A cluster of another tenant than the subject says: nobody.
    ctx.bus.publish(busSubject({ tenantId: other.id, clusterId: a.id }, 'evt', 'thing'), { n: 4 });
    ctx.bus.publish(busSubject({ tenantId: 1, clusterId: b.id }, 'evt', 'thing'), { n: 5 });
    await waitUntil(() => plugin(admin).length >= 4 && plugin(outOfScope).length >= 1, 'the events');
    await new Promise((r) => setTimeout(r, 100));
    const ns = (m: { msgs: any[] }) => plugin(m).map((x) => x.data.n);
    expect(plugin(admin)[0]).toEqual({ type: 'plugin', plugin: 'evt', event: 'thing', tenantId: 1, clusterId: a.id, serverId: 4, data: { n: 1 } });
    expect(ns(admin)).toEqual([1, 2, 3, 5]);
    expect(ns(inScope)).toEqual([1]);
    expect(ns(outOfScope)).toEqual([5]);
    expect(ns(otherTenant)).toEqual([]);
    expect(ns(viewer)).toEqual([]);
  });

  it('stops when the plugin is disabled', async () => {
    const admin = await listen(k.admin);
    const ctx = g.__evtCtx!;
    await k.acm.kernel.disable('evt');
    k.acm.bus.publish(busSubject({ tenantId: 1, clusterId: a.id }, 'evt', 'thing'), { n: 6 });
    await k.acm.kernel.enable('evt');
    g.__evtCtx!.bus.publish(busSubject({ tenantId: 1, clusterId: a.id }, 'evt', 'thing'), { n: 7 });
    await waitUntil(() => plugin(admin).length >= 1, 'the event after enabling again');
    await new Promise((r) => setTimeout(r, 50));
    expect(g.__evtCtx).not.toBe(ctx);
    expect(plugin(admin).map((x) => x.data.n)).toEqual([7]);
  });
});
