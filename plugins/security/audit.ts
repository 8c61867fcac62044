/**
 * The weekly security test of the Asterisk talk (seed 004), run against acm's own model:
 * weak, reused or username-like passwords, accounts reachable from any address, contexts that let
 * unauthenticated callers reach outbound trunks, and default voicemail PINs.
 *
 * Pure functions over ClusterSnapshotView. A finding names the object, never a secret.
 */
import { isIP } from 'node:net';
import type { AclView, ClusterSnapshotView, ExtensionView, GroupView, TrunkView } from '../../sdk/index.ts';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type AuditObjectType = 'extension' | 'trunk' | 'acl' | 'context' | 'ami-user';

export interface Finding {
  clusterId: number;
  cluster: string;
  object: { type: AuditObjectType; id?: number; name: string };
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
}

/** Every rule the audit applies, with its severity: the catalogue the API and CLI show. */
export const RULES: Record<string, { severity: Severity; title: string }> = {
  'password.missing': { severity: 'high', title: 'Account without a password' },
  'password.numeric': { severity: 'high', title: 'All-digit password' },
  'password.short': { severity: 'medium', title: 'Short password' },
  'password.equals-username': { severity: 'critical', title: 'Password equal to the user name or number' },
  'password.contains-username': { severity: 'high', title: 'Password containing the user name or number' },
  'password.reused': { severity: 'high', title: 'Password shared with another account' },
  'acl.none': { severity: 'medium', title: 'No ACL or permit: reachable from any address' },
  'acl.permits-any': { severity: 'high', title: 'ACL or permit that lets any public address in' },
  'acl.missing': { severity: 'high', title: 'ACL named but not defined' },
  'context.unauth-outbound': { severity: 'critical', title: 'Unauthenticated callers can reach outbound trunks' },
  'context.guest-outbound': { severity: 'critical', title: 'Guest context can reach outbound trunks' },
  'voicemail.pin-empty': { severity: 'high', title: 'Voicemail box without a PIN' },
  'voicemail.pin-default': { severity: 'high', title: 'Default or trivial voicemail PIN' },
  'voicemail.pin-extension': { severity: 'high', title: 'Voicemail PIN equal to the extension or box number' },
  'ami.permit-any': { severity: 'critical', title: 'AMI user reachable from any address' },
  'ami.no-permit': { severity: 'high', title: 'AMI user without deny/permit' },
  'ami.weak-secret': { severity: 'high', title: 'AMI user with a weak secret' },
};

export const OUTBOUND_RIGHTS = ['local', 'longdistance', 'international'] as const;
/** Context names Asterisk and common set-ups use for guest/anonymous callers. */
export const GUEST_CONTEXTS = ['default', 'guest', 'guests', 'anonymous', 'public', 'unauthenticated', 'from-external', 'from-pstn', 'from-trunk', 'incoming', 'inbound'];

const DEFAULT_PINS = new Set([
  '0000', '1111', '2222', '3333', '4444', '5555', '6666', '7777', '8888', '9999', '1234', '12345', '123456', '1234567',
  '12345678', '123456789', '4321', '54321', '654321', '0123', '1212', '2580', '1004', '2000', '6969', '1122', '0001',
  '1010', '2468', '1357', '123123', '112233', '000000', '111111', '121212',
]);

export interface AuditOptions {
  minPasswordLength: number;
}

/** Addresses that stand for "the Internet": an ACL that lets one of them in is open. */
const PUBLIC_PROBES = ['8.8.8.8', '1.1.1.1', '45.33.32.156', '185.53.88.1', '91.189.88.1', '203.0.113.50', '198.51.100.77', '23.94.5.9'];

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => (n * 256) + Number(o), 0) >>> 0;
}

/** Does an IPv4 network (`a.b.c.d`, `/prefix` or `/netmask`) contain an IPv4 address? IPv6 rules never match. */
export function networkContains(network: string, addr: string): boolean {
  const [net = '', mask] = network.split('/');
  if (isIP(net) !== 4 || isIP(addr) !== 4) return false;
  let bits: number;
  if (mask === undefined) bits = 32;
  else if (/^\d+$/.test(mask)) bits = Number(mask);
  else if (isIP(mask) === 4) {
    const inv = (~ipv4ToInt(mask)) >>> 0;
    if (((inv & (inv + 1)) >>> 0) !== 0) return false; // not a contiguous netmask
    bits = 32 - (inv === 0 ? 0 : 32 - Math.clz32(inv));
  } else return false;
  if (bits < 0 || bits > 32) return false;
  const m = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ipv4ToInt(net) & m) >>> 0) === ((ipv4ToInt(addr) & m) >>> 0);
}

