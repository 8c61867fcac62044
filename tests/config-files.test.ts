/**
 * The config file registry through the kernel: plugin files are declared in setup and listed by
 * `GET /api/commit/includes` and `acm includes`; a site module replaces the renderer of one file
 * and nothing else; what cannot be replaced is refused at start-up with a clear error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createAcm } from '../core/app.ts';
import { asView } from '../core/commit/snapshot.ts';
import { loadSnapshot } from '../core/commit/load-snapshot.ts';
import { renderCluster } from '../core/commit/render/index.ts';
import { startTestKernel, testDatabase, type TestKernel } from '../sdk/testing/kernel.ts';
import { pluginRoot, type FakePlugin } from './helpers/plugin-root.ts';
import { runAcm } from './helpers/cli.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const MOH = "'; the site\\'s own classes\\n[site-moh]\\nmode = files\\ndirectory = /var/lib/asterisk/moh/site\\n'";
/** A plugin rendering nothing yet into a file of its own. */
const queuesPlugin: FakePlugin = {
  id: 'queues',
  setup: "ctx.commit.file({ name: 'acm/queues.conf', reload: 'app_queue.so', includeFrom: 'queues.conf', render: () => '', verify: { verify: async () => [] } });",
};
const replacer = (id: string, file: string, opts: Partial<FakePlugin> = {}): FakePlugin => ({
  id, site: true, setup: `ctx.commit.replaceRenderer('${file}', () => ${MOH});`, ...opts,
});
const yaml = (ids: string[]) => `name: test\nplugins:\n${ids.map((id) => `  ${id}: true\n`).join('')}`;

async function boot(plugins: FakePlugin[]): Promise<TestKernel> {
  const root = pluginRoot(plugins, yaml(plugins.map((p) => p.id)));
  cleanups.push(root.remove);
  const k = await startTestKernel({ rootDir: root.dir, site: root.site });
  cleanups.push(() => k.stop());
  return k;
}

