import type { ModuleVerifier, VerifyFinding } from '../../../sdk/commit.ts';
import { isMarker, listed, missingFrom } from './config.ts';
import { parseAddress, parseRule, sameNetwork, type Network } from './net.ts';

/** `acl show`: the named ACLs, or null when Asterisk has no ACL configuration at all. */
export function parseAclList(lines: readonly string[]): string[] | null {
  const text = lines.map((l) => l.trim());
  if (text.some((l) => l === "ACL configuration isn't available.")) return null;
  const start = text.indexOf('---');
  return (start < 0 ? [] : text.slice(start + 1)).filter(Boolean);
}

export interface ShownRule { sense: 'permit' | 'deny'; net: Network | undefined; text: string }

/** `acl show <name>`: `  0:  deny - 0.0.0.0/0.0.0.0` lines (allow = permit), or null when not found. */
export function parseAclRules(lines: readonly string[]): ShownRule[] | null {
  if (lines.some((l) => /Could not find ACL named/.test(l))) return null;
  return lines.flatMap((l) => {
    const m = /^\s*\d+:\s+(allow|deny) - (\S+)\/(\S+)\s*$/.exec(l);
    if (!m) return [];
    const addr = parseAddress(m[2]!);
    const mask = parseAddress(m[3]!);
    const net = addr && mask && addr.v6 === mask.v6 ? { v6: addr.v6, addr: addr.value, mask: mask.value } : undefined;
    return [{ sense: m[1] === 'allow' ? 'permit' as const : 'deny' as const, net, text: `${m[2]}/${m[3]}` }];
  });
}

/**
 * acl: Asterisk rejects the whole acl.conf for one bad network, keeps the old ACLs and answers
 * success; at the next start no named ACL exists at all and endpoints naming one accept anyone.
 * So after every acl reload every named ACL acm renders must be loaded with its rules, the
 * file's marker ACL present and the previous one gone.
 */
export const aclVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const loaded = parseAclList(await probe.command('acl show'));
    if (loaded === null) return [{ object: 'named ACLs', message: "none loaded: Asterisk says the ACL configuration isn't available (acl.conf failed to load)" }];
    const have = new Set(loaded);
    const names = [...new Set(expected.map((s) => s.name))];
    for (const m of missingFrom(names.filter(isMarker), have)) out.push({ object: `marker ACL ${m}`, message: 'not loaded: Asterisk kept its previous ACLs (acl.conf was rejected)' });
    const missing = missingFrom(names.filter((n) => !isMarker(n)), have);
    if (missing.length) out.push({ object: `ACL${missing.length > 1 ? 's' : ''} ${listed(missing)}`, message: 'not loaded' });
    const gone = missingFrom(previous.map((s) => s.name), new Set(names)).filter((n) => have.has(n));
    for (const m of gone.filter(isMarker)) out.push({ object: `marker ACL ${m}`, message: 'of the previous revision is still loaded: Asterisk did not apply the new acl.conf' });
    const stale = gone.filter((n) => !isMarker(n));
    if (stale.length) out.push({ object: `ACL${stale.length > 1 ? 's' : ''} ${listed(stale)}`, message: 'removed but still loaded' });

    for (const s of expected.filter((x) => !isMarker(x.name) && have.has(x.name))) {
      const rules = parseAclRules(await probe.command(`acl show ${s.name}`)) ?? [];
      const want = s.lines.filter(([k]) => k === 'permit' || k === 'deny');
      const same = rules.length === want.length && want.every(([k, v], i) => {
        const r = rules[i]!;
        const net = parseRule(v);
        return r.sense === k && !!net && !!r.net && sameNetwork(net, r.net);
      });
      if (!same) {
        out.push({ object: `ACL ${s.name}`, message: `rules loaded (${rules.map((r) => `${r.sense} ${r.text}`).join(', ') || 'none'}) differ from the rendered ones (${want.map(([k, v]) => `${k} ${v}`).join(', ')})` });
      }
    }
    return out;
  },
};
