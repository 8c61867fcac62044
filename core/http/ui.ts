import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import type { Middleware } from 'koa';
import type { Acm } from '../app.ts';
import { ROOT_DIR } from '../app.ts';

/**
 * The web app, served without a bundler (DESIGN §7): `GET /` is the shell page with an import
 * map, `/vendor/<pkg>/…` the few npm packages the browser imports (Lit), `/ui/…` the shell's own
 * modules from core/ui/, and `/plugins/<id>/ui/…` the page modules of each *started* plugin.
 * Everything is read-only, GET/HEAD only, limited to a few file types, and sent with a strict
 * Content-Security-Policy (the inline import map is allowed by its hash, nothing else inline).
 */

export interface UiOptions {
  /** Where the shell's files are; default acm's own `core/ui`. */
  uiDir?: string;
  /** The directory of a plugin (the one holding manifest.ts); default: where the kernel found it. */
  pluginDir?: (id: string) => string | undefined | Promise<string | undefined>;
}

/** The npm packages the browser may load, by import-map name. */
const VENDOR = ['lit', 'lit-html', 'lit-element', '@lit/reactive-element'] as const;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function isPackageRoot(dir: string, name: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name;
  } catch {
    return false;
  }
}

function vendorDirs(): Map<string, string> {
  const require = createRequire(import.meta.url);
  const dirs = new Map<string, string>();
  for (const pkg of VENDOR) {
    // Node resolves to the packages' node/ builds: walk up to the package root, whose files are
    // the browser builds the import map points at.
    let dir = dirname(require.resolve(pkg));
    while (!isPackageRoot(dir, pkg)) {
      const up = dirname(dir);
      if (up === dir) throw new Error(`cannot find the ${pkg} package`);
      dir = up;
    }
    dirs.set(pkg, dir);
  }
  return dirs;
}

/** The import map: bare specifiers Lit and its packages use, and `acm/` for the shell's helpers. */
export function importMap(): { imports: Record<string, string> } {
  return {
    imports: {
      'lit': '/vendor/lit/index.js',
      'lit/': '/vendor/lit/',
      'lit-html': '/vendor/lit-html/lit-html.js',
      'lit-html/': '/vendor/lit-html/',
      'lit-element': '/vendor/lit-element/index.js',
      'lit-element/': '/vendor/lit-element/',
      '@lit/reactive-element': '/vendor/@lit/reactive-element/reactive-element.js',
      '@lit/reactive-element/': '/vendor/@lit/reactive-element/',
      'acm/': '/ui/',
    },
  };
}

/** The shell page and the CSP that goes with it (the import map allowed by its sha256). */
export function shellPage(): { html: string; csp: string } {
  const map = JSON.stringify(importMap(), null, 2);
  const hash = createHash('sha256').update(map, 'utf8').digest('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>acm — Asterisk Cluster Manager</title>
<link rel="icon" href="/ui/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/app.css">
<script type="importmap">${map}</script>
<script type="module" src="/ui/app.js"></script>
</head>
<body>
<acm-app><p class="boot">Loading acm…</p></acm-app>
<noscript><p class="boot">acm needs JavaScript enabled.</p></noscript>
</body>
</html>
`;
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

/** A safe relative path: decoded, no `..`, no backslashes or NULs, only the allowed file types. */
export function safeRelative(raw: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (!rel || rel.includes('\0') || rel.includes('\\')) return null;
  const parts = rel.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '' || p.startsWith('.'))) return null;
  if (!TYPES[extname(rel).toLowerCase()]) return null;
  return rel;
}

/** Resolves `rel` inside `base`, following symlinks, refusing anything that ends up outside. */
async function inside(base: string, rel: string): Promise<string | null> {
  try {
    const root = await realpath(base);
    const file = await realpath(resolve(root, rel));
    if (!file.startsWith(root + sep)) return null;
    const st = await stat(file);
    return st.isFile() ? file : null;
  } catch {
    return null;
  }
}

function securityHeaders(ctx: Parameters<Middleware>[0], csp: string): void {
  ctx.set('Content-Security-Policy', csp);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
  ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}

/** koa middleware serving the web app; mount after the API routes. */
export function uiMiddleware(acm: Pick<Acm, 'kernel' | 'site'>, opts: UiOptions = {}): Middleware {
  // The shell is part of acm's code; plugin pages come from wherever the kernel found the plugin.
  const uiDir = opts.uiDir ?? join(ROOT_DIR, 'core', 'ui');
  const vendor = vendorDirs();
  const { html, csp } = shellPage();
  const pluginDir = opts.pluginDir ?? ((id: string) => acm.kernel.pluginDir(id));
  // Read once: a missing shell is a broken installation and should fail at start-up.
  readFileSync(join(uiDir, 'app.js'));

  const sendFile = async (ctx: Parameters<Middleware>[0], base: string, rel: string | null, cache: string): Promise<boolean> => {
    if (!rel) return false;
    const file = await inside(base, rel);
    if (!file) return false;
    const st = await stat(file);
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    securityHeaders(ctx, csp);
    ctx.set('Cache-Control', cache);
    ctx.set('ETag', etag);
    ctx.type = TYPES[extname(file).toLowerCase()]!;
    if (ctx.get('if-none-match') === etag) {
      ctx.status = 304;
      return true;
    }
    ctx.body = ctx.method === 'HEAD' ? '' : await readFile(file);
    ctx.status = 200;
    return true;
  };

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api/')) return next();
    const path = ctx.path;
    if (path === '/' || path === '/index.html') {
      securityHeaders(ctx, csp);
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = TYPES['.html']!;
      ctx.body = html;
      return;
    }
    let m = /^\/vendor\/((?:@lit\/)?[a-z-]+)\/(.+)$/.exec(path);
    if (m) {
      const dir = vendor.get(m[1]!);
      if (dir && await sendFile(ctx, dir, safeRelative(m[2]!), 'public, max-age=86400')) return;
      return notFound(ctx, csp);
    }
    m = /^\/ui\/(.+)$/.exec(path);
    if (m) {
      if (await sendFile(ctx, uiDir, safeRelative(m[1]!), 'no-cache')) return;
      return notFound(ctx, csp);
    }
    m = /^\/plugins\/([a-z][a-z0-9-]{1,39})\/ui\/(.+)$/.exec(path);
    if (m) {
      const id = m[1]!;
      const active = acm.kernel.list().some((p) => p.id === id && p.started);
      const dir = active ? await pluginDir(id) : undefined;
      if (dir && await sendFile(ctx, join(dir, 'ui'), safeRelative(m[2]!), 'no-cache')) return;
      return notFound(ctx, csp);
    }
    return next();
  };
}

function notFound(ctx: Parameters<Middleware>[0], csp: string): void {
  securityHeaders(ctx, csp);
  ctx.status = 404;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = 'not found';
}
