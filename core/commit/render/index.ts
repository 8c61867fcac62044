import { createHash } from 'node:crypto';
import type { ClusterSnapshotView, ConfigFileEntry } from '../../../sdk/commit.ts';
import type { DeployPlace } from '../../model/entities.ts';
import { renderAcl, ACL_FILE } from './acl.ts';
import { renderDialplan, DIALPLAN_FILE } from './dialplan.ts';
import { MOH_FILE, PARKING_FILE, renderMusicOnHold, renderParking } from './features.ts';
import { renderPjsip, PJSIP_FILE } from './pjsip.ts';
import { renderVoicemail, VOICEMAIL_FILE } from './voicemail.ts';
import { withMarker } from './markers.ts';

export { tenantPrefix, RenderError } from './common.ts';

interface FileBase {
  /** Path relative to the Asterisk config dir, e.g. `acm/pjsip.acm.conf`. */
  name: string;
  /** The module to reload when the file changed (as AMI `Reload` / CLI `module reload` take it). */
  reload: string;
  /** SHA-256 of the UTF-8 content (of the bytes for a binary file), hex. */
  sha256: string;
  /** The text diffs and revision views show when it is not `content`: its secrets masked, or a binary file's size and hash. */
  shown?: string;
  /** A deploy target's file (core/commit/targets.ts): `reload` is then the target. */
  deploy?: DeployPlace;
  /** A deploy target's file its running plugin no longer renders: deleted from its server (a rollback puts it back). */
  removed?: true;
}

/** A config file, or a deploy target's text file. */
export interface TextFile extends FileBase { content: string; binary?: undefined }

/**
 * A deploy target's binary file (an audio prompt): pushed and hashed byte for byte, stored
 * base64 in config_blobs, shown as `binary file, <n> bytes, sha256 <hex>` and never as bytes.
 */
export interface BinaryFile extends FileBase { content: Buffer; binary: true; shown: string; deploy: DeployPlace }

export type RenderedFile = TextFile | BinaryFile;

/** The text files of a list (config files are always text; verifiers and validators read them). */
export const textFiles = <F extends RenderedFile>(files: readonly F[]): Extract<F, TextFile>[] => files.filter((f) => !f.binary) as Extract<F, TextFile>[];

/**
 * The core's own files, with the module that reloads each, the main file that includes it and
 * what `acm includes` tells the site about it; core/commit/files.ts makes them registry entries.
 * `acl` and `features` are built into Asterisk (no `.so`): `module show` lists them as `acl`
 * (Named ACL system) and `features` (Call Features); `reload acl` reloads acl.conf.
 */
export const CORE_FILES: readonly {
  name: string; reload: string; main: string; render: (snapshot: ClusterSnapshotView) => string; note?: string;
}[] = [
  { name: ACL_FILE, reload: 'acl', main: 'acl.conf', render: renderAcl },
  {
    name: DIALPLAN_FILE, reload: 'pbx_config.so', main: 'extensions.conf', render: renderDialplan,
    note: 'acm renders the contexts internal, local, longdistance, international and one per group (t<id>- prefixed for other tenants).',
  },
  { name: MOH_FILE, reload: 'res_musiconhold.so', main: 'musiconhold.conf', render: renderMusicOnHold },
  {
    name: PJSIP_FILE, reload: 'res_pjsip.so', main: 'pjsip.conf', render: renderPjsip,
    note: 'acm renders transport-udp (and transport-tcp when a trunk uses TCP): remove hand-written transports of the same name.',
  },
  { name: PARKING_FILE, reload: 'res_parking.so', main: 'res_parking.conf', render: renderParking },
  {
    name: VOICEMAIL_FILE, reload: 'app_voicemail.so', main: 'voicemail.conf', render: renderVoicemail,
    note: 'acm renders the mailboxes of its extensions: remove hand-written boxes of the same number and context (Asterisk ignores duplicates).',
  },
];

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

export function sha256(content: string | Uint8Array): string {
  return typeof content === 'string' ? createHash('sha256').update(content, 'utf8').digest('hex') : createHash('sha256').update(content).digest('hex');
}

/** What diffs and revision views show of a binary file: its size and hash, never its bytes. */
export function binaryShown(bytes: number, sha: string): string {
  return `binary file, ${bytes} bytes, sha256 ${sha}\n`;
}

/**
 * The core's own files for one cluster with their markers (always all of them, empty or not,
 * so an `#include` never names a missing file), sorted by name. The commit renders them through
 * the file registry (core/commit/files.ts) together with the plugins' files; this is the pure
 * part the validator and the golden tests use. Throws `UnsafeConfigValueError`/`RenderError`
 * rather than write anything unsafe.
 */
export function renderCluster(snapshot: ClusterSnapshotView): TextFile[] {
  return CORE_FILES.map((f) => {
    const content = withMarker(`file ${f.name}`, f.reload, f.render(snapshot));
    return { name: f.name, content, reload: f.reload, sha256: sha256(content) };
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
export function renderIncludeStubs(
  files: readonly Pick<ConfigFileEntry, 'name' | 'reload' | 'includeFrom' | 'owner' | 'note'>[] = CORE_FILES.map((f) => ({ name: f.name, reload: f.reload, includeFrom: f.main, owner: 'core', ...(f.note ? { note: f.note } : {}) })),
): IncludeStub[] {
  const byMain = new Map<string, string>();
  // The core's files first in each main file, then the plugins' by name.
  const ordered = [...files].sort((a, b) => Number(a.owner !== 'core') - Number(b.owner !== 'core') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of ordered) {
    const by = f.owner === 'core' ? '' : ` for plugin ${f.owner}`;
    const lines = [`; --- add at the end of ${f.includeFrom} (acm renders ${f.name}${by}; reload: ${f.reload}) ---`];
    if (f.note) lines.push(`; ${f.note}`);
    lines.push(`#tryinclude ${f.name}`);
    byMain.set(f.includeFrom, `${byMain.get(f.includeFrom) ?? ''}${lines.join('\n')}\n`);
  }
  return [...byMain.entries()].map(([file, content]) => ({ file, content })).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export { renderPjsip, renderDialplan, renderVoicemail, renderAcl, renderParking, renderMusicOnHold };