async function bootFails(plugins: FakePlugin[]): Promise<Error> {
  const root = pluginRoot(plugins, yaml(plugins.map((p) => p.id)));
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

async function clusterOf(k: TestKernel): Promise<number> {
  const site = (await k.admin.json('POST', '/api/sites', { name: 'lon' })).body;
  const cluster = (await k.admin.json('POST', '/api/clusters', { siteId: site.id, name: 'lon' })).body;
  const ext = await k.admin.json('POST', '/api/extensions', { clusterId: cluster.id, name: 'Ann Lee', extension: '6101', secret: 'Ann-6101-secret', musicOnHold: 'sales' });
  expect(ext.status).toBe(201);
  return cluster.id as number;
}

const tryincludes = (stubs: { file: string; content: string }[]) =>
  Object.fromEntries(stubs.map((s) => [s.file, s.content.match(/^#tryinclude .*$/gm)]));

describe('plugin files in the registry', () => {
  it('GET /api/commit/includes lists the conference files for a cluster without rooms, and the commit renders them empty', async () => {
    const k = await startTestKernel({ plugins: ['conference'] });
    cleanups.push(() => k.stop());
    const clusterId = await clusterOf(k);
    const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${clusterId}`)).body as { file: string; content: string }[];
    expect(tryincludes(stubs)).toEqual({
      'acl.conf': ['#tryinclude acm/acl.acm.conf'],
      'confbridge.conf': ['#tryinclude acm/confbridge.conf'],
      'extensions.conf': ['#tryinclude acm/extensions.acm.conf', '#tryinclude acm/extensions-conference.conf'],
      'musiconhold.conf': ['#tryinclude acm/musiconhold.acm.conf'],
      'pjsip.conf': ['#tryinclude acm/pjsip.acm.conf'],
      'res_parking.conf': ['#tryinclude acm/res_parking.acm.conf'],
      'voicemail.conf': ['#tryinclude acm/voicemail.acm.conf'],
    });
    expect(stubs.find((s) => s.file === 'confbridge.conf')!.content).toContain('(acm renders acm/confbridge.conf for plugin conference; reload: app_confbridge.so)');
    const p = await k.acm.commits.prepare(clusterId);
    if ('problems' in p) throw new Error(JSON.stringify(p.problems));
    const confbridge = p.files.find((f) => f.name === 'acm/confbridge.conf')!;
    // Only the revision marker: no rooms, yet the file the site includes is there.
    expect(confbridge.content).toMatch(/^; revision marker: .*\n\[acm-mark-[0-9a-f]{12}\]\ntype = bridge\n$/);
    expect(p.files.find((f) => f.name === 'acm/extensions-conference.conf')!.reload).toBe('pbx_config.so');
  });

  it('acm includes prints the plugin files too', async () => {
    // The CLI runs this repository's demo site, where the conference, queues, inbound, hotdesk and roaming plugins are enabled.
    const db = await testDatabase();
    cleanups.push(() => db.drop());
    const site = JSON.parse((await runAcm(db, ['sites', 'add', '--set', 'name=lon', '--json'])).stdout);
    expect((await runAcm(db, ['clusters', 'add', '--data', JSON.stringify({ siteId: site.id, name: 'lon' }), '--json'])).code).toBe(0);
    const out = await runAcm(db, ['includes', '--cluster', 'lon']);
    expect(out.code, out.stderr).toBe(0);
    const stubs = out.stdout.split(/^# (\S+)\n/m).slice(1);
    const byFile = Object.fromEntries(stubs.flatMap((s, i) => (i % 2 ? [] : [[s, stubs[i + 1]!]])));
    expect(byFile['confbridge.conf']).toMatch(/^#tryinclude acm\/confbridge\.conf$/m);
    expect(byFile['extensions.conf']!.match(/^#tryinclude .*$/gm)).toEqual([
      '#tryinclude acm/extensions.acm.conf', '#tryinclude acm/extensions-conference.conf', '#tryinclude acm/extensions-hotdesk.conf',
      '#tryinclude acm/extensions-inbound.conf', '#tryinclude acm/extensions-queues.conf', '#tryinclude acm/extensions-roaming.conf',
    ]);
    expect(byFile['dundi.conf']).toMatch(/^#tryinclude acm\/dundi-roaming\.conf$/m);
    expect(byFile['queues.conf']).toMatch(/^#tryinclude acm\/queues\.acm\.conf$/m);
    expect((await runAcm(db, ['includes', '--cluster', 'nowhere'])).code).not.toBe(0);
  }, 60_000);
});

describe('a site module replacing one renderer', () => {
  it('changes that file only, and disabling the module brings the core renderer back', async () => {
    const k = await boot([queuesPlugin, replacer('site-moh', 'acm/musiconhold.acm.conf')]);
    const clusterId = await clusterOf(k);
    const p = await k.acm.commits.prepare(clusterId);
    if ('problems' in p) throw new Error(JSON.stringify(p.problems));
    const core = renderCluster(asView(await loadSnapshot(k.acm.orm.em.fork(), clusterId)));
    const differs = p.files.filter((f) => core.find((c) => c.name === f.name)?.content !== f.content).map((f) => f.name);
    expect(differs).toEqual(['acm/musiconhold.acm.conf', 'acm/queues.conf']);
    expect(p.files.find((f) => f.name === 'acm/musiconhold.acm.conf')!.content).toBe("; the site's own classes\n[site-moh]\nmode = files\ndirectory = /var/lib/asterisk/moh/site\n");
    expect(k.acm.commits.files.list().find((f) => f.name === 'acm/musiconhold.acm.conf')).toMatchObject({ owner: 'core', renderedBy: 'site-moh', reload: 'res_musiconhold.so' });
    // The include the site needs is the same either way.
    const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${clusterId}`)).body as { file: string; content: string }[];
    expect(tryincludes(stubs)['musiconhold.conf']).toEqual(['#tryinclude acm/musiconhold.acm.conf']);
    expect(tryincludes(stubs)['queues.conf']).toEqual(['#tryinclude acm/queues.conf']);

    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'site-moh' })).status).toBe(200);
    const again = await k.acm.commits.prepare(clusterId);
    if ('problems' in again) throw new Error(JSON.stringify(again.problems));
    expect(again.files.find((f) => f.name === 'acm/musiconhold.acm.conf')!.content).toBe(core.find((c) => c.name === 'acm/musiconhold.acm.conf')!.content);
  });

  it('replaces a plugin file for a module that requires the plugin', async () => {
    const k = await boot([queuesPlugin, replacer('site-queues', 'acm/queues.conf', { requires: ['queues'] })]);
    const p = await k.acm.commits.prepare(await clusterOf(k));
    if ('problems' in p) throw new Error(JSON.stringify(p.problems));
    expect(p.files.find((f) => f.name === 'acm/queues.conf')!.content).toContain('[site-moh]\nmode = files');
  });

  it('is refused at start-up for an unknown file, a second replacement, a plugin file not required, and a plugin', async () => {
    expect((await bootFails([replacer('site-moh', 'acm/moh.conf')])).message).toMatch(
      /^site module "site-moh": cannot replace the renderer of "acm\/moh\.conf": no such file is declared \(declared: acm\/acl\.acm\.conf, /);
    expect((await bootFails([replacer('moh-a', 'acm/musiconhold.acm.conf'), replacer('moh-b', 'acm/musiconhold.acm.conf')])).message).toBe(
      'site module "moh-b": cannot replace the renderer of "acm/musiconhold.acm.conf": it is replaced already, by site module "moh-a"');
    expect((await bootFails([queuesPlugin, replacer('site-queues', 'acm/queues.conf')])).message).toBe(
      'site module "site-queues": cannot replace the renderer of "acm/queues.conf": it belongs to plugin "queues", which the module does not require');
    expect((await bootFails([replacer('shipped', 'acm/musiconhold.acm.conf', { site: false })])).message).toBe(
      'plugin "shipped": ctx.commit.replaceRenderer is for site modules (sites/<site>/modules) only');
  });
});
