import {
  callerIdProblem, hostProblem, ipProblem, networkProblem, RESERVED_NAMES, reservedNameProblem,
} from '../../sdk/asterisk-syntax.ts';
import { configTextProblem, UnsafeConfigValueError } from '../../sdk/config-text.ts';
import type { ClusterSnapshotView, ExtensionView, TrunkView } from '../../sdk/commit.ts';
import { KNOWN_CODECS, VALUE_SYNTAX } from '../model/schemas.ts';
import {
  codecs, groupsById, mailboxKey, names, patternMatches, RenderError, RESERVED_SECTIONS, tenantPrefix,
} from './render/common.ts';
import { DIALPLAN_PATTERN, FEATURE_CODES, orderedRights, outboundRoutes } from './render/dialplan.ts';
import { parkingOf } from './render/features.ts';
import { renderCluster, type TextFile } from './render/index.ts';
import { trunkTransport } from './render/pjsip.ts';

export interface Problem {
  /** What is wrong, e.g. `extension 6101`, `trunk carrier-a`, `group USSales`. */
  object: string;
  field?: string;
  message: string;
}

export interface ValidateOptions {
  /** Contexts the site's hand-written extensions.conf defines (default tenant only: others are prefixed). */
  knownContexts?: readonly string[];
  /** This cluster's name as it appears in `otherClusterMailboxes` values (default: snapshot.cluster.name). */
  clusterName?: string;
}

/** Contexts every Asterisk has (or res_parking creates), valid targets without acm rendering them. */
export const ASTERISK_CONTEXTS = ['default', 'parkedcalls'];

/**
 * Checks one cluster before a commit and lists every problem (never stops at the first).
 * `files` are the rendered files (rendered here when omitted): the contexts they define are the
 * valid context references. `otherClusterMailboxes` maps `box@context` (see `collectMailboxes`)
 * to the other clusters that define that mailbox.
 */
