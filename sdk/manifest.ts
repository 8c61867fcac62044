import { z } from 'zod';
import { CORE_BUS_SOURCES } from './bus.ts';

/** The version of the plugin contract this SDK speaks. A manifest with another one is refused. */
export const CONTRACT_VERSION = 1;

// A plugin id is also its bus source and extension-point prefix: the core's are taken.
const pluginId = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'lower-case letters, digits and dashes')
  .refine((id) => !(CORE_BUS_SOURCES as readonly string[]).includes(id), 'reserved for the core');

/** The menu's sections, in the order the shell shows them (the core's pages are in them too). */
export const MENU_SECTIONS = ['Status', 'Configuration', 'System'] as const;

/** Where a page sits in the menu: its section, and its place there (lower first; the core's pages are 10, 20, 30, …). */
export const UiMenuSchema = z.strictObject({
  section: z.enum(MENU_SECTIONS).default('Status'),
  order: z.number().int().min(0).max(1000).default(500),
});

export const UiPageSchema = z.strictObject({
  path: z.string().regex(/^\/[a-z0-9/-]*$/),
  title: z.string().min(1),
  element: z.string().regex(/^[a-z]+-[a-z0-9-]+$/, 'a custom element name with a dash'),
  module: z.string().min(1),
  permission: z.string().min(1),
  menu: UiMenuSchema.default({ section: 'Status', order: 500 }),
});

export const ManifestSchema = z.strictObject({
  id: pluginId,
  title: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+/, 'semantic version'),
  contract: z.literal(CONTRACT_VERSION),
  description: z.string().optional(),
  /**
   * `plugins` must run for this one to start (and start before it); `optional` ones start before
   * it when they run, and their services are found at call time with `ctx.find`.
   */
  requires: z.strictObject({ plugins: z.array(pluginId).default([]), optional: z.array(pluginId).default([]) }).default({ plugins: [], optional: [] }),
  /** Feature key in the license; absent = part of every license. */
  license: z.string().optional(),
  permissions: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*:[a-z]+$/, '<plugin>.<resource>:<verb>')).default([]),
  ui: z.array(UiPageSchema).default([]),
  /** zod schema of the plugin's settings in site.yaml, validated before setup. */
  settings: z.custom<z.ZodType>((v) => v instanceof z.ZodType, 'a zod schema').optional(),
});

export type ManifestInput = z.input<typeof ManifestSchema>;
export type Manifest = z.output<typeof ManifestSchema>;
export type UiPage = z.infer<typeof UiPageSchema>;
export type UiMenu = z.infer<typeof UiMenuSchema>;

/** Declares a manifest. Plain data: the kernel reads it before any plugin code runs. */
export function defineManifest<const M extends ManifestInput>(manifest: M): M {
  return manifest;
}

/** Checks a manifest; every rule that needs more than the schema (permission prefixes) is here. */
export function checkManifest(raw: unknown, where: string): Manifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid manifest in ${where}: ${why}`);
  }
  const m = parsed.data;
  for (const p of m.permissions) {
    if (!p.startsWith(`${m.id}.`)) throw new Error(`invalid manifest in ${where}: permission "${p}" must start with "${m.id}."`);
  }
  for (const page of m.ui) {
    if (!page.permission.startsWith(`${m.id}.`) && !page.permission.startsWith('core.')) {
      throw new Error(`invalid manifest in ${where}: page ${page.path} needs a permission of its own plugin or the core`);
    }
  }
  return m;
}
