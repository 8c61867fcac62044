import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { importMap } from '../../core/http/ui.ts';

/**
 * The plugin boundary (DESIGN §3), checked on import specifiers:
 * - code under plugins/<id>/, sites/<site>/modules/<id>/ and sdk/tutorial/<id>/ (the SDK's
 *   tutorial plugin) may import its own files, the SDK (sdk/index.ts), another plugin's or
 *   module's `api/` folder, and npm packages — nothing else of this repository (no other sdk/
 *   file, no core/, no other plugin's internals, no tests/); only its tests (`*.test.*`, files
 *   under its `test/`) may import the test kit, sdk/testing/;
 * - browser code: a plugin's `ui/*.js` may import its own ui/ files and what the shell's import
 *   map provides (Lit, and the shell's shared modules as `acm/<file>.js`); the shell, core/ui/,
 *   its own files and the import map's packages. No relative path out of those folders, no URLs.
 */
export interface Violation { file: string; line: number; specifier: string; reason: string }

const CODE = /\.(ts|mts|cts|tsx|js|mjs)$/;

/** plugins/<id>, sites/<site>/modules/<id> or sdk/tutorial/<id> of a repo-relative path, or null. */
function unitOf(rel: string): string | null {
  const p = rel.split(sep);
  if (p[0] === 'plugins' && p.length >= 2) return p.slice(0, 2).join('/');
  if (p[0] === 'sites' && p[2] === 'modules' && p.length >= 4) return p.slice(0, 4).join('/');
  if (p[0] === 'sdk' && p[1] === 'tutorial' && p.length >= 3) return p.slice(0, 3).join('/');
  return null;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (CODE.test(name) && !name.endsWith('.d.ts')) yield full;
  }
}

function unitDirs(root: string): string[] {
  const subdirs = (d: string) => { try { return readdirSync(d).map((n) => join(d, n)).filter((p) => statSync(p).isDirectory()); } catch { return []; } };
  return [
    ...subdirs(join(root, 'plugins')), ...subdirs(join(root, 'sites')).flatMap((s) => subdirs(join(s, 'modules'))), ...subdirs(join(root, 'sdk', 'tutorial')),
  ];
}

const isTestFile = (relToUnit: string) => /\.test\.[cm]?[jt]sx?$/.test(relToUnit) || relToUnit.split(sep)[0] === 'test';
/** Whether `target` is `dir` or inside it. */
function under(dir: string, target: string): boolean {
  const r = relative(dir, target);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

type Rule = (spec: string, file: string) => string | null;

/** A bare specifier in browser code: provided by the import map (acm/ only for files of core/ui). */
function importMapRule(root: string, shell: boolean): Rule {
  const keys = Object.keys(importMap().imports);
  return (spec) => {
    if (spec.startsWith('acm/')) {
      if (shell) return null;
      const file = spec.slice('acm/'.length);
      if (file === 'app.js') return 'imports acm/app.js, the shell itself, not a shared UI module';
      return existsSync(join(root, 'core', 'ui', file)) ? null : `imports ${spec}, which is not a shared UI module (core/ui/)`;
    }
    if (keys.some((k) => (k.endsWith('/') ? spec.startsWith(k) : spec === k))) return null;
    return `imports ${spec}, which the shell's import map does not provide (lit, acm/…)`;
  };
}

function browserRule(root: string, allowedDir: string, shell: boolean): Rule {
  const bare = importMapRule(root, shell);
  const where = shell ? 'core/ui/' : 'its ui/ folder';
  return (spec, file) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith('/')) return 'imports by URL or absolute path: use the import map (lit, acm/…)';
    if (!spec.startsWith('.')) return bare(spec, file);
    return under(allowedDir, resolve(dirname(file), spec)) ? null : `imports a file outside ${where}: the browser gets only ${shell ? 'the shell\'s files' : 'ui/ files and acm/ shared modules'}`;
  };
}

function codeRule(root: string, own: string, test: boolean): Rule {
  return (spec, file) => {
    if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.startsWith('file:')) return null; // an npm package
    const target = spec.startsWith('file:') ? new URL(spec).pathname : resolve(dirname(file), spec);
    const rel = relative(root, target);
    const parts = rel.split(sep);
    if (!under(root, target)) return 'imports a file outside the project';
    const unit = unitOf(rel);
    if (unit === own) return null;
    if (parts[0] === 'sdk' && parts[1] === 'testing') return test ? null : 'imports sdk/testing/, the test kit: only tests may';
    if (parts[0] === 'sdk' && !unit) return parts.join('/') === 'sdk/index.ts' ? null : `imports ${parts.join('/')}: the SDK is sdk/index.ts, which exports what plugins use`;
    if (parts[0] === 'core') return 'imports core/: plugins and site modules use the SDK (sdk/index.ts)';
    if (unit && parts[unit.split('/').length] === 'api') return null;
    if (unit) return `imports internals of ${unit}: only its api/ folder is public`;
    return `imports ${parts[0]}/, which is neither the SDK nor a plugin's api/`;
  };
}

/** Module specifiers a file names (imports, re-exports, import(), import types) with their offsets. */
function specifiers(file: string, text: string): { sf: ts.SourceFile; specs: { spec: string; pos: number }[] } {
  const kind = /\.m?js$/.test(file) ? ts.ScriptKind.JS : file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  // The full parser: the quick pre-processor stops at some template literals and misses what follows.
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const specs: { spec: string; pos: number }[] = [];
  const add = (n: ts.Node | undefined) => { if (n && ts.isStringLiteralLike(n)) specs.push({ spec: n.text, pos: n.getStart(sf) }); };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) add(n.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) add(n.moduleReference.expression);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) add(n.argument.literal);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { sf, specs };
}

function check(root: string, file: string, rule: Rule, out: Violation[]): void {
  const { sf, specs } = specifiers(file, readFileSync(file, 'utf8'));
  for (const { spec, pos } of specs) {
    const reason = rule(spec, file);
    if (reason) out.push({ file: relative(root, file).split(sep).join('/'), line: sf.getLineAndCharacterOfPosition(pos).line + 1, specifier: spec, reason });
  }
}

/** Every boundary violation under `root`: plugins, site modules, their ui/ and the shell (core/ui). */
export function findViolations(root: string): Violation[] {
  const out: Violation[] = [];
  for (const unitDir of unitDirs(root)) {
    const own = unitOf(relative(root, unitDir))!;
    const ui = join(unitDir, 'ui');
    for (const file of sourceFiles(unitDir)) {
      const inUnit = relative(unitDir, file);
      const rule = under(ui, file) && /\.m?js$/.test(file) ? browserRule(root, ui, false) : codeRule(root, own, isTestFile(inUnit));
      check(root, file, rule, out);
    }
  }
  const shell = join(root, 'core', 'ui');
  if (existsSync(shell)) for (const file of sourceFiles(shell)) if (/\.m?js$/.test(file)) check(root, file, browserRule(root, shell, true), out);
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatViolations(v: Violation[]): string {
  return v.map((x) => `${x.file}:${x.line}: import '${x.specifier}' — ${x.reason}`).join('\n');
}
