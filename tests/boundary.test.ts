import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The plugin boundary (DESIGN §3): code under plugins/<id>/ and sites/<site>/modules/<id>/ may
 * import its own files, the SDK (sdk/), another plugin's or module's `api/` folder, and npm
 * packages — nothing else of this repository (no core/, no other plugin's internals, no tests/).
 */
const REPO = resolve(import.meta.dirname, '..');

interface Violation { file: string; line: number; specifier: string; reason: string }

/** plugins/<id> or sites/<site>/modules/<id> of a repo-relative path, or null. */
function unitOf(rel: string): string | null {
  const p = rel.split(sep);
  if (p[0] === 'plugins' && p.length >= 2) return p.slice(0, 2).join('/');
  if (p[0] === 'sites' && p[2] === 'modules' && p.length >= 4) return p.slice(0, 4).join('/');
  return null;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|mts|cts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

/** Every boundary violation under `root`'s plugins/*\/ and sites/*\/modules/*\/. */
function findViolations(root: string): Violation[] {
  const units: string[] = [];
  const plugins = join(root, 'plugins');
  try { for (const n of readdirSync(plugins)) if (statSync(join(plugins, n)).isDirectory()) units.push(join(plugins, n)); } catch { /* none */ }
  const sites = join(root, 'sites');
  try {
    for (const s of readdirSync(sites)) {
      const mods = join(sites, s, 'modules');
      try { for (const n of readdirSync(mods)) if (statSync(join(mods, n)).isDirectory()) units.push(join(mods, n)); } catch { /* none */ }
    }
  } catch { /* none */ }

  const out: Violation[] = [];
  for (const unitDir of units) {
    const own = unitOf(relative(root, unitDir))!;
    for (const file of sourceFiles(unitDir)) {
      const text = readFileSync(file, 'utf8');
      const { importedFiles } = ts.preProcessFile(text, true, true);
      for (const imp of importedFiles) {
        const spec = imp.fileName;
        if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('file:')) continue; // an npm package
        const target = spec.startsWith('file:') ? new URL(spec).pathname : resolve(dirname(file), spec);
        const rel = relative(root, target);
        const parts = rel.split(sep);
        let reason: string | null = null;
        if (rel.startsWith('..') || resolve(root, rel) !== target) reason = 'imports a file outside the project';
        else if (parts[0] === 'sdk') reason = null;
        else if (parts[0] === 'core') reason = 'imports core/: plugins and site modules use the SDK (sdk/index.ts)';
        else {
          const unit = unitOf(rel);
          if (unit === own) reason = null;
          else if (unit && parts[unit.split('/').length] === 'api') reason = null;
          else if (unit) reason = `imports internals of ${unit}: only its api/ folder is public`;
          else reason = `imports ${parts[0]}/, which is neither the SDK nor a plugin's api/`;
        }
        if (reason) {
          const line = text.slice(0, imp.pos).split('\n').length;
          out.push({ file: relative(root, file).split(sep).join('/'), line, specifier: spec, reason });
        }
      }
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

function formatViolations(v: Violation[]): string {
  return v.map((x) => `${x.file}:${x.line}: import '${x.specifier}' — ${x.reason}`).join('\n');
}

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
  it('no plugin or site module imports core/ or another plugin\'s internals', () => {
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
});
