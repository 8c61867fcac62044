import { createHash } from 'node:crypto';
import type { ClusterSnapshotView, ConfigContributor, ConfigFragment } from '../../../sdk/commit.ts';
import { toPluginView } from '../snapshot.ts';
import { renderAcl, ACL_FILE } from './acl.ts';
import { ConfWriter, RenderError } from './common.ts';
import { renderDialplan, DIALPLAN_FILE } from './dialplan.ts';
import { MOH_FILE, PARKING_FILE, renderMusicOnHold, renderParking } from './features.ts';
import { renderPjsip, PJSIP_FILE } from './pjsip.ts';
import { renderVoicemail, VOICEMAIL_FILE } from './voicemail.ts';
import { withMarker } from './markers.ts';

export { tenantPrefix, RenderError } from './common.ts';

export interface RenderedFile {
  /** Path relative to the Asterisk config dir, e.g. `acm/pjsip.acm.conf`. */
  name: string;
  content: string;
  /** The module to reload when the file changed (as AMI `Reload` / CLI `module reload` take it). */
  reload: string;
  /** SHA-256 of the UTF-8 content, hex. */
  sha256: string;
  /** For plugin files: the main file the site includes it from. */
  includeFrom?: string;
}

/** A plugin fragment with the key it was contributed under (its order and its source comment). */
export interface SourcedFragment extends ConfigFragment {
  source: string;
}

/**
 * The core's own files, with the module that reloads each and the main file that includes it.
 * `acl` and `features` are built into Asterisk (no `.so`): `module show` lists them as `acl`
 * (Named ACL system) and `features` (Call Features); `reload acl` reloads acl.conf.
 */
export const CORE_FILES = [
  { name: ACL_FILE, reload: 'acl', main: 'acl.conf', render: renderAcl },
  { name: DIALPLAN_FILE, reload: 'pbx_config.so', main: 'extensions.conf', render: renderDialplan },
  { name: MOH_FILE, reload: 'res_musiconhold.so', main: 'musiconhold.conf', render: renderMusicOnHold },
  { name: PJSIP_FILE, reload: 'res_pjsip.so', main: 'pjsip.conf', render: renderPjsip },
  { name: PARKING_FILE, reload: 'res_parking.so', main: 'res_parking.conf', render: renderParking },
  { name: VOICEMAIL_FILE, reload: 'app_voicemail.so', main: 'voicemail.conf', render: renderVoicemail },
] as const;

export const CORE_FILE_NAMES: readonly string[] = CORE_FILES.map((f) => f.name);

/**
 * Reload order: what others reference first. Named ACLs before the endpoints that use them,
 * MOH classes/parking lots/mailboxes before the endpoints and dialplan naming them, PJSIP before
 * the dialplan that dials its endpoints. Unknown (plugin) modules go after pjsip, before the dialplan.
 */
export const RELOAD_ORDER = ['acl', 'res_musiconhold.so', 'res_parking.so', 'app_voicemail.so', 'res_pjsip.so', 'pbx_config.so'];

export function sortByReloadOrder(modules: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = RELOAD_ORDER.indexOf(m);
    return i >= 0 ? i : RELOAD_ORDER.indexOf('pbx_config.so') - 0.5;
  };
  return [...new Set(modules)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Plugin file names: one plain file name in acm's include dir (no directories, no dot files). */
const FRAGMENT_FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]*\.conf$/;
const MODULE_NAME = /^[A-Za-z0-9_]+(\.so)?$/;

/**
 * Renders every core file for one cluster (always all of them, empty or not, so an `#include`
 * never names a missing file) and merges the plugins' fragments: fragments for the same file are
 * concatenated in contributor key order, each under a source comment. Sorted by file name.
 * Throws `UnsafeConfigValueError`/`RenderError` rather than write anything unsafe.
 */
export function renderCluster(snapshot: ClusterSnapshotView, contributors: readonly (ConfigFragment | SourcedFragment)[] = []): RenderedFile[] {
  return mergeFragments(renderCoreFiles(snapshot), contributors);
}

/** The core's own files for one cluster (all of them, empty or not), in CORE_FILES order, each with its marker. */
export function renderCoreFiles(snapshot: ClusterSnapshotView): RenderedFile[] {
  return CORE_FILES.map((f) => {
    const content = withMarker(`file ${f.name}`, f.reload, f.render(snapshot));
    return { name: f.name, content, reload: f.reload, sha256: sha256(content) };
  });
}