export function validateCluster(
  snapshot: ClusterSnapshotView,
  files?: readonly TextFile[],
  otherClusterMailboxes: ReadonlyMap<string, readonly string[]> = new Map(),
  options: ValidateOptions = {},
): Problem[] {
  const problems: Problem[] = [];
  const add = (object: string, field: string | undefined, message: string) => {
    problems.push(field ? { object, field, message } : { object, message });
  };
  /** Runs a check that may throw the renderers' errors, as a problem of `object`. */
  const guard = <T>(object: string, field: string | undefined, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof UnsafeConfigValueError) add(object, field ?? err.field, err.reason);
      else if (err instanceof RenderError) add(object, err.field ?? field, err.message);
      else throw err;
      return undefined;
    }
  };
  const s = snapshot;
  const t = s.tenant;
  const extObj = (e: ExtensionView) => `extension ${e.extension}`;
  const trunkObj = (tr: TrunkView) => `trunk ${tr.name}`;

  // 1. Text that would be unsafe in config, on every text field of every object.
  const textFields = (object: string, row: object) => {
    for (const [field, value] of Object.entries(row)) {
      if (typeof value === 'string') {
        const p = configTextProblem(value);
        if (p) add(object, field, p);
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (typeof v === 'string') {
            const p = configTextProblem(v);
            if (p) add(object, `${field}[${i}]`, p);
          } else if (v && typeof v === 'object') {
            for (const [k, x] of Object.entries(v)) {
              const p = typeof x === 'string' ? configTextProblem(x) : null;
              if (p) add(object, `${field}[${i}].${k}`, p);
            }
          }
        });
      }
    }
  };
  textFields(`tenant ${t.name}`, t);
  textFields(`site ${s.site.name}`, s.site);
  textFields(`cluster ${s.cluster.name}`, s.cluster);
  for (const g of s.groups) textFields(`group ${g.name}`, g);
  for (const e of s.extensions) textFields(extObj(e), e);
  for (const tr of s.trunks) textFields(trunkObj(tr), tr);
  for (const a of s.acls) textFields(`acl ${a.name}`, a);

  // 2. Names that become section/object names.
  guard(`tenant ${t.name}`, 'name', () => names.context(t, t.name, 'name'));
  guard(`cluster ${s.cluster.name}`, 'name', () => names.context(t, s.cluster.name, 'name'));
  guard(`site ${s.site.name}`, 'name', () => names.context(t, s.site.name, 'name'));
  for (const g of s.groups) {
    guard(`group ${g.name}`, 'name', () => names.groupTemplate(t, g));
    guard(`group ${g.name}`, 'context', () => names.groupContext(t, g));
  }
  for (const a of s.acls) {
    guard(`acl ${a.name}`, 'name', () => names.acl(t, a.name, 'name'));
    if (!a.rules.length) add(`acl ${a.name}`, 'rules', 'has no rules (an empty named ACL permits everything)');
    a.rules.forEach((r, i) => {
      if (r.action !== 'permit' && r.action !== 'deny') add(`acl ${a.name}`, `rules[${i}].action`, 'must be permit or deny');
      const p = typeof r.network === 'string' ? networkProblem(r.network) : 'is required';
      if (p) add(`acl ${a.name}`, `rules[${i}].network`, p);
    });
  }

  // PJSIP object names (endpoint/aor/auth share the name): one per cluster.
  const pjsipNames = new Map<string, string>();
  const claim = (name: string | undefined, object: string) => {
    if (!name) return;
    const other = pjsipNames.get(name);
    if (other) add(object, 'name', `PJSIP object "${name}" is also rendered for ${other} (a duplicate object makes Asterisk reject the whole pjsip.conf)`);
    else pjsipNames.set(name, object);
  };
  for (const g of s.groups) claim(guard(`group ${g.name}`, 'name', () => names.groupTemplate(t, g)), `group ${g.name}`);
  for (const e of s.extensions) claim(guard(extObj(e), 'extension', () => names.endpoint(t, e)), extObj(e));
  for (const tr of s.trunks) claim(guard(trunkObj(tr), 'name', () => names.trunk(t, tr)), trunkObj(tr));
  // The rendered names too (defence in depth for rows stored before the schema refused them).
  for (const [name, owner] of pjsipNames) {
    if (RESERVED_NAMES.pjsip.includes(name.toLowerCase())) add(owner, 'name', reservedNameProblem('pjsip', name)!);
  }
  reservedNames(s, add);
  valueSyntax(s, add);

  // 3. Codecs Asterisk does not know.
  const checkCodecs = (object: string, field: string, list: string | null | undefined) => {
    for (const c of codecs(list)) {
      if (!KNOWN_CODECS.includes(c.replace(/^!/, ''))) add(object, field, `unknown codec "${c}"`);
    }
  };
  for (const e of s.extensions) {
    checkCodecs(extObj(e), 'allow', e.allow);
    checkCodecs(extObj(e), 'disallow', e.disallow);
  }
  for (const tr of s.trunks) checkCodecs(trunkObj(tr), 'codecs', tr.codecs);

  // 4. Rendering: anything the renderers refuse is a problem too (and gives the defined contexts).
  let rendered = files;
  if (!rendered) {
    try {
      rendered = renderCluster(s);
    } catch (err) {
      if (err instanceof UnsafeConfigValueError) add(`cluster ${s.cluster.name}`, err.field, `cannot be rendered: ${err.reason}`);
      else if (err instanceof RenderError) add(err.object, err.field, err.message);
      else throw err;
    }
  }
  const defined = new Set<string>();
  for (const f of rendered ?? []) {
    if (f.reload !== 'pbx_config.so') continue;
    for (const m of f.content.matchAll(/^\[([^\]]+)\]/gm)) defined.add(m[1]!);
  }
  if (!rendered) {
    // Could not render: fall back to the names the dialplan renderer would define.
    for (const r of ['internal', 'local', 'longdistance', 'international']) guard(`tenant ${t.name}`, undefined, () => defined.add(names.context(t, r)));
    for (const g of s.groups) guard(`group ${g.name}`, undefined, () => defined.add(names.groupContext(t, g)));
  }
  const known = new Set(tenantPrefix(t) ? [] : [...ASTERISK_CONTEXTS, ...(options.knownContexts ?? [])]);
  const parking = guard(`tenant ${t.name}`, undefined, () => parkingOf(t));
  if (parking) known.add(parking.context);
  const contextExists = (name: string) => defined.has(name) || known.has(name);
  const reserved = RESERVED_SECTIONS.extensions!;

  // 5. References: groups, contexts, ACLs.
  const groups = groupsById(s);
  const aclNames = new Set(s.acls.map((a) => a.name));
  const contextsByGroup = new Map<string, string>();
  for (const g of [...s.groups].sort((a, b) => a.id - b.id)) {
    const ctx = guard(`group ${g.name}`, 'context', () => names.groupContext(t, g));
    if (!ctx) continue;
    if (reserved.includes(ctx)) add(`group ${g.name}`, 'context', `"${ctx}" is reserved in extensions.conf`);
    const own = ['internal', 'local', 'longdistance', 'international'].map((r) => names.context(t, r));
    if (own.includes(ctx) || ctx === parking?.context) add(`group ${g.name}`, 'context', `"${ctx}" is a context acm renders itself`);
    const other = contextsByGroup.get(ctx);
    if (other) add(`group ${g.name}`, 'context', `context "${ctx}" is already the context of group ${other}`);
    else contextsByGroup.set(ctx, g.name);
    for (const right of orderedRights(g.rights)) {
      const rctx = guard(`group ${g.name}`, 'rights', () => names.context(t, right, 'rights'));
      if (rctx && !contextExists(rctx)) add(`group ${g.name}`, 'rights', `right "${right}" names context "${rctx}", which nothing defines`);
    }
  }
  for (const e of s.extensions) {
    const o = extObj(e);
    const group = e.groupId ? groups.get(e.groupId) : undefined;
    if (e.groupId && !group) add(o, 'groupId', `group ${e.groupId} does not exist in this tenant`);
    if (e.context) {
      const ctx = guard(o, 'context', () => names.context(t, e.context!));
      if (ctx && !contextExists(ctx)) add(o, 'context', `context "${ctx}" is not defined`);
    }
    if (e.acl && !aclNames.has(e.acl)) add(o, 'acl', `ACL "${e.acl}" does not exist`);
    if (!e.secret && !e.md5Secret) add(o, 'secret', 'has no secret: the endpoint refuses every call until one is set');
    if (e.mailbox && !e.vmSecret) add(o, 'vmSecret', 'mailbox without a voicemail password (the box number would be its password)');
    if (e.cfwdSet === 'yes' && !e.cfwdTo) add(o, 'cfwdTo', 'call forward is on but has no target');
    const enums: [keyof ExtensionView, readonly string[]][] = [
      ['dtmfMode', ['rfc4733', 'rfc2833', 'inband', 'info', 'auto', 'auto_info']],
      ['canReinvite', ['yes', 'no', 'nonat', 'update']],
      ['encryption', ['yes', 'no']],
      ['qualify', []],
    ];
    for (const [field, allowed] of enums) {
      const v = e[field];
      if (typeof v !== 'string' || !v) continue;
      if (field === 'qualify' ? !/^(yes|no|[0-9]{1,5})$/.test(v) : !allowed.includes(v)) add(o, field, `"${v}" is not a supported value`);
    }
    if (e.nat && !e.nat.split(',').every((p) => ['yes', 'no', 'force_rport', 'comedia', 'auto_force_rport', 'auto_comedia'].includes(p.trim()))) {
      add(o, 'nat', `"${e.nat}" is not a supported value`);
    }
  }
  for (const tr of s.trunks) {
    const o = trunkObj(tr);
    if (!tr.host) add(o, 'host', 'a trunk needs a host');
    if (tr.register && !tr.username) add(o, 'username', 'registration needs a username');
    if (tr.acl && !aclNames.has(tr.acl)) add(o, 'acl', `ACL "${tr.acl}" does not exist`);
    if (tr.context) {
      const ctx = guard(o, 'context', () => names.context(t, tr.context!, 'context'));
      if (ctx && !contextExists(ctx)) add(o, 'context', `context "${ctx}" is not defined`);
    }
    if (tr.transport === 'tls') add(o, 'transport', `acm renders no TLS transport (certificates); "${trunkTransport(tr)}" would be missing`);
    else if (tr.transport && tr.transport !== 'udp' && tr.transport !== 'tcp') add(o, 'transport', `"${tr.transport}" is not udp, tcp or tls`);
    (tr.outboundPatterns ?? []).forEach((p, i) => {
      if (!DIALPLAN_PATTERN.test(p)) add(o, `outboundPatterns[${i}]`, `"${p}" is not a dialplan pattern`);
      else if (p.length > 79) add(o, `outboundPatterns[${i}]`, 'longer than the 79 characters Asterisk keeps of a pattern');
    });
  }

  // 6. Numbers: one per context. Extensions, feature codes and the parking lot share internal;
  //    trunk patterns (reachable from the same group contexts) must not swallow an extension.
  const taken = new Map<string, string>();
  for (const code of Object.keys(FEATURE_CODES)) taken.set(code, `feature code ${code} (${FEATURE_CODES[code]})`);
  if (parking) {
    taken.set(parking.parkext, `parking lot ${parking.lot} (park extension)`);
    for (let n = parking.first; n <= parking.last; n++) taken.set(String(n), `parking lot ${parking.lot} (space ${n})`);
  }
  const routes = guard(`cluster ${s.cluster.name}`, 'outboundPatterns', () => outboundRoutes(s)) ?? [];
  for (const e of [...s.extensions].sort((a, b) => a.id - b.id)) {
    const o = extObj(e);
    const other = taken.get(e.extension);
    if (other) add(o, 'extension', `number ${e.extension} is already used by ${other} in context ${names.internal(t)}`);
    else taken.set(e.extension, `extension ${e.extension} (id ${e.id})`);
    for (const r of routes) {
      if (patternMatches(r.pattern, e.extension)) {
        add(o, 'extension', `number ${e.extension} is also matched by outbound pattern ${r.pattern} of ${r.trunks.map((tr) => `trunk ${tr.name}`).join(', ')}`);
      }
    }
  }
  // Feature codes vs trunk patterns.
  for (const code of Object.keys(FEATURE_CODES)) {
    for (const r of routes) {
      if (patternMatches(r.pattern, code)) add(`trunk ${r.trunks[0]!.name}`, 'outboundPatterns', `pattern ${r.pattern} also matches feature code ${code}`);
    }
  }

  // 7. Voicemail: one box per user across clusters.
  const clusterName = options.clusterName ?? s.cluster.name;
  for (const e of s.extensions) {
    const key = guard(extObj(e), 'mailbox', () => mailboxKey(t, e));
    if (!key) continue;
    const vmCtx = key.split('@')[1]!;
    if (RESERVED_SECTIONS.voicemail!.includes(vmCtx)) add(extObj(e), 'mailbox', `voicemail context "${vmCtx}" is reserved in voicemail.conf`);
    const others = (otherClusterMailboxes.get(key) ?? []).filter((c) => c !== clusterName);
    if (others.length) add(extObj(e), 'mailbox', `mailbox ${key} is also defined on cluster ${[...new Set(others)].sort().join(', ')} (a roaming user needs one mailbox)`);
  }
  const vmSeen = new Map<string, string>();
  for (const e of [...s.extensions].sort((a, b) => a.id - b.id)) {
    const key = guard(extObj(e), 'mailbox', () => mailboxKey(t, e));
    if (!key) continue;
    const other = vmSeen.get(key);
    if (other) add(extObj(e), 'mailbox', `mailbox ${key} is also the mailbox of ${other}`);
    else vmSeen.set(key, extObj(e));
  }

  return dedupe(problems);
}

