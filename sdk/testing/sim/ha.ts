/**
 * Asterisk host access rules (struct ast_ha) as main/acl.c builds and applies them:
 * `permit`/`deny` values are `addr[/mask][,addr[/mask]...]`, a mask being a prefix length or a
 * dotted/colon netmask; `!addr` inverts the sense. Parsing follows append_ha_core exactly,
 * including its log lines, so the simulator rejects what Asterisk rejects.
 */
import net from 'node:net';

export interface HaRule {
  sense: 'allow' | 'deny';
  v4: boolean;
  /** Network address (already masked), 4 or 16 bytes. */
  addr: number[];
  mask: number[];
}

export interface HaParse {
  rules: HaRule[];
  /** Set when the value is invalid (Asterisk's `*error = 1`). */
  error: boolean;
  /** NOTICE/WARNING lines append_ha_core logs. */
  log: string[];
}

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function parseV6(s: string): number[] | undefined {
  if (!net.isIPv6(s)) return undefined;
  let text = s;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = parseV4(v4[1] ?? '');
    if (!b) return undefined;
    tail = b;
    text = `${text.slice(0, -(v4[1] ?? '').length)}0:0`;
  }
  const [head = '', rest] = text.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

/** ast_sockaddr_parse with PARSE_PORT_FORBID: an IPv4 or IPv6 literal (IPv6 may be bracketed). */
export function parseIp(s: string): { v4: boolean; bytes: number[] } | undefined {
  const v4 = parseV4(s);
  if (v4) return { v4: true, bytes: v4 };
  const v6 = parseV6(/^\[(.*)\]$/.exec(s)?.[1] ?? s);
  return v6 ? { v4: false, bytes: v6 } : undefined;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) to IPv4, as ast_sockaddr_ipv4_mapped. */
function unmap(a: { v4: boolean; bytes: number[] }): { v4: boolean; bytes: number[] } | undefined {
  if (a.v4) return undefined;
  const b = a.bytes;
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return { v4: true, bytes: b.slice(12) };
  return undefined;
}

function cidrMask(v4: boolean, text: string): number[] | undefined {
  // sscanf("%30d"): leading digits (with sign) count, trailing junk is ignored.
  const m = /^\s*([+-]?\d+)/.exec(text);
  if (!m) return undefined;
  const bits = Number(m[1]);
  const len = v4 ? 4 : 16;
  if (bits < 0 || bits > len * 8) return undefined;
  return Array.from({ length: len }, (_, i) => {
    const left = Math.min(8, Math.max(0, bits - i * 8));
    return (0xff << (8 - left)) & 0xff;
  });
}

/** ast_append_ha(sense, value): the rules a permit/deny line adds, or an error. */
export function parseHa(senseWord: string, value: string): HaParse {
  const allowing: HaRule['sense'] = senseWord.toLowerCase().startsWith('p') ? 'allow' : 'deny';
  const out: HaParse = { rules: [], error: false, log: [] };
  for (const item of value.split(',')) {
    const slash = item.indexOf('/');
    let address = slash < 0 ? item : item.slice(0, slash);
    const mask = slash < 0 ? undefined : item.slice(slash + 1);
    let sense = allowing;
    if (address.startsWith('!')) {
      sense = allowing === 'deny' ? 'allow' : 'deny';
      address = address.slice(1);
    }
    let addr = parseIp(address);
    if (!addr) {
      out.log.push(`WARNING acl.c: Invalid IP address: ${address}`);
      return { ...out, error: true };
    }
    const mapped = unmap(addr);
    if (mapped) {
      out.log.push('NOTICE acl.c: IPv4-mapped ACL network address specified. Converting to an IPv4 ACL network address.');
      addr = mapped;
    }
    let maskBytes: number[] | undefined;
    if (mask === undefined) maskBytes = cidrMask(addr.v4, addr.v4 ? '32' : '128');
    else if (mask.includes(':') || mask.includes('.')) {
      let m = parseIp(mask);
      if (!m) {
        out.log.push(`WARNING acl.c: Invalid netmask: ${mask}`);
        return { ...out, error: true };
      }
      const mm = unmap(m);
      if (mm) {
        out.log.push('NOTICE acl.c: IPv4-mapped ACL netmask specified. Converting to an IPv4 ACL netmask.');
        m = mm;
      }
      if (addr.v4 !== m.v4) {
        out.log.push('WARNING acl.c: Address and mask are not using same address scheme.');
        return { ...out, error: true };
      }
      maskBytes = m.bytes;
    } else {
      maskBytes = cidrMask(addr.v4, mask);
      if (!maskBytes) {
        out.log.push(`WARNING acl.c: Invalid CIDR netmask: ${mask}`);
        return { ...out, error: true };
      }
    }
    const mb = maskBytes ?? [];
    out.rules.push({ sense, v4: addr.v4, addr: addr.bytes.map((b, i) => b & (mb[i] ?? 0)), mask: mb });
  }
  return out;
}

/** Text form of an address as ast_sockaddr_stringify_addr (inet_ntop) prints it. */
export function formatIp(v4: boolean, bytes: number[]): string {
  if (v4) return bytes.join('.');
  const g = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** ast_apply_ha: the last matching rule decides; no match allows. */
export function applyHa(rules: HaRule[], ip: string): 'allow' | 'deny' {
  let a = parseIp(ip);
  if (!a) return 'deny';
  a = unmap(a) ?? a;
  let res: HaRule['sense'] = 'allow';
  for (const r of rules) {
    if (r.v4 !== a.v4) continue;
    if (a.bytes.every((b, i) => (b & (r.mask[i] ?? 0)) === r.addr[i])) res = r.sense;
  }
  return res;
}

/** ast_ha_output lines: `%3d: %s - %s/%s`. */
export function haOutput(rules: HaRule[]): string[] {
  return rules.map((r, i) => `${String(i).padStart(3)}: ${r.sense === 'allow' ? 'allow' : ' deny'} - ${formatIp(r.v4, r.addr)}/${formatIp(r.v4, r.mask)}`);
}
