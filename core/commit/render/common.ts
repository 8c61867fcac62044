import { confName, confValue, configTextProblem, UnsafeConfigValueError } from '../../../sdk/config-text.ts';
import type {
  AclView, ClusterSnapshotView, ExtensionView, GroupView, TenantView, TrunkView,
} from '../../../sdk/commit.ts';

/** The default tenant's objects keep their plain names; every other tenant's get `t<id>-`. */

export { DEFAULT_TENANT_ID, tenantPrefix } from '../../../sdk/commit.ts';
import { tenantPrefix } from '../../../sdk/commit.ts';

/** A tenant object or context name: prefixed, then checked as a section name. */
export function tenantName(tenant: Pick<TenantView, 'id'>, name: string, field = 'name'): string {
  return confName(tenantPrefix(tenant) + name, field);
}

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

export const names = {
  endpoint: (t: TenantView, e: Pick<ExtensionView, 'extension'>) => tenantName(t, e.extension, 'extension'),
  trunk: (t: TenantView, tr: Pick<TrunkView, 'name'>) => tenantName(t, tr.name, 'trunk name'),
  groupTemplate: (t: TenantView, g: Pick<GroupView, 'name'>) => tenantName(t, `grp-${g.name}`, 'group name'),
  groupContext: (t: TenantView, g: Pick<GroupView, 'name' | 'context'>) =>
    tenantName(t, g.context || `grp-${g.name}`, g.context ? 'group context' : 'group name'),
  context: (t: TenantView, name: string, field = 'context') => tenantName(t, name, field),
  internal: (t: TenantView) => tenantName(t, 'internal'),
  acl: (t: TenantView, name: string, field = 'acl') => tenantName(t, name, field),
  parkingLot: (t: TenantView) => tenantName(t, 'parking'),
  /** `default` is the class every Asterisk has; it is shared and never rendered by acm. */
  mohClass: (t: TenantView, name: string) => (name === 'default' ? 'default' : tenantName(t, name, 'musicOnHold')),
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
 * The config writer: the only way renderers produce lines. Values go through confValue, section
 * names through confName, comments through confValue, so no user text can start a line.
 * ---------------------------------------------------------------------------------------------- */

export class ConfWriter {
  private readonly lines: string[] = [];
  /** Section header lines this writer emitted: tests compare them with what a parser sees. */
  readonly headers: string[] = [];

  constructor(private readonly reserved: readonly string[] = []) {}

  comment(text: string): this {
    this.lines.push(`; ${confValue(text, 'comment')}`);
    return this;
  }

  blank(): this {
    if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.lines.push('');
    return this;
  }

  /** `[name]`, `[name](!)` for a template or `[name](tpl)` to inherit from one. */
  section(name: string, opts: { template?: boolean; inherits?: string } = {}): this {
    confName(name, 'section');
    if (this.reserved.includes(name)) throw new UnsafeConfigValueError('section', `"${name}" is reserved by the main config file`);
    let header = `[${name}]`;
    if (opts.template) header += '(!)';
    else if (opts.inherits) header += `(${confName(opts.inherits, 'template')})`;
    this.lines.push(header);
    this.headers.push(header);
    return this;
  }

  /** `key = value`; null/undefined/'' values are skipped. */
  set(key: string, value: string | number | boolean | null | undefined, field: string = key): this {
    if (value === null || value === undefined || value === '') return this;
    const v = confValue(typeof value === 'boolean' ? (value ? 'yes' : 'no') : value, field);
    if (v === '') return this;
    this.lines.push(`${optionKey(key)} = ${v}`);
    return this;
  }

  /** `key => value` (voicemail boxes, res_parking lots, dialplan lines). */
  arrow(key: string, value: string, field: string = key): this {
    this.lines.push(`${optionKey(key)} => ${confValue(value, field)}`);
    return this;
  }

  /**
   * A line the renderer assembled itself from checked tokens (`exten => …`, `include => …`);
   * still refused if it could break out of its line.
   */
  raw(line: string): this {
    const problem = configTextProblem(line);
    if (problem) throw new UnsafeConfigValueError('line', problem);
    this.lines.push(line);
    return this;
  }

  /** A dialplan continuation line: ` same => n,App(args)`. */
  same(value: string, field = 'dialplan'): this {
    this.lines.push(` same => ${confValue(value, field)}`);
    return this;
  }

  toString(): string {
    while (this.lines.length && this.lines[this.lines.length - 1] === '') this.lines.pop();
    return this.lines.length ? `${this.lines.join('\n')}\n` : '';
  }
}

function optionKey(key: string): string {
  if (!/^[A-Za-z0-9_*#+]+$/.test(key)) throw new UnsafeConfigValueError('option', `"${key}" is not an option name`);
  return key;
}

/** The header every acm file starts with. Deterministic: no timestamps. */
export function fileHeader(w: ConfWriter, s: ClusterSnapshotView, what: string): void {
  w.comment(`${what} - generated by acm (Asterisk Cluster Manager). Do not edit: the next commit overwrites it.`);
  w.comment(`cluster ${confName(s.cluster.name, 'cluster name')} (id ${s.cluster.id}), site ${confName(s.site.name, 'site name')} (id ${s.site.id}), tenant ${confName(s.tenant.name, 'tenant name')} (id ${s.tenant.id})`);
}

/* ------------------------------------------------------------------------------------------------
 * Dialplan arguments.
 *
 * Inside an application's arguments Asterisk gives meaning to `,` (argument separator), `(`/`)`
 * (nesting), `${`/`$[` (variable, function and expression substitution, e.g. `${SHELL(...)}`),
 * `"` and `\` (quoting/escaping) and `[`/`]`/`{`/`}`. acm does not try to escape user text into
 * that language: the only user values that reach application arguments are extension numbers,
 * forward-to numbers and object names, and they must match a plain token allow-list; anything
 * else is refused (the API already refuses it; the renderer throws if it slips in).
 * ---------------------------------------------------------------------------------------------- */
export function dialplanToken(value: string, field: string): string {
  const v = confValue(value, field);
  if (!/^[A-Za-z0-9_.+*#@/-]+$/.test(v)) {
    throw new UnsafeConfigValueError(field, 'dialplan arguments may use letters, digits and _.+*#@/- only');
  }
  return v;
}

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
 * `1…` long distance, anything else (7/10-digit, 911, N11) local.
 */
export function classifyPattern(pattern: string, dialPrefix: string | null | undefined): OutboundRight {
  let body = pattern.startsWith('_') ? pattern.slice(1) : pattern;
  if (dialPrefix && body.startsWith(dialPrefix)) body = body.slice(dialPrefix.length);
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