type Add = (object: string, field: string | undefined, message: string) => void;

/** Names with a special meaning (sdk/asterisk-syntax.ts), as stored: the schemas refuse them on input. */
function reservedNames(s: ClusterSnapshotView, add: Add): void {
  const check = (object: string, field: string, kind: Parameters<typeof reservedNameProblem>[0], name: string | null | undefined, opts = {}) => {
    const p = name ? reservedNameProblem(kind, name, opts) : null;
    if (p) add(object, field, p);
  };
  for (const tr of s.trunks) {
    check(`trunk ${tr.name}`, 'name', 'pjsip', tr.name);
    check(`trunk ${tr.name}`, 'context', 'context', tr.context, { allowGroupPrefix: true });
    check(`trunk ${tr.name}`, 'acl', 'acl', tr.acl);
  }
  for (const g of s.groups) {
    check(`group ${g.name}`, 'context', 'ownContext', g.context);
    (g.rights ?? []).forEach((r) => check(`group ${g.name}`, 'rights', 'context', r, { allowGroupPrefix: true }));
  }
  for (const a of s.acls) check(`acl ${a.name}`, 'name', 'acl', a.name);
  for (const e of s.extensions) {
    const o = `extension ${e.extension}`;
    check(o, 'context', 'context', e.context, { allowGroupPrefix: true });
    check(o, 'acl', 'acl', e.acl);
    check(o, 'musicOnHold', 'moh', e.musicOnHold);
    check(o, 'mailbox', 'voicemail', e.mailbox?.split('@')[1]);
  }
}

