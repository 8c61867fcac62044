import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

export interface FakePlugin {
  id: string;
  requires?: string[];
  optional?: string[];
  license?: string;
  /** Body of `setup(ctx) { … }`; `sdk` is the SDK module. */
  setup?: string;
  manifestExtra?: string;
  site?: boolean;
}

/**
 * Writes a throw-away project root (plugins/, sites/<site>/) inside the repo so plugin files can
 * import the real SDK by relative path, exactly as first-party plugins do.
 */
export function pluginRoot(plugins: FakePlugin[], siteYaml: string, site = 'test'): { dir: string; site: string; remove(): void } {
  const dir = mkdtempSync(join(REPO, 'tests', '.tmp-root-'));
  mkdirSync(join(dir, 'sites', site, 'modules'), { recursive: true });
  writeFileSync(join(dir, 'sites', site, 'site.yaml'), siteYaml);
  for (const p of plugins) {
    const pdir = p.site ? join(dir, 'sites', site, 'modules', p.id) : join(dir, 'plugins', p.id);
    mkdirSync(pdir, { recursive: true });
    const sdk = relative(pdir, join(REPO, 'sdk', 'index.ts'));
    writeFileSync(join(pdir, 'manifest.ts'), `import { defineManifest } from '${sdk}';
export const manifest = defineManifest({ id: '${p.id}', title: 'Plugin ${p.id}', version: '1.0.0', contract: 1,
  requires: { plugins: ${JSON.stringify(p.requires ?? [])}, optional: ${JSON.stringify(p.optional ?? [])} }, ${p.license ? `license: '${p.license}',` : ''}
  permissions: ['${p.id}.thing:read', '${p.id}.thing:write'], ${p.manifestExtra ?? ''} });
`);
    writeFileSync(join(pdir, 'index.ts'), `import * as sdk from '${sdk}';
import { manifest } from './manifest.ts';
export default sdk.definePlugin({ manifest, async setup(ctx) {
  ctx.http.route('GET', '/hello', '${p.id}.thing:read', () => ({ plugin: '${p.id}' }));
  ${p.setup ?? ''}
} });
`);
  }
  return { dir, site, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