/** Asterisk's ACL semantics: start permitted, every matching rule in order decides, the last one wins. */
export function aclPermits(rules: readonly { action: 'permit' | 'deny'; network: string }[], addr: string): boolean {
  let allowed = true;
  for (const r of rules) if (networkContains(r.network, addr)) allowed = r.action === 'permit';
  return allowed;
}

/** The public probe addresses an ACL lets in (empty = closed to the Internet). */
export function openTo(rules: readonly { action: 'permit' | 'deny'; network: string }[]): string[] {
  return PUBLIC_PROBES.filter((a) => aclPermits(rules, a));
}

/** Group rights in the order acm includes them (absent = internal only), as the dialplan renderer does. */
function rightsOf(g: GroupView): string[] {
  return g.rights && g.rights.length ? [...g.rights] : ['internal'];
}

const groupContextName = (g: GroupView) => g.context || `grp-${g.name}`;

/** The outbound rights a context (by model name, without tenant prefix) includes. */
export function outboundRightsOf(s: ClusterSnapshotView, context: string | null | undefined): string[] {
  if (!context || context === 'internal') return [];
  if ((OUTBOUND_RIGHTS as readonly string[]).includes(context)) return [context];
  // Several groups naming one context share the first one's rights (by name, then id), like the renderer.
  const g = [...s.groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id)).find((x) => groupContextName(x) === context);
  if (!g) return [];
  return rightsOf(g).filter((r) => (OUTBOUND_RIGHTS as readonly string[]).includes(r));
}

function extensionContextName(s: ClusterSnapshotView, e: ExtensionView): string {
  if (e.context) return e.context;
  const g = e.groupId ? s.groups.find((x) => x.id === e.groupId) : undefined;
  return g ? groupContextName(g) : 'internal';
}

interface Account {
  clusterId: number;
  cluster: string;
  type: 'extension' | 'trunk';
  id: number;
  name: string;
  secret: string | null;
  /** User names and numbers the password must not equal or contain. */
  identities: string[];
}

function label(a: Pick<Account, 'type' | 'name' | 'cluster'>): string {
  return `${a.type} ${a.name} (cluster ${a.cluster})`;
}

function extensionAccount(s: ClusterSnapshotView, e: ExtensionView): Account {
  return {
    clusterId: s.cluster.id, cluster: s.cluster.name, type: 'extension', id: e.id, name: e.extension, secret: e.secret ?? null,
    identities: [e.extension, e.authUser, e.defaultUser, e.fromUser, e.callbackExtension, ...(e.mailbox ? [e.mailbox.split('@')[0]] : []), ...(e.name ?? '').split(/[^A-Za-z0-9]+/)]
      .filter((v): v is string => !!v),
  };
}

function trunkAccount(s: ClusterSnapshotView, t: TrunkView): Account {
  return {
    clusterId: s.cluster.id, cluster: s.cluster.name, type: 'trunk', id: t.id, name: t.name, secret: t.secret ?? null,
    identities: [t.username, t.fromUser, t.name].filter((v): v is string => !!v),
  };
}

function passwordFindings(a: Account, opts: AuditOptions): Omit<Finding, 'clusterId' | 'cluster' | 'object'>[] {
  const out: Omit<Finding, 'clusterId' | 'cluster' | 'object'>[] = [];
  const secret = a.secret;
  if (!secret) return out;
  const who = a.type === 'extension' ? 'extension' : 'trunk';
  if (/^[0-9]+$/.test(secret)) {
    out.push({ rule: 'password.numeric', severity: 'high', message: `the ${who} password is all digits`, fix: 'Set a random password of letters, digits and symbols (at least 16 characters).' });
  }
  if (secret.length < opts.minPasswordLength) {
    out.push({ rule: 'password.short', severity: 'medium', message: `the ${who} password is shorter than ${opts.minPasswordLength} characters`, fix: `Set a random password of at least ${Math.max(16, opts.minPasswordLength)} characters.` });
  }
  const lower = secret.toLowerCase();
  const ids = [...new Set(a.identities.map((i) => i.toLowerCase()))];
  const equal = ids.find((i) => i === lower);
  if (equal !== undefined) {
    out.push({ rule: 'password.equals-username', severity: 'critical', message: `the ${who} password is its own user name or number`, fix: 'Set a random password that has nothing to do with the account name or number.' });
  } else {
    // Very short names (1-2 characters) would match almost any password; they are not judged.
    const contained = ids.filter((i) => i.length >= 3 && lower.includes(i));
    if (contained.length) {
      out.push({ rule: 'password.contains-username', severity: 'high', message: `the ${who} password contains its user name or number (${contained.map((c) => `"${c}"`).join(', ')})`, fix: 'Set a random password that does not contain the account name or number.' });
    }
  }
  return out;
}

