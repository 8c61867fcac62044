import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverPlugins } from './discovery.ts';
import { pluginRoot } from '../../tests/helpers/plugin-root.ts';

const cleanups: (() => void)[] = [];
afterEach(() => { while (cleanups.length) cleanups.pop()!(); });

describe('plugin discovery', () => {
  it('ignores a plugins/ folder without manifest.ts (code that is not a plugin yet) and never imports it', async () => {
    const root = pluginRoot([{ id: 'good' }], 'name: test\n');
    cleanups.push(root.remove);
    mkdirSync(join(root.dir, 'plugins', 'dialer', 'pacing'), { recursive: true });
    writeFileSync(join(root.dir, 'plugins', 'dialer', 'pacing', 'controller.ts'), "throw new Error('imported');\n");
    writeFileSync(join(root.dir, 'plugins', 'dialer', 'index.ts'), "throw new Error('imported');\n");
    const found = await discoverPlugins(root.dir, root.site);
    expect(found.map((p) => p.manifest.id)).toEqual(['good']);
  });

  it('finds the repository\'s plugins, the dialer among them', async () => {
    const found = await discoverPlugins(resolve(import.meta.dirname, '../..'), 'demo');
    expect(found.map((p) => p.manifest.id)).toContain('dialer');
    expect(found.map((p) => p.manifest.id)).toContain('fax');
    expect(found.length).toBeGreaterThan(3);
  });
});
