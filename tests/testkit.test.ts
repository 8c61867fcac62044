/**
 * The SDK's test kit itself: startTestKernel builds a project root holding only the plugins and
 * site modules a test names (with their settings), removes it on stop, and binds a test's services
 * over the core's so plugins receive the fakes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coreServices, type NotifyMessage } from '../sdk/index.ts';
import { provide, startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { waitUntil } from '../sdk/testing/wait.ts';

let k: TestKernel | undefined;
afterEach(async () => { await k?.stop(); k = undefined; });

describe('startTestKernel', () => {
  it('loads only the named plugins and modules, enabled unless told otherwise, with their ui/', async () => {
    k = await startTestKernel({ plugins: ['status', { id: 'conference', enabled: false }], modules: ['itsp-utilization'] });
    const list = (await k.admin.json('GET', '/api/plugins')).body as { id: string; enabled: boolean; started: boolean; source: string }[];
    expect(list.map((p) => [p.id, p.source, p.enabled, p.started])).toEqual([
      ['conference', 'plugins', false, false], ['itsp-utilization', 'site', true, true], ['status', 'plugins', true, true],
    ]);
    expect(k.acm.site).toBe('test');
    const root = k.acm.rootDir;
    expect(readFileSync(join(root, 'plugins', 'status', 'ui', 'status-home.js'), 'utf8')).toBe(
      readFileSync(join(import.meta.dirname, '..', 'plugins', 'status', 'ui', 'status-home.js'), 'utf8'));
    await k.stop();
    k = undefined;
    expect(existsSync(root)).toBe(false);
  });

  it('plugins: [] is the bare core', async () => {
    k = await startTestKernel({ plugins: [] });
    expect((await k.admin.json('GET', '/api/plugins')).body).toEqual([]);
  });

  it('gives each plugin its settings and the services the test provides', async () => {
    const sent: NotifyMessage[] = [];
    const notifier = provide(coreServices.notifier, {
      async send(m) { sent.push(m); return { status: 'sent' }; },
      channels: () => ['webhook'],
    });
    k = await startTestKernel({
      plugins: [{ id: 'security', settings: { routing: { nocLevel: 5, notifyLevel: 7, dedupSeconds: 300 } } }],
      services: [notifier],
    });
    expect((await k.admin.json('POST', '/api/plugins/security/targets', { type: 'webhook', target: 'http://127.0.0.1:9/alerts' })).status).toBe(201);
    const alert = readFileSync(join(import.meta.dirname, '..', 'plugins', 'security', 'fixtures', 'wazuh-alerts.json'), 'utf8').split('\n')[1]!;
    const res = await k.admin.json('POST', '/api/plugins/security/alerts', { text: alert });
    expect(res.body).toMatchObject({ accepted: 1, alerts: [{ level: 10, notified: true }] });
    await waitUntil(() => sent.length > 0, 'the fake notifier to be called');
    expect(sent[0]!.subject).toMatch(/^\[acm security\] level 10 wazuh:5712/);
  });

  it('refuses plugins together with a hand-made root, and names a plugin folder that does not exist', async () => {
    await expect(startTestKernel({ plugins: ['status'], rootDir: '/tmp' })).rejects.toThrow(/not both/);
    await expect(startTestKernel({ plugins: ['no-such-plugin'] })).rejects.toThrow(/test plugin "no-such-plugin": no manifest.ts/);
  });
});
