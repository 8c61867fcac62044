import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkManifest, type Manifest } from '../../sdk/manifest.ts';
import type { PluginDefinition } from '../../sdk/plugin.ts';
import { PluginError } from '../../sdk/errors.ts';

export interface DiscoveredPlugin {
  manifest: Manifest;
  dir: string;
  source: 'plugins' | 'site';
}

/**
 * Reads every manifest under plugins/* and sites/<site>/modules/* without running plugin code.
 * `onError` decides about a folder whose manifest is broken: rethrow (the default) or skip it.
 */
export async function discoverPlugins(rootDir: string, site: string, onError: (dir: string, err: Error) => void = (_d, e) => { throw e; }): Promise<DiscoveredPlugin[]> {
  const found: DiscoveredPlugin[] = [];
  const roots: [string, DiscoveredPlugin['source']][] = [
    [join(rootDir, 'plugins'), 'plugins'],
    [join(rootDir, 'sites', site, 'modules'), 'site'],
  ];
  for (const [root, source] of roots) {
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'manifest.ts'))) continue;
      let manifest: Manifest;
      try {
        manifest = await readManifest(dir);
      } catch (err) {
        onError(dir, err as Error);
        continue;
      }
      const twin = found.find((p) => p.manifest.id === manifest.id);
      if (twin) throw new PluginError(`plugin id "${manifest.id}" is declared twice: ${twin.dir} and ${dir}`);
      found.push({ manifest, dir, source });
    }
  }
  return found;
}

/** The checked manifest of the plugin folder `dir` (its manifest.ts; no other plugin code runs). */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, 'manifest.ts');
  const mod = (await import(pathToFileURL(file).href)) as { manifest?: unknown };
  return checkManifest(mod.manifest, file);
}

export async function loadDefinition(p: DiscoveredPlugin): Promise<PluginDefinition> {
  const file = join(p.dir, 'index.ts');
  const mod = (await import(pathToFileURL(file).href)) as { default?: PluginDefinition };
  const def = mod.default;
  if (!def || typeof def.setup !== 'function') throw new PluginError(`plugin "${p.manifest.id}": ${file} must default-export definePlugin({...})`);
  if (def.manifest?.id !== p.manifest.id) throw new PluginError(`plugin "${p.manifest.id}": index.ts exports the manifest of "${String(def.manifest?.id)}"`);
  return def;
}

const PluginEntry = z.union([z.boolean(), z.strictObject({ enabled: z.boolean().default(true), settings: z.unknown().optional() })]);

export const SiteConfigSchema = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  plugins: z.record(z.string(), PluginEntry).default({}),
  /** Topology and seed data for a site that bootstraps itself (the demo). */
  seed: z.unknown().optional(),
});
export type SiteConfig = z.infer<typeof SiteConfigSchema>;

export function readSiteConfig(rootDir: string, site: string): SiteConfig {
  const file = join(rootDir, 'sites', site, 'site.yaml');
  if (!existsSync(file)) return { name: site, plugins: {} };
  const parsed = SiteConfigSchema.safeParse(parseYaml(readFileSync(file, 'utf8')) ?? {});
  if (!parsed.success) {
    throw new PluginError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function siteEntry(cfg: SiteConfig, id: string): { enabled: boolean; settings: unknown } {
  const e = cfg.plugins[id];
  if (e === undefined) return { enabled: false, settings: undefined };
  if (typeof e === 'boolean') return { enabled: e, settings: undefined };
  return { enabled: e.enabled, settings: e.settings };
}