function networkFindings(s: ClusterSnapshotView, type: 'extension' | 'trunk', obj: { acl?: string | null; permit?: string | null; deny?: string | null }, acls: Map<string, AclView>): Omit<Finding, 'clusterId' | 'cluster' | 'object'>[] {
  const out: Omit<Finding, 'clusterId' | 'cluster' | 'object'>[] = [];
  const rules: { action: 'permit' | 'deny'; network: string }[] = [];
  if (obj.acl) {
    const acl = acls.get(obj.acl);
    if (!acl) {
      out.push({ rule: 'acl.missing', severity: 'high', message: `ACL "${obj.acl}" is not defined for tenant ${s.tenant.name}`, fix: `Create ACL "${obj.acl}" (deny 0.0.0.0/0, then permit your networks) or name an existing one.` });
      return out;
    }
    rules.push(...acl.rules);
  }
  if (obj.deny) rules.push({ action: 'deny', network: obj.deny });
  if (obj.permit) rules.push({ action: 'permit', network: obj.permit });
  if (!rules.length) {
    const why = type === 'trunk'
      ? 'the trunk has no ACL: any host that names it can send calls into its context without authenticating'
      : 'the extension has no ACL or permit: it can register and call from any IP address';
    out.push({ rule: 'acl.none', severity: 'medium', message: why, fix: type === 'trunk' ? 'Give the trunk an ACL that denies 0.0.0.0/0 and permits only the provider\'s signalling addresses.' : 'Give the extension an ACL (deny 0.0.0.0/0, permit the office and VPN networks) or a deny/permit pair.' });
    return out;
  }
  const open = openTo(rules);
  if (open.length) {
    const src = obj.acl ? `ACL "${obj.acl}"${obj.permit || obj.deny ? ' with its deny/permit' : ''}` : 'its deny/permit';
    out.push({
      rule: 'acl.permits-any', severity: 'high',
      message: `${src} lets public addresses in (e.g. ${open[0]}): Asterisk permits by default, so rules without a wide deny permit everything`,
      fix: 'Start the rules with deny 0.0.0.0/0 (0.0.0.0/0.0.0.0), then permit only your own networks.',
    });
  }
  return out;
}

function pinFindings(e: ExtensionView): Omit<Finding, 'clusterId' | 'cluster' | 'object'>[] {
  if (!e.mailbox) return [];
  const pin = e.vmSecret ?? '';
  const box = e.mailbox.split('@')[0] ?? '';
  if (!pin) return [{ rule: 'voicemail.pin-empty', severity: 'high', message: `voicemail box ${box} has no PIN`, fix: 'Set a voicemail PIN of at least 6 random digits.' }];
  const reversed = (v: string) => [...v].reverse().join('');
  if (pin === e.extension || pin === box || reversed(pin) === e.extension || reversed(pin) === box) {
    return [{ rule: 'voicemail.pin-extension', severity: 'high', message: `the voicemail PIN of box ${box} is the extension or box number`, fix: 'Set a voicemail PIN of at least 6 random digits, unrelated to the number.' }];
  }
  const digits = [...pin].map(Number);
  const same = digits.every((d) => d === digits[0]);
  const step = (k: number) => digits.every((d, i) => i === 0 || d === (digits[i - 1]! + k + 10) % 10);
  if (DEFAULT_PINS.has(pin) || same || (pin.length >= 4 && (step(1) || step(-1)))) {
    return [{ rule: 'voicemail.pin-default', severity: 'high', message: `the voicemail PIN of box ${box} is a default or trivial PIN`, fix: 'Set a voicemail PIN of at least 6 random digits.' }];
  }
  return [];
}

