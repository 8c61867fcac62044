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
    const tile = "ctx.extend(sdk.createExtensionPoint<number>('one.tiles'), 'same', 1);";
    const err = await bootFails([{ id: 'one', setup: tile }, { id: 'two', setup: tile }], 'name: test\nplugins:\n  one: true\n  two: true\n');
    expect(err.message).toBe('extension point "one.tiles": key "same" registered twice, by "one" and "two"');
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

  it('lets a site module use a required plugin\'s service and extend its point, which the owner reads', async () => {
    const tiles = "sdk.createExtensionPoint<{ render(): unknown }>('provider.tiles')";
    const k = await boot([
      {
        id: 'provider',
        setup: `ctx.provide(sdk.createServiceRef<number>('provider.answer'), 42);`
          + ` ctx.http.route('GET', '/tiles', 'provider.thing:read', async () => Promise.all([...ctx.registrations(${tiles}).values()].map((t) => t.render())));`,
      },
      {
        id: 'sitemod', site: true, requires: ['provider'],
        setup: `const n = ctx.get(sdk.createServiceRef<number>('provider.answer')); ctx.extend(${tiles}, 'itsp', { render: () => ({ state: 'orange', summary: \`answer \${n}\` }) });`,
      },
    ], 'name: test\nplugins:\n  provider: true\n  sitemod: true\n');
    expect(k.acm.kernel.list().find((p) => p.id === 'sitemod')?.source).toBe('site');
    expect((await k.admin.json('GET', '/api/plugins/provider/tiles')).body).toEqual([{ state: 'orange', summary: 'answer 42' }]);
  });

  it('refuses a plugin reading an extension point of another plugin', async () => {
    const err = await bootFails([{ id: 'peek', setup: "ctx.registrations(sdk.createExtensionPoint('status.tiles'));" }], 'name: test\nplugins:\n  peek: true\n');
    expect(err.message).toBe('plugin "peek" reads extension point "status.tiles" of "status"; only its owner reads it');
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

  it('starts a plugin after an optional one that runs, finds its service at each use, and starts it alone', async () => {
    const g = globalThis as any;
    g.__optOrder = [];
    const plugins = [
      { id: 'rooms', setup: "(globalThis as any).__optOrder.push('rooms'); ctx.provide({ kind: 'service', id: 'rooms.service' }, { hello: () => 'rooms here' });" },
      { id: 'calls', optional: ['rooms'], setup: "(globalThis as any).__optOrder.push('calls'); (globalThis as any).__callsCtx = ctx;" },
    ];
    const k = await boot(plugins, 'name: test\nplugins:\n  calls: true\n  rooms: true\n');
    expect(g.__optOrder).toEqual(['rooms', 'calls']);
    const ctx = g.__callsCtx;
    expect(ctx.find({ kind: 'service', id: 'rooms.service' }).hello()).toBe('rooms here');
    // Disabling the optional plugin is allowed and seen at the next use; a plugin not listed is refused.
    await k.acm.kernel.disable('rooms');
    expect(ctx.find({ kind: 'service', id: 'rooms.service' })).toBeUndefined();
    expect(() => ctx.find({ kind: 'service', id: 'other.service' })).toThrow('plugin "calls" looks for service "other.service" of a plugin it does not require');
    await k.acm.kernel.enable('rooms');
    expect(ctx.find({ kind: 'service', id: 'rooms.service' }).hello()).toBe('rooms here');

    g.__optOrder = [];
    await boot(plugins, 'name: test\nplugins:\n  calls: true\n  rooms: false\n');
    expect(g.__optOrder).toEqual(['calls']);
    expect(g.__callsCtx.find({ kind: 'service', id: 'rooms.service' })).toBeUndefined();
  });

  it('waits for a job run in flight when a plugin stops, so nothing queries a closed database', async () => {
    const g = globalThis as any;
    g.__job = { started: false, done: false };
    const slowJob = "ctx.jobs.every(20, 'slow', async () => { (globalThis as any).__job.started = true; await new Promise((r) => setTimeout(r, 300)); (globalThis as any).__job.done = true; });";
    const k = await boot([{ id: 'slow', setup: slowJob }], 'name: test\nplugins:\n  slow: true\n');
    for (let i = 0; i < 100 && !g.__job.started; i++) await new Promise((r) => setTimeout(r, 10));
    expect(g.__job.started).toBe(true);
    await k.acm.kernel.disable('slow');
    expect(g.__job.done).toBe(true);
  });

  describe('registrations only during setup', () => {
    /** Each registration method of the context, called with harmless arguments. */
    const calls: [string, (ctx: any) => unknown][] = [
      ['http.route', (ctx) => ctx.http.route('GET', '/later', 'late.thing:read', () => ({}))],
      ['jobs.every', (ctx) => ctx.jobs.every(1000, 'later', () => undefined)],
      ['ami.on', (ctx) => ctx.ami.on('Newchannel', () => undefined)],
      ['bus.subscribe', (ctx) => ctx.bus.subscribe('acm.>', () => undefined)],
      ['cli.commands', (ctx) => ctx.cli.commands(() => undefined)],
      ['events.toBrowsers', (ctx) => ctx.events.toBrowsers({ event: 'later', permission: 'late.thing:read' })],
      ['commit.file', (ctx) => ctx.commit.file({ name: 'acm/later.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf', render: () => '' })],
      ['commit.replaceRenderer', (ctx) => ctx.commit.replaceRenderer('acm/extensions.acm.conf', () => '')],
      ['commit.target', (ctx) => ctx.commit.target({ name: 'later', render: () => [], reload: async () => undefined })],
      ['lifecycle.onStart', (ctx) => ctx.lifecycle.onStart(() => undefined)],
      ['lifecycle.onStop', (ctx) => ctx.lifecycle.onStop(() => undefined)],
      ['provide', (ctx) => ctx.provide({ kind: 'service', id: 'late.later' }, 1)],
      ['extend', (ctx) => ctx.extend({ kind: 'extension-point', id: 'late.points' }, 'later', 1)],
    ];

    it('throws on every registration after setup, naming the plugin and the call, and registers nothing', async () => {
      const k = await boot([{ id: 'late', setup: '(globalThis as any).__lateCtx = ctx;' }], 'name: test\nplugins:\n  late: true\n');
      const ctx = (globalThis as any).__lateCtx;
      for (const [name, call] of calls) expect(() => call(ctx), name).toThrow(`plugin "late": ctx.${name} called after setup`);
      expect(k.acm.kernel.cliRegistrars().filter((r) => r.id === 'late')).toEqual([]);
      expect((await k.admin.json('GET', '/api/plugins/late/later')).status).toBe(404);
      expect(k.acm.kernel.registrations({ kind: 'extension-point', id: 'late.points' }).size).toBe(0);
      expect(k.acm.commits.files.list().map((f) => [f.name, f.renderedBy])).not.toContainEqual(['acm/later.conf', 'late']);
      expect(k.acm.commits.files.list().find((f) => f.name === 'acm/extensions.acm.conf')!.renderedBy).toBe('core');
      expect(k.acm.commits.files.targets.keys()).toEqual([]);
      // What is not a registration still works after setup.
      expect(ctx.get({ kind: 'service', id: 'core.kernel' }).site).toBe('test');
    });

    it('keeps a context closed after the plugin is disabled and enabled again', async () => {
      (globalThis as any).__ctxs = [];
      const k = await boot([{ id: 'late', setup: '(globalThis as any).__ctxs.push(ctx);' }], 'name: test\nplugins:\n  late: true\n');
      await k.acm.kernel.disable('late');
      expect(() => (globalThis as any).__ctxs[0].jobs.every(1000, 'x', () => undefined)).toThrow('plugin "late": ctx.jobs.every called after setup');
      await k.acm.kernel.enable('late');
      const [first, second] = (globalThis as any).__ctxs;
      expect(first).not.toBe(second);
      expect(() => first.cli.commands(() => undefined)).toThrow('plugin "late": ctx.cli.commands called after setup');
      expect(k.acm.kernel.cliRegistrars().filter((r) => r.id === 'late')).toEqual([]);
    });

    it('refuses a registration an async setup makes after it returned', async () => {
      const k = await boot([{
        id: 'late',
        setup: "setTimeout(() => { try { ctx.ami.on('Hangup', () => undefined); } catch (e) { (globalThis as any).__lateErr = (e as Error).message; } }, 0);",
      }], 'name: test\nplugins:\n  late: true\n');
      await new Promise((r) => setTimeout(r, 20));
      expect((globalThis as any).__lateErr).toBe('plugin "late": ctx.ami.on called after setup');
      expect(k.acm.kernel.isActive('late')).toBe(true);
    });
  });

  describe('bus through the context', () => {
    it('delivers to a plugin\'s subscription only while it is started', async () => {
      (globalThis as any).__heard = [];
      const k = await boot([{ id: 'ear', setup: "ctx.bus.subscribe('acm.*.*.*.ping.*', (m) => (globalThis as any).__heard.push(m.subject));" }], 'name: test\nplugins:\n  ear: true\n');
      k.acm.bus.publish('acm.1.2.3.ping.one', {});
      await k.acm.kernel.disable('ear');
      k.acm.bus.publish('acm.1.2.3.ping.two', {});
      await k.acm.kernel.enable('ear');
      k.acm.bus.publish('acm.1.2.3.ping.three', {});
      expect((globalThis as any).__heard).toEqual(['acm.1.2.3.ping.one', 'acm.1.2.3.ping.three']);
    });

    it('lets a plugin publish only scheme subjects under its own id', async () => {
      const k = await boot([{ id: 'talker', setup: '(globalThis as any).__talker = ctx;' }], 'name: test\nplugins:\n  talker: true\n');
      const ctx = (globalThis as any).__talker;
      const got: string[] = [];
      k.acm.bus.subscribe('acm.>', (m) => got.push(m.subject));
      ctx.bus.publish('acm.1.2.0.talker.said', {});
      expect(() => ctx.bus.publish('acm.1.2.0.ha.state', {})).toThrow('plugin "talker": bus subject "acm.1.2.0.ha.state" is not under its own source "talker"');
      expect(() => ctx.bus.publish('acm.talker.said', {})).toThrow('plugin "talker": bus subject "acm.talker.said" does not follow acm.<tenant>.<cluster>.<server>.<source>.<event>');
      expect(got).toEqual(['acm.1.2.0.talker.said']);
    });

    it('refuses a plugin id that is a core bus source', async () => {
      const err = await bootFails([{ id: 'commit' }], 'name: test\nplugins:\n  commit: true\n');
      expect(err.message).toMatch(/invalid manifest in .*commit\/manifest.ts: id: reserved for the core/);
    });
  });
});