/** Values checked to the syntax Asterisk parses (the same functions as the input schemas). */
function valueSyntax(s: ClusterSnapshotView, add: Add): void {
  const check = (object: string, field: string, value: string | null | undefined, problemOf: (v: string) => string | null) => {
    const p = value ? problemOf(value) : null;
    if (p) add(object, field, p);
  };
  check(`cluster ${s.cluster.name}`, 'sipBindAddress', s.cluster.sipBindAddress, ipProblem);
  for (const sv of s.servers) check(`server ${sv.name}`, 'host', sv.host, hostProblem);
  for (const tr of s.trunks) {
    const o = `trunk ${tr.name}`;
    check(o, 'host', tr.host, hostProblem);
    check(o, 'fromDomain', tr.fromDomain, hostProblem);
  }
  for (const e of s.extensions) {
    const o = `extension ${e.extension}`;
    check(o, 'callerId', e.callerId, callerIdProblem);
    check(o, 'host', e.host === 'dynamic' ? null : e.host, hostProblem);
    check(o, 'fromDomain', e.fromDomain, hostProblem);
    check(o, 'defaultIp', e.defaultIp, ipProblem);
    check(o, 'deny', e.deny, networkProblem);
    check(o, 'permit', e.permit, networkProblem);
    for (const [field, [re, message]] of Object.entries(VALUE_SYNTAX)) {
      check(o, field, e[field as keyof typeof VALUE_SYNTAX], (v) => (re.test(v) ? null : message));
    }
  }
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.object}\u0000${p.field ?? ''}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
