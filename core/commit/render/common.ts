import { UnsafeConfigValueError } from '../../../sdk/config-text.ts';
import type {
  AclView, ClusterSnapshotView, ExtensionView, GroupView, TenantView, TrunkView,
} from '../../../sdk/commit.ts';

/** The default tenant's objects keep their plain names; every other tenant's get `t<id>-`. */

export { DEFAULT_TENANT_ID, tenantPrefix } from '../../../sdk/commit.ts';
export { ConfWriter, dialplanToken, fileHeader, objectNames as names, tenantName } from '../../../sdk/conf-writer.ts';
import { objectNames as names, tenantName } from '../../../sdk/conf-writer.ts';

/** A problem the renderer refuses to write (a reference it cannot resolve, a bad enum value…). */
export class RenderError extends Error {
  constructor(readonly object: string, readonly field: string | undefined, message: string) {
    super(`${object}${field ? ` (${field})` : ''}: ${message}`);
  }
}

/* ------------------------------------------------------------------------------------------------
 * Names. One function per generated name so the renderers and the validator agree.
 * ---------------------------------------------------------------------------------------------- */

/** The contexts acm always renders for a tenant, and the order group rights are included in. */
export const RIGHT_ORDER = ['internal', 'local', 'longdistance', 'international'] as const;
export type OutboundRight = 'local' | 'longdistance' | 'international';

/** Section names the main config files reserve; acm never writes a section with these names. */
export const RESERVED_SECTIONS: Record<string, readonly string[]> = {
  'extensions': ['general', 'globals'],
  'voicemail': ['general', 'zonemessages'],
  'musiconhold': ['general'],
  'res_parking': ['general'],
  'pjsip': ['global', 'system'],
};


/** Where an extension's calls start: its own context, else its group's, else the tenant's internal context. */
export function extensionContext(t: TenantView, e: ExtensionView, group: GroupView | undefined): string {
  if (e.context) return names.context(t, e.context);
  if (group) return names.groupContext(t, group);
  return names.internal(t);
}

/** The context a trunk's inbound calls land in (default: the tenant's internal context). */
export function trunkContext(t: TenantView, tr: TrunkView): string {
  return tr.context ? names.context(t, tr.context, 'trunk context') : names.internal(t);
}

/** Voicemail box of an extension: `box` and its voicemail context (`default`, prefixed per tenant). */
export function voicemailBox(t: TenantView, e: ExtensionView): { box: string; context: string } | null {
  if (!e.mailbox) return null;
  const [box = '', ctx] = e.mailbox.split('@');
  if (!/^[0-9]+$/.test(box)) throw new UnsafeConfigValueError('mailbox', 'the box must be digits, optionally @context');
  return { box, context: tenantName(t, ctx || 'default', 'mailbox context') };
}

/** `box@context`: the key used to find one user's mailbox on several clusters. */
export function mailboxKey(t: TenantView, e: ExtensionView): string | null {
  const vm = voicemailBox(t, e);
  return vm ? `${vm.box}@${vm.context}` : null;
}

/** Every mailbox of a cluster (for building `otherClusterMailboxes` of the validator). */
export function collectMailboxes(s: ClusterSnapshotView): string[] {
  const out: string[] = [];
  for (const e of s.extensions) {
    try {
      const key = mailboxKey(s.tenant, e);
      if (key) out.push(key);
    } catch { /* an unsafe mailbox is reported by the validator of its own cluster */ }
  }
  return out.sort();
}

export function groupsById(s: ClusterSnapshotView): Map<number, GroupView> {
  return new Map(s.groups.map((g) => [g.id, g]));
}

export function aclByName(s: ClusterSnapshotView): Map<string, AclView> {
  return new Map(s.acls.map((a) => [a.name, a]));
}

/* ------------------------------------------------------------------------------------------------
 * Sorting: every list is rendered in a stable order.
 * ---------------------------------------------------------------------------------------------- */

export function byText<T>(key: (v: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** Extensions by number (numeric where both are digits), then id. */
export function byExtension(a: ExtensionView, b: ExtensionView): number {
  const an = /^[0-9]+$/.test(a.extension);
  const bn = /^[0-9]+$/.test(b.extension);
  if (an && bn && a.extension.length !== b.extension.length) return a.extension.length - b.extension.length;
  return a.extension < b.extension ? -1 : a.extension > b.extension ? 1 : a.id - b.id;
}

export const byName = <T extends { name: string; id: number }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id;

/* ------------------------------------------------------------------------------------------------
 * Dialplan patterns (`_NXXNXXXXXX`, `_011.`, `[2-5]`…): match a number against one.
 * ---------------------------------------------------------------------------------------------- */
export function patternToRegExp(pattern: string): RegExp {
  if (!pattern.startsWith('_')) return new RegExp(`^${escapeRe(pattern)}$`);
  let re = '';
  const p = pattern.slice(1);
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    switch (c.toUpperCase()) {
      case 'X': re += '[0-9]'; break;
      case 'Z': re += '[1-9]'; break;
      case 'N': re += '[2-9]'; break;
      case '.': re += '.+'; break;
      case '!': re += '.*'; break;
      case '[': {
        const end = p.indexOf(']', i);
        if (end < 0) { re += '\\['; break; }
        const body = p.slice(i + 1, end).replace(/[\\\]^]/g, '\\$&');
        re += `[${body}]`;
        i = end;
        break;
      }
      default: re += escapeRe(c);
    }
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export function patternMatches(pattern: string, number: string): boolean {
  try {
    return patternToRegExp(pattern).test(number);
  } catch {
    return false;
  }
}

/**
 * Which outbound right a trunk pattern belongs to, judged on the digits dialled after the trunk's
 * dial prefix (North American plan, as the seed used): `011…`, `00…` or `+…` international,
 * `1…` long distance, anything else (7/10-digit, N11) local. A short code of at most three literal
 * digits is local whatever it starts with: 112, 911 or 999 are emergency numbers that a group with
 * only local rights (the hot-desk phones') must be able to dial.
 */
export function classifyPattern(pattern: string, dialPrefix: string | null | undefined): OutboundRight {
  let body = pattern.startsWith('_') ? pattern.slice(1) : pattern;
  if (dialPrefix && body.startsWith(dialPrefix)) body = body.slice(dialPrefix.length);
  if (/^[0-9]{1,3}$/.test(body)) return 'local';
  if (/^(011|00|\+)/.test(body)) return 'international';
  if (body.startsWith('1')) return 'longdistance';
  return 'local';
}

/** How many leading digits Dial strips: the dial prefix when the pattern starts with it literally. */
export function stripCount(pattern: string, dialPrefix: string | null | undefined): number {
  const body = pattern.startsWith('_') ? pattern.slice(1) : pattern;
  return dialPrefix && body.startsWith(dialPrefix) ? dialPrefix.length : 0;
}

/** Codec list as PJSIP takes it (`,`-separated; chan_sip's `&` accepted on input). */
export function codecs(list: string | null | undefined): string[] {
  return (list ?? '').split(/[,&]/).map((c) => c.trim()).filter(Boolean);
}
