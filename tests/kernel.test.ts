import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAcm } from '../core/app.ts';
import { startTestKernel, testDatabase, type TestKernel } from '../sdk/testing/kernel.ts';
import { pluginRoot, type FakePlugin } from './helpers/plugin-root.ts';
import { generateLicenseKeys, issueLicense } from '../core/licensing/license.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function boot(plugins: FakePlugin[], siteYaml: string): Promise<TestKernel> {
  const root = pluginRoot(plugins, siteYaml);
  cleanups.push(root.remove);
  const k = await startTestKernel({ rootDir: root.dir, site: root.site });
  cleanups.push(() => k.stop());
  return k;
}

async function bootFails(plugins: FakePlugin[], siteYaml: string): Promise<Error> {
  const root = pluginRoot(plugins, siteYaml);
  cleanups.push(root.remove);
  const db = await testDatabase();
  cleanups.push(() => db.drop());
  try {
    const acm = await createAcm({ rootDir: root.dir, site: root.site, dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: 'x'.repeat(12), logger: pino({ level: 'silent' }) });
    await acm.close();
  } catch (err) {
    return err as Error;
  }
  throw new Error('start-up did not fail');
}

describe('kernel', () => {
  it('starts enabled plugins in dependency order and mounts their routes', async () => {
    const order: string[] = [];
    (globalThis as any).__order = order;
    const setup = (id: string) => `(globalThis as any).__order.push('${id}');`;
    const k = await boot(
      [{ id: 'alpha', requires: ['beta'], setup: setup('alpha') }, { id: 'beta', setup: setup('beta') }, { id: 'gamma', setup: setup('gamma') }],
      'name: test\nplugins:\n  alpha: true\n  beta: true\n  gamma: false\n',
    );
    expect(order).toEqual(['beta', 'alpha']);
    expect((await k.admin.json('GET', '/api/plugins/alpha/hello')).body).toEqual({ plugin: 'alpha' });
    const gamma = await k.admin.json('GET', '/api/plugins/gamma/hello');
    expect(gamma.status).toBe(404);
    const list = (await k.admin.json('GET', '/api/plugins')).body as { id: string; enabled: boolean; started: boolean }[];
    expect(list.map((p) => [p.id, p.enabled, p.started])).toEqual([['alpha', true, true], ['beta', true, true], ['gamma', false, false]]);
  });

  it('refuses to start when an enabled plugin requires one that is missing', async () => {
    const err = await bootFails([{ id: 'dialer', requires: ['queues'] }], 'name: test\nplugins:\n  dialer: true\n');
    expect(err.message).toBe('plugin "dialer" requires "queues", which is not installed');
  });

  it('refuses to start on a cycle, naming the plugins', async () => {
    const err = await bootFails([{ id: 'aa', requires: ['bb'] }, { id: 'bb', requires: ['aa'] }], 'name: test\nplugins:\n  aa: true\n  bb: true\n');
    expect(err.message).toBe('plugin dependency cycle: aa -> bb -> aa');
  });

  it('refuses a manifest with an unknown key or a foreign permission', async () => {
    const err = await bootFails([{ id: 'bad', manifestExtra: "colour: 'red'," }], 'name: test\nplugins:\n  bad: true\n');
    expect(err.message).toMatch(/invalid manifest in .*bad\/manifest.ts: .*colour/);
  });

  it('skips a broken plugin the site does not enable', async () => {
    const k = await boot([{ id: 'bad', manifestExtra: "colour: 'red'," }, { id: 'good' }], 'name: test\nplugins:\n  good: true\n');
    expect(k.acm.kernel.list().map((p) => p.id)).toEqual(['good']);
  });

  it('fails start when two plugins register the same extension-point key', async () => {
    const tile = "ctx.extend(sdk.statusTiles, 'same', { title: 't', render: () => ({ state: 'green', summary: '' }) });";
    const err = await bootFails([{ id: 'one', setup: tile }, { id: 'two', setup: tile }], 'name: test\nplugins:\n  one: true\n  two: true\n');
    expect(err.message).toBe('extension point "core.statusTiles": key "same" registered twice, by "one" and "two"');
  });

  it('names the plugin whose setup throws', async () => {
    const err = await bootFails([{ id: 'broken', setup: "throw new Error('no database for me');" }], 'name: test\nplugins:\n  broken: true\n');
    expect(err.message).toBe('plugin "broken" failed in setup: no database for me');
  });

  it('refuses a service of a plugin that is not required', async () => {
    const err = await bootFails([
      { id: 'provider', setup: "ctx.provide(sdk.createServiceRef<number>('provider.answer'), 42);" },
      { id: 'user', setup: "ctx.get(sdk.createServiceRef<number>('provider.answer'));" },
    ], 'name: test\nplugins:\n  provider: true\n  user: true\n');
    expect(err.message).toBe('plugin "user" uses service "provider.answer" of "provider" without requiring "provider"');
  });

  it('lets a site module use a required plugin\'s service and extend the status tiles', async () => {
    const k = await boot([
      { id: 'provider', setup: "ctx.provide(sdk.createServiceRef<number>('provider.answer'), 42);" },
      {
        id: 'sitemod', site: true, requires: ['provider'],
        setup: "const n = ctx.get(sdk.createServiceRef<number>('provider.answer')); ctx.extend(sdk.statusTiles, 'itsp', { title: 'ITSP', render: () => ({ state: 'orange', summary: `answer ${n}` }) });"
          + " ctx.http.route('GET', '/tiles', 'sitemod.thing:read', async () => Promise.all([...ctx.registrations(sdk.statusTiles).values()].map((t) => t.render())));",
      },
    ], 'name: test\nplugins:\n  provider: true\n  sitemod: true\n');
    expect(k.acm.kernel.list().find((p) => p.id === 'sitemod')?.source).toBe('site');
    expect((await k.admin.json('GET', '/api/plugins/sitemod/tiles')).body).toEqual([{ state: 'orange', summary: 'answer 42' }]);
  });

  it('does not start a plugin the license does not cover', async () => {
    const keys = generateLicenseKeys();
    const root = pluginRoot([{ id: 'fax', license: 'fax' }, { id: 'free' }, { id: 'faxtile', requires: ['fax'] }], 'name: test\nplugins:\n  fax: true\n  free: true\n  faxtile: true\n');
    cleanups.push(root.remove);
    const db = await testDatabase();
    cleanups.push(() => db.drop());
    const opts = { rootDir: root.dir, site: root.site, dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: 'x'.repeat(12), logger: pino({ level: 'silent' }), licenseKeys: [keys.publicKeyPem] };
    const first = await createAcm(opts);
    expect(first.kernel.isActive('fax')).toBe(true);
    const text = issueLicense(keys.privateKeyPem, {
      id: 'l1', customer: 'ACME', type: 'full', features: ['queues'], maxExtensions: null,
      issuedAt: new Date().toISOString(), expiresAt: null,
    });
    await first.license.install(first.orm.em.fork(), text);
    await first.close();
    const second = await createAcm(opts);
    cleanups.push(() => second.close());
    expect(second.kernel.isActive('fax')).toBe(false);
    expect(second.kernel.isActive('free')).toBe(true);
    // Its dependent is skipped too, and acm still starts.
    expect(second.kernel.isActive('faxtile')).toBe(false);
    await expect(second.kernel.enable('fax')).rejects.toThrow('plugin "fax" is not in the license');
  });

  it('enables and disables a plugin while running, refusing to break dependents', async () => {
    const k = await boot([{ id: 'base' }, { id: 'top', requires: ['base'] }], 'name: test\nplugins:\n  base: true\n  top: false\n');
    expect((await k.admin.json('GET', '/api/plugins/top/hello')).status).toBe(404);
    const en = await k.admin.json('POST', '/api/plugins/enable', { id: 'top' });
    expect(en.status).toBe(200);
    expect((await k.admin.json('GET', '/api/plugins/top/hello')).body).toEqual({ plugin: 'top' });
    const dis = await k.admin.json('POST', '/api/plugins/disable', { id: 'base' });
    expect(dis.status).toBe(409);
    expect(dis.body.detail).toBe('plugin "base" is required by "top"; disable it first');
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'top' })).status).toBe(200);
    expect((await k.admin.json('GET', '/api/plugins/top/hello')).status).toBe(404);
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'base' })).status).toBe(200);
    const again = await k.admin.json('POST', '/api/plugins/enable', { id: 'top' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('plugin "top" requires "base"; enable it first');
  });

  it('remembers an admin\'s choice over site.yaml across restarts', async () => {
    const root = pluginRoot([{ id: 'solo' }], 'name: test\nplugins:\n  solo: true\n');
    cleanups.push(root.remove);
    const db = await testDatabase();
    cleanups.push(() => db.drop());
    const opts = { rootDir: root.dir, site: root.site, dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: 'x'.repeat(12), logger: pino({ level: 'silent' }) };
    const first = await createAcm(opts);
    await first.kernel.disable('solo');
    await first.close();
    const second = await createAcm(opts);
    expect(second.kernel.isActive('solo')).toBe(false);
    await second.close();
  });
});
