import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestKernel, type TestClient, type TestKernel } from '../../../sdk/testing/kernel.ts';

const REPO = resolve(import.meta.dirname, '../../..');

/** A throw-away project root with stubs re-exporting the named real plugins, and a site.yaml. */
export async function bootKernel(plugins: string[], siteYaml: string, opts: Parameters<typeof startTestKernel>[0] = {}): Promise<TestKernel & { removeRoot(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'acm-ha-root-'));
  mkdirSync(join(dir, 'sites', 'test', 'modules'), { recursive: true });
  for (const p of plugins) {
    const real = join(REPO, 'plugins', p);
    mkdirSync(join(dir, 'plugins', p), { recursive: true });
    writeFileSync(join(dir, 'plugins', p, 'manifest.ts'), `export { manifest } from ${JSON.stringify(join(real, 'manifest.ts'))};\n`);
    writeFileSync(join(dir, 'plugins', p, 'index.ts'), `export { default } from ${JSON.stringify(join(real, 'index.ts'))};\n`);
  }
  writeFileSync(join(dir, 'sites', 'test', 'site.yaml'), siteYaml);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    return Object.assign(await startTestKernel({ rootDir: dir, site: 'test', ...opts }), { removeRoot: remove });
  } catch (e) {
    remove();
    throw e;
  }
}

export async function create(c: TestClient, path: string, body: unknown): Promise<Record<string, any>> {
  const res = await c.json('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