/** Audits the clusters' snapshots together (reuse is judged across all of them). */
export function auditSnapshots(snapshots: readonly ClusterSnapshotView[], opts: AuditOptions): Finding[] {
  const findings: Finding[] = [];
  const accounts: Account[] = [];
  const guestReported = new Set<string>();
  for (const s of snapshots) {
    const base = { clusterId: s.cluster.id, cluster: s.cluster.name };
    const acls = new Map(s.acls.map((a) => [a.name, a]));
    const push = (object: Finding['object'], fs: Omit<Finding, 'clusterId' | 'cluster' | 'object'>[]) => {
      for (const f of fs) findings.push({ ...base, object, ...f });
    };

    for (const e of s.extensions) {
      const object = { type: 'extension' as const, id: e.id, name: e.extension };
      const acc = extensionAccount(s, e);
      accounts.push(acc);
      if (!e.secret && !e.md5Secret) {
        push(object, [{ rule: 'password.missing', severity: 'high', message: 'the extension has no password', fix: 'Set a random password of at least 16 characters (acm writes no auth for it, so it cannot register until then).' }]);
      }
      push(object, passwordFindings(acc, opts));
      push(object, networkFindings(s, 'extension', e, acls));
      push(object, pinFindings(e));
      // chan_sip's insecure=invite takes calls without authentication: they start in the extension's context.
      if (e.insecure && /invite/.test(e.insecure)) {
        const ctx = extensionContextName(s, e);
        const rights = outboundRightsOf(s, ctx);
        if (rights.length) {
          push(object, [{ rule: 'context.unauth-outbound', severity: 'critical', message: `insecure=${e.insecure} accepts calls without authentication into context "${ctx}", which includes outbound rights ${rights.join(', ')}`, fix: 'Remove insecure=invite, or put the account in a context without outbound rights.' }]);
        }
      }
    }

    for (const t of s.trunks) {
      const object = { type: 'trunk' as const, id: t.id, name: t.name };
      const acc = trunkAccount(s, t);
      if (t.secret) accounts.push(acc);
      push(object, passwordFindings(acc, opts));
      push(object, networkFindings(s, 'trunk', t, acls));
      // Trunk endpoints take inbound calls without authentication (identify by host): their context must not dial out.
      const ctx = t.context || 'internal';
      const rights = outboundRightsOf(s, ctx);
      if (rights.length) {
        push(object, [{
          rule: 'context.unauth-outbound', severity: 'critical',
          message: `inbound calls from the trunk land in context "${ctx}", which includes outbound rights ${rights.join(', ')}: callers from outside can dial out through your trunks (toll fraud)`,
          fix: 'Give the trunk an inbound context with internal destinations only (IVR, queues, extensions), never local/longdistance/international.',
        }]);
      }
    }

    // Guest/anonymous contexts that dial out (Asterisk sends unauthenticated guests to `default`).
    for (const g of s.groups) {
      const ctx = groupContextName(g);
      if (!GUEST_CONTEXTS.includes(ctx.toLowerCase())) continue;
      const rights = outboundRightsOf(s, ctx);
      const key = `${s.tenant.id}:${ctx}`;
      if (!rights.length || guestReported.has(key)) continue;
      guestReported.add(key);
      push({ type: 'context', name: ctx }, [{
        rule: 'context.guest-outbound', severity: 'critical',
        message: `context "${ctx}" is where guest and unauthenticated callers land, and it includes outbound rights ${rights.join(', ')}`,
        fix: `Rename the group's context or remove local/longdistance/international from group ${g.name}; guests must only reach internal destinations.`,
      }]);
    }
  }

  // Reuse across every account audited.
  const bySecret = new Map<string, Account[]>();
  for (const a of accounts) {
    if (!a.secret) continue;
    bySecret.set(a.secret, [...(bySecret.get(a.secret) ?? []), a]);
  }
  for (const group of bySecret.values()) {
    if (group.length < 2) continue;
    for (const a of group) {
      const others = group.filter((o) => o !== a);
      findings.push({
        clusterId: a.clusterId, cluster: a.cluster, object: { type: a.type, id: a.id, name: a.name },
        rule: 'password.reused', severity: 'high',
        message: `the password is also used by ${others.slice(0, 5).map(label).join(', ')}${others.length > 5 ? ` and ${others.length - 5} more` : ''}`,
        fix: 'Give every account its own random password.',
      });
    }
  }

  const rank = (sv: Severity) => SEVERITIES.indexOf(sv);
  return findings.sort((a, b) => rank(a.severity) - rank(b.severity) || a.clusterId - b.clusterId
    || a.object.type.localeCompare(b.object.type) || a.object.name.localeCompare(b.object.name, 'en', { numeric: true }) || a.rule.localeCompare(b.rule));
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of findings) out[f.severity]++;
  return out;
}
