/**
 * A server's security posture from one fixed script over SSH (fail2ban, iptables, nftables, the
 * blacklist chain) and the AMI users' findings from its manager.conf.
 */
import type { ServerView } from '../../sdk/index.ts';
import type { Finding } from './audit.ts';
import { openTo } from './audit.ts';
import {
  blacklistOf, parseFail2banJail, parseFail2banStatus, parseIptablesList, parseIptablesRules, parseNftRuleset,
  type Fail2banJail, type FirewallChain, type NftSet, type parseManagerConf,
} from './posture.ts';

export interface ServerPosture {
  serverId: number;
  server: string;
  clusterId: number;
  collectedAt: string;
  errors: string[];
  fail2ban: { jails: Fail2banJail[]; banned: number } | null;
  iptables: { chains: FirewallChain[]; policies: Record<string, string | null> } | null;
  nft: { chains: FirewallChain[]; sets: NftSet[] } | null;
  blacklist: { chain: string; addresses: { address: string; packets: number | null; bytes: number | null }[] } | null;
  amiFindings: Finding[];
  /** Raw command output by section, shown on demand. */
  raw: Record<string, string>;
}

/** One exec per server; a fixed script: nothing from a request reaches it. */
export const POSTURE_SCRIPT = [
  "echo '@@acm f2b'; fail2ban-client status 2>&1",
  "for j in $(fail2ban-client status 2>/dev/null | sed -n 's/.*Jail list:[[:space:]]*//p' | tr ',' ' '); do echo \"@@acm f2b-jail\"; fail2ban-client status \"$j\" 2>&1; done",
  "echo '@@acm iptables-L'; iptables -w -L -v -n -x 2>&1",
  "echo '@@acm iptables-S'; iptables -w -S 2>&1",
  "echo '@@acm nft'; nft list ruleset 2>&1",
  "echo '@@acm end'",
].join('; ');

/** Splits the script's output into sections (`f2b-jail` may repeat). */
export function splitSections(stdout: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  let cur: { name: string; lines: string[] } | null = null;
  for (const line of stdout.split('\n')) {
    const m = /^@@acm (\S+)$/.exec(line);
    if (m) {
      if (cur) out.push({ name: cur.name, text: cur.lines.join('\n') });
      cur = m[1] === 'end' ? null : { name: m[1]!, lines: [] };
      continue;
    }
    cur?.lines.push(line);
  }
  if (cur) out.push({ name: cur.name, text: cur.lines.join('\n') });
  return out;
}

const notInstalled = (t: string) => /command not found|not found|No such file|Permission denied|Failed to access socket|Is fail2ban-server running|can't initialize|Operation not permitted/i.test(t);

/** Parses the posture script's output; every section that fails is an error, not an exception. */
export function parsePosture(stdout: string, chain: string): Pick<ServerPosture, 'errors' | 'fail2ban' | 'iptables' | 'nft' | 'blacklist' | 'raw'> {
  const errors: string[] = [];
  const raw: Record<string, string> = {};
  const sections = splitSections(stdout);
  let fail2ban: ServerPosture['fail2ban'] = null;
  let iptables: ServerPosture['iptables'] = null;
  let nft: ServerPosture['nft'] = null;
  const jails: Fail2banJail[] = [];
  for (const s of sections) {
    raw[s.name] = raw[s.name] === undefined ? s.text : `${raw[s.name]}\n${s.text}`;
    try {
      switch (s.name) {
        case 'f2b': parseFail2banStatus(s.text); fail2ban = { jails, banned: 0 }; break;
        case 'f2b-jail': jails.push(parseFail2banJail(s.text)); break;
        case 'iptables-L': {
          const chains = parseIptablesList(s.text);
          iptables = { chains, policies: Object.fromEntries(chains.filter((c) => c.policy).map((c) => [c.name, c.policy])) };
          break;
        }
        case 'iptables-S': parseIptablesRules(s.text); break;
        case 'nft': if (s.text.trim()) nft = parseNftRuleset(s.text); break;
        default: break;
      }
    } catch (err) {
      const first = s.text.trim().split('\n')[0]?.slice(0, 160) ?? '';
      errors.push(`${s.name}: ${notInstalled(s.text) ? first : (err as Error).message}`);
    }
  }
  if (fail2ban) (fail2ban as { banned: number }).banned = jails.reduce((n, j) => n + j.currentlyBanned, 0);
  const blacklist = iptables ? { chain, addresses: blacklistOf((iptables as { chains: FirewallChain[] }).chains, chain) } : null;
  return { errors, fail2ban, iptables, nft, blacklist, raw };
}

export function amiFindings(users: ReturnType<typeof parseManagerConf>, server: ServerView, clusterName: string): Finding[] {
  const out: Finding[] = [];
  for (const u of users) {
    const object = { type: 'ami-user' as const, name: `${u.name}@${server.name}` };
    const base = { clusterId: server.clusterId, cluster: clusterName, object };
    const rules = [...u.deny.map((n) => ({ action: 'deny' as const, network: n })), ...u.permit.map((n) => ({ action: 'permit' as const, network: n }))];
    if (!rules.length && !u.acl.length) {
      out.push({ ...base, rule: 'ami.no-permit', severity: 'high', message: `AMI user ${u.name} has no deny/permit: any address may log in`, fix: 'Add deny=0.0.0.0/0.0.0.0 and permit=<acm address>/255.255.255.255 to the user in manager.conf.' });
    } else if (rules.length && openTo(rules).length) {
      out.push({ ...base, rule: 'ami.permit-any', severity: 'critical', message: `AMI user ${u.name} is reachable from any address (permit 0.0.0.0/0 or no wide deny)`, fix: 'Use deny=0.0.0.0/0.0.0.0 then permit only the acm servers.' });
    }
    if (u.secretWeak) out.push({ ...base, rule: 'ami.weak-secret', severity: 'high', message: `AMI user ${u.name} has a short, all-digit or name-like secret`, fix: 'Set a random secret of at least 20 characters.' });
  }
  return out;
}