/** Adds the plugins' fragments to the core's files (see renderCluster); sorted by file name. */
export function mergeFragments(coreFiles: readonly RenderedFile[], contributors: readonly (ConfigFragment | SourcedFragment)[]): RenderedFile[] {
  const files: RenderedFile[] = [...coreFiles];
  const byFile = new Map<string, { reload: string; includeFrom?: string; parts: { source: string; content: string }[] }>();
  const fragments = contributors.map((f, i) => ({ ...f, source: 'source' in f && f.source ? f.source : `fragment-${i + 1}`, i }));
  fragments.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.i - b.i));
  for (const f of fragments) {
    const obj = `plugin fragment ${f.source}`;
    if (!FRAGMENT_FILE.test(f.file)) throw new RenderError(obj, 'file', `"${f.file}" must be a plain file name ending in .conf`);
    const name = `acm/${f.file}`;
    if (CORE_FILE_NAMES.includes(name)) throw new RenderError(obj, 'file', `${name} is owned by the core`);
    if (!MODULE_NAME.test(f.reload)) throw new RenderError(obj, 'reload', `"${f.reload}" is not a module name`);
    checkFragmentContent(obj, f.content);
    if (f.includeFrom !== undefined && !/^[a-z0-9_-]+\.conf$/.test(f.includeFrom)) throw new RenderError(obj, 'includeFrom', `"${f.includeFrom}" is not a main config file name`);
    const entry: { reload: string; includeFrom?: string; parts: { source: string; content: string }[] } = byFile.get(name) ?? { reload: f.reload, parts: [] };
    if (entry.reload !== f.reload) throw new RenderError(obj, 'reload', `${name} is reloaded with ${entry.reload} by another contributor, not ${f.reload}`);
    entry.parts.push({ source: f.source, content: f.content });
    entry.includeFrom ??= f.includeFrom;
    byFile.set(name, entry);
  }
  for (const [name, entry] of byFile) {
    const body = entry.parts.map((p) => {
      const head = new ConfWriter().comment(`from plugin contributor ${p.source}`).toString();
      return head + (p.content.endsWith('\n') || p.content === '' ? p.content : `${p.content}\n`);
    }).join('\n');
    const content = withMarker(`file ${name}`, entry.reload, body);
    files.push({ name, content, reload: entry.reload, sha256: sha256(content), ...(entry.includeFrom ? { includeFrom: entry.includeFrom } : {}) });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Plugin text is the plugin's responsibility, but no directives and no NUL/CR reach a server. */
function checkFragmentContent(obj: string, content: string): void {
  if (/[\0\r]/.test(content)) throw new RenderError(obj, 'content', 'must not contain NUL or CR characters');
  const lines = content.split('\n');
  lines.forEach((line, i) => {
    if (/^\s*#/.test(line)) throw new RenderError(obj, 'content', `line ${i + 1}: #include/#exec and other directives are not allowed in fragments`);
  });
}

/** Asks every contributor (in key order) for its fragments, on a credential-free frozen view. */
export async function collectFragments(
  snapshot: ClusterSnapshotView, contributors: ReadonlyMap<string, ConfigContributor>,
): Promise<SourcedFragment[]> {
  if (!contributors.size) return [];
  const view = toPluginView(snapshot);
  const out: SourcedFragment[] = [];
  for (const key of [...contributors.keys()].sort()) {
    const fragments = await contributors.get(key)!.render(view);
    for (const f of fragments) out.push({ file: f.file, content: f.content, reload: f.reload, ...(f.includeFrom !== undefined ? { includeFrom: f.includeFrom } : {}), source: key });
  }
  return out;
}

export interface IncludeStub { file: string; content: string }

/**
 * What a site adds to its hand-written main files (once): the include of acm's file at the
 * end, so hand-written config survives and acm owns only its own files. The form is
 * `#tryinclude` (every Asterisk config file takes it): a missing `#include` target makes
 * Asterisk reject the whole main file, and at boot pbx_config then declines to load (no
 * dialplan at all), whereas a missing `#tryinclude` target is skipped and the site's own config
 * still loads. acm renders and pushes every file always (empty when there is nothing), so the
 * file is normally there; if it ever is not, the marker check after the reload says so.
 */
export function renderIncludeStubs(pluginFiles: readonly Pick<RenderedFile, 'name' | 'reload' | 'includeFrom'>[] = []): IncludeStub[] {
  const wanted = [
    ...CORE_FILES.map((f) => ({ name: f.name, reload: f.reload, main: f.main, core: true })),
    ...pluginFiles.filter((f) => f.includeFrom).map((f) => ({ name: f.name, reload: f.reload, main: f.includeFrom!, core: false })),
  ];
  const stubs = wanted.map((f) => {
    const lines = [
      `; --- add at the end of ${f.main} (acm renders ${f.name}; reload: ${f.reload}) ---`,
    ];
    if (f.core && f.main === 'pjsip.conf') {
      lines.push('; acm renders transport-udp (and transport-tcp when a trunk uses TCP): remove hand-written transports of the same name.');
    }
    if (f.core && f.main === 'extensions.conf') {
      lines.push('; acm renders the contexts internal, local, longdistance, international and one per group (t<id>- prefixed for other tenants).');
    }
    if (f.core && f.main === 'voicemail.conf') {
      lines.push('; acm renders the mailboxes of its extensions: remove hand-written boxes of the same number and context (Asterisk ignores duplicates).');
    }
    lines.push(`#tryinclude ${f.name}`);
    return { file: f.main, content: `${lines.join('\n')}\n` };
  });
  // One stub per main file, its #include lines together.
  const byMain = new Map<string, string>();
  for (const st of stubs) byMain.set(st.file, (byMain.get(st.file) ?? '') + st.content);
  return [...byMain.entries()].map(([file, content]) => ({ file, content })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export { renderPjsip, renderDialplan, renderVoicemail, renderAcl, renderParking, renderMusicOnHold };
