import { createHash } from 'node:crypto';
import { MARKER_PREFIX } from '../../../sdk/commit.ts';
import { RenderError } from './common.ts';

/**
 * Per-revision marker objects. A reload's "success" proves nothing (Asterisk keeps the old
 * config when it rejects a file and still answers success), so every file of a marker-capable
 * module ends with one harmless object named after the file's content. After a reload the
 * verifier asks Asterisk for it: present means this very file was parsed and applied; the
 * previous revision's marker must be gone. The name hashes the content *before* the marker, so
 * an unchanged file keeps its marker, its bytes and its hash.
 *
 * MOH classes need a real directory and parking lots a parking extension, so res_musiconhold
 * and res_parking get no marker: their verifiers compare every rendered object instead.
 */
const MARKERS: Readonly<Record<string, (name: string, hash: string) => string[]>> = {
  'res_pjsip.so': (name) => [`[${name}]`, 'type = aor', 'max_contacts = 0'],
  'pbx_config.so': (name) => [`[${name}]`, 'exten => s,1,Hangup()'],
  // Denies everything: an ACL nobody names, harmless.
  acl: (name) => [`[${name}]`, 'deny = 0.0.0.0/0.0.0.0'],
  // A context of its own with one box whose password is digits of the hash.
  'app_voicemail.so': (name, hash) => [`[${name}]`, `0 => ${BigInt(`0x${hash.slice(0, 12)}`).toString().slice(0, 8)},acm marker`],
  'app_confbridge.so': (name) => [`[${name}]`, 'type = bridge'],
  'app_queue.so': (name) => [`[${name}]`],
};

export function hasMarker(module: string): boolean {
  return Object.hasOwn(MARKERS, module);
}

export function markerName(body: string): string {
  return `${MARKER_PREFIX}${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * The file as written: its rendered body plus the module's marker (unchanged for modules
 * without one). `object` names the file in errors. A rendered section may not use the marker
 * prefix, or a user-named object could pass for a marker.
 */
export function withMarker(object: string, module: string, body: string): string {
  for (const m of body.matchAll(/^\[([^\]\r\n]*)\]/gm)) {
    if (m[1]!.startsWith(MARKER_PREFIX)) throw new RenderError(object, 'name', `"${m[1]}": names starting with ${MARKER_PREFIX} are acm's revision markers`);
  }
  const marker = MARKERS[module];
  if (!marker) return body;
  const name = markerName(body);
  const lines = [MARKER_COMMENT, ...marker(name, name.slice(MARKER_PREFIX.length))];
  const sep = body === '' ? '' : body.endsWith('\n') ? '\n' : '\n\n';
  return `${body}${sep}${lines.join('\n')}\n`;
}

const MARKER_COMMENT = '; revision marker: acm checks after each reload that Asterisk loaded this file';

/** The inverse of withMarker: the body and the marker's name, or undefined when the file carries no valid marker. */
export function splitMarker(content: string): { body: string; name: string } | undefined {
  const at = content.lastIndexOf(MARKER_COMMENT);
  if (at < 0) return undefined;
  const name = /^\[([^\]]+)\]$/m.exec(content.slice(at))?.[1];
  const prefix = content.slice(0, at);
  // The separator is one newline after a body ending in one, two otherwise: the name tells which.
  const body = (prefix === '' ? [''] : [prefix.slice(0, -1), prefix.slice(0, -2)]).find((b) => markerName(b) === name);
  return body === undefined || !name ? undefined : { body, name };
}
