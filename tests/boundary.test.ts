import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findViolations, formatViolations } from './helpers/boundary.ts';

/** The plugin boundary (DESIGN §3; the rules are in tests/helpers/boundary.ts). */
const REPO = resolve(import.meta.dirname, '..');

const temps: string[] = [];
afterEach(() => { while (temps.length) rmSync(temps.pop()!, { recursive: true, force: true }); });

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'acm-boundary-'));
  temps.push(dir);
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), body);
  }
  return dir;
}

describe('plugin boundary', () => {
  it('no plugin, site module, tutorial plugin or UI file imports past the boundary', () => {
    const v = findViolations(REPO);
    expect(v, `\n${formatViolations(v)}\n`).toEqual([]);
  });

  it('catches planted bad imports, naming file, line and import', () => {
    const root = tree({
      'sdk/index.ts': 'export const x = 1;\n',
      'core/app.ts': 'export const y = 1;\n',
      'tests/helpers/seed.ts': 'export const z = 1;\n',
      'plugins/queues/api/index.ts': 'export const queueService = 1;\n',
      'plugins/queues/store.ts': 'export const internal = 1;\n',
      'plugins/dialer/index.ts': [
        "import { x } from '../../sdk/index.ts';",
        "import { queueService } from '../queues/api/index.ts';",
        "import { own } from './own.ts';",
        "import { z } from 'zod';",
        '// a comment mentioning ../../core/app.ts is not an import',
        "import {",
        '  internal,',
        "} from '../queues/store.ts';",
        "import type { y } from '../../core/app.ts';",
        "export { z as seed } from '../../tests/helpers/seed.ts';",
        "const lazy = () => import('../queues/store.ts');",
      ].join('\n'),
      'plugins/dialer/own.ts': 'export const own = 1;\n',
      'sites/acme/modules/tile/index.ts': "import { internal } from '../../../../plugins/queues/store.ts';\nimport { queueService } from '../../../../plugins/queues/api/index.ts';\n",
    });
    const v = findViolations(root);
    expect(formatViolations(v)).toBe([
      "plugins/dialer/index.ts:8: import '../queues/store.ts' — imports internals of plugins/queues: only its api/ folder is public",
      "plugins/dialer/index.ts:9: import '../../core/app.ts' — imports core/: plugins and site modules use the SDK (sdk/index.ts)",
      "plugins/dialer/index.ts:10: import '../../tests/helpers/seed.ts' — imports tests/, which is neither the SDK nor a plugin's api/",
      "plugins/dialer/index.ts:11: import '../queues/store.ts' — imports internals of plugins/queues: only its api/ folder is public",
      "sites/acme/modules/tile/index.ts:1: import '../../../../plugins/queues/store.ts' — imports internals of plugins/queues: only its api/ folder is public",
    ].join('\n'));
  });

  it('lets only tests import the test kit (sdk/testing)', () => {
    const kit = "import { startTestKernel } from '../../sdk/testing/kernel.ts';\n";
    const root = tree({
      'sdk/testing/kernel.ts': 'export const startTestKernel = 1;\n',
      'sdk/testing/sim/index.ts': 'export const SimulatedAsterisk = 1;\n',
      'plugins/dialer/index.ts': kit,
      'plugins/dialer/dialer.test.ts': kit,
      'plugins/dialer/test/harness.ts': "import { startTestKernel } from '../../../sdk/testing/kernel.ts';\n",
      'plugins/dialer/testing.ts': kit,
      'sites/acme/modules/tile/tile.ts': "import { SimulatedAsterisk } from '../../../../sdk/testing/sim/index.ts';\n",
    });
    expect(formatViolations(findViolations(root))).toBe([
      "plugins/dialer/index.ts:1: import '../../sdk/testing/kernel.ts' — imports sdk/testing/, the test kit: only tests may",
      "plugins/dialer/testing.ts:1: import '../../sdk/testing/kernel.ts' — imports sdk/testing/, the test kit: only tests may",
      "sites/acme/modules/tile/tile.ts:1: import '../../../../sdk/testing/sim/index.ts' — imports sdk/testing/, the test kit: only tests may",
    ].join('\n'));
  });

  it('holds the tutorial plugin (sdk/tutorial/<id>) to the same rules, and every plugin to sdk/index.ts', () => {
    const root = tree({
      'sdk/index.ts': 'export const x = 1;\n',
      'sdk/resources.ts': 'export const defineResource = 1;\n',
      'sdk/testing/kernel.ts': 'export const startTestKernel = 1;\n',
      'core/ui/sdk.js': 'export const can = 1;\n',
      'sdk/tutorial/speed-dials/index.ts': [
        "import { x } from '../../index.ts';",
        "import { own } from './entities.ts';",
        "import { defineResource } from '../../resources.ts';",
        "import { startTestKernel } from '../../testing/kernel.ts';",
        "import { y } from '../../../core/app.ts';",
      ].join('\n'),
      'sdk/tutorial/speed-dials/entities.ts': 'export const own = 1;\n',
      'sdk/tutorial/speed-dials/test/speed-dials.test.ts': "import { startTestKernel } from '../../../testing/kernel.ts';\n",
      'sdk/tutorial/speed-dials/ui/page.js': "import { can } from 'acm/sdk.js';\nimport { own } from '../entities.ts';\n",
      'plugins/dialer/index.ts': "import { x } from '../../sdk/index.ts';\nimport { defineResource } from '../../sdk/resources.ts';\nimport { own } from '../../sdk/tutorial/speed-dials/entities.ts';\n",
    });
    expect(formatViolations(findViolations(root))).toBe([
      "plugins/dialer/index.ts:2: import '../../sdk/resources.ts' — imports sdk/resources.ts: the SDK is sdk/index.ts, which exports what plugins use",
      "plugins/dialer/index.ts:3: import '../../sdk/tutorial/speed-dials/entities.ts' — imports internals of sdk/tutorial/speed-dials: only its api/ folder is public",
      "sdk/tutorial/speed-dials/index.ts:3: import '../../resources.ts' — imports sdk/resources.ts: the SDK is sdk/index.ts, which exports what plugins use",
      "sdk/tutorial/speed-dials/index.ts:4: import '../../testing/kernel.ts' — imports sdk/testing/, the test kit: only tests may",
      "sdk/tutorial/speed-dials/index.ts:5: import '../../../core/app.ts' — imports core/: plugins and site modules use the SDK (sdk/index.ts)",
      "sdk/tutorial/speed-dials/ui/page.js:2: import '../entities.ts' — imports a file outside its ui/ folder: the browser gets only ui/ files and acm/ shared modules",
    ].join('\n'));
  });

  it('holds plugin pages to the import map and their ui/ folder, and the shell to core/ui', () => {
    const root = tree({
      'core/ui/api.js': 'export const api = 1;\n',
      'core/ui/app.js': "import { LitElement } from 'lit';\nimport { api } from './api.js';\nimport '../../plugins/queues/ui/queues-page.js';\nimport { route } from '../http/ui.ts';\n",
      'plugins/queues/ui/queues-page.js': [
        "import { LitElement, html } from 'lit';",
        "import { repeat } from 'lit/directives/repeat.js';",
        "import { api } from 'acm/api.js';",
        "import { helper } from './helper.js';",
        "import { shell } from 'acm/app.js';",
        "import { nope } from 'acm/nosuch.js';",
        "import { ha } from '../../ha/ui/ha-page.js';",
        "import { direct } from '../../../core/ui/api.js';",
        "import { store } from '../store.ts';",
        "import { chart } from 'chart.js';",
        "import { cdn } from 'https://cdn.example.com/x.js';",
        "import { abs } from '/ui/api.js';",
        'const tick = /`/; // a regular expression with a backquote, which a quick scanner takes for a template',
        "export { late } from '../../ha/ui/ha-page.js';",
      ].join('\n'),
      'plugins/queues/ui/helper.js': 'export const helper = 1;\n',
      'plugins/queues/store.ts': 'export const store = 1;\n',
      'plugins/ha/ui/ha-page.js': "import { api } from 'acm/api.js';\n",
    });
    expect(formatViolations(findViolations(root))).toBe([
      "core/ui/app.js:3: import '../../plugins/queues/ui/queues-page.js' — imports a file outside core/ui/: the browser gets only the shell's files",
      "core/ui/app.js:4: import '../http/ui.ts' — imports a file outside core/ui/: the browser gets only the shell's files",
      "plugins/queues/ui/queues-page.js:5: import 'acm/app.js' — imports acm/app.js, the shell itself, not a shared UI module",
      "plugins/queues/ui/queues-page.js:6: import 'acm/nosuch.js' — imports acm/nosuch.js, which is not a shared UI module (core/ui/)",
      "plugins/queues/ui/queues-page.js:7: import '../../ha/ui/ha-page.js' — imports a file outside its ui/ folder: the browser gets only ui/ files and acm/ shared modules",
      "plugins/queues/ui/queues-page.js:8: import '../../../core/ui/api.js' — imports a file outside its ui/ folder: the browser gets only ui/ files and acm/ shared modules",
      "plugins/queues/ui/queues-page.js:9: import '../store.ts' — imports a file outside its ui/ folder: the browser gets only ui/ files and acm/ shared modules",
      "plugins/queues/ui/queues-page.js:10: import 'chart.js' — imports chart.js, which the shell's import map does not provide (lit, acm/…)",
      "plugins/queues/ui/queues-page.js:11: import 'https://cdn.example.com/x.js' — imports by URL or absolute path: use the import map (lit, acm/…)",
      "plugins/queues/ui/queues-page.js:12: import '/ui/api.js' — imports by URL or absolute path: use the import map (lit, acm/…)",
      "plugins/queues/ui/queues-page.js:14: import '../../ha/ui/ha-page.js' — imports a file outside its ui/ folder: the browser gets only ui/ files and acm/ shared modules",
    ].join('\n'));
  });
});
