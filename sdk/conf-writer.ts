import { confName, confValue, configTextProblem, UnsafeConfigValueError } from './config-text.ts';
import { tenantPrefix, type ClusterSnapshotView, type ExtensionView, type GroupView, type TenantView, type TrunkView } from './commit.ts';

/**
 * Writing Asterisk config, for the core's renderers and every plugin's alike: the writer, the
 * names acm gives a tenant's objects, the file header and dialplan argument tokens.
 */

/** A tenant object or context name: prefixed, then checked as a section name. */
export function tenantName(tenant: Pick<TenantView, 'id'>, name: string, field = 'name'): string {
  return confName(tenantPrefix(tenant) + name, field);
}

/** The names acm renders for a tenant's objects: one function each, so renderers and validators agree. */
export const objectNames = {
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

  /**
   * `[name]`, `[name](!)` for a template or `[name](tpl)` to inherit from one. `eid`: the name is
   * a DUNDi entity id (`02:ac:00:00:00:01`, dundi.conf peers), six hex bytes.
   */
  section(name: string, opts: { template?: boolean; inherits?: string; eid?: boolean } = {}): this {
    if (opts.eid) {
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(name)) throw new UnsafeConfigValueError('section', `"${name.slice(0, 30)}" is not an entity id`);
    } else confName(name, 'section');
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
  if (!/^[A-Za-z0-9_*#+][A-Za-z0-9_*#+-]*$/.test(key)) throw new UnsafeConfigValueError('option', `"${key}" is not an option name`);
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
