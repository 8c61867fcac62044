import { isIPv4, isIPv6 } from 'node:net';

/** An address with its netmask, as Asterisk keeps an ACL rule (the address already masked). */
export interface Network { v6: boolean; addr: bigint; mask: bigint }

const V4_BITS = 32n;
const V6_BITS = 128n;
const ones = (bits: bigint) => (1n << bits) - 1n;

function v4(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6(s: string): bigint {
  let text = s;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4(tail[1]!);
    text = `${text.slice(0, -tail[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** An address as Asterisk shows it (`10.20.0.0`, `ffff:ffff::`), or undefined. */
export function parseAddress(s: string): { v6: boolean; value: bigint } | undefined {
  const a = s.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIPv4(a)) return { v6: false, value: v4(a) };
  if (isIPv6(a)) return { v6: true, value: v6(a) };
  return undefined;
}

/**
 * A rendered `permit`/`deny` value (`10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `2001:db8::/32`, a bare
 * address) as Asterisk's ast_append_ha stores it: IPv4-mapped IPv6 becomes IPv4, no mask means
 * a host, the address is masked. Undefined when Asterisk would not take it.
 */
export function parseRule(value: string): Network | undefined {
  const [addrText, maskText] = value.trim().split('/', 2) as [string, string | undefined];
  let addr = parseAddress(addrText);
  if (!addr) return undefined;
  if (addr.v6 && addr.value >> 32n === 0xffffn) addr = { v6: false, value: addr.value & ones(V4_BITS) };
  const bits = addr.v6 ? V6_BITS : V4_BITS;
  let mask: bigint;
  if (maskText === undefined) mask = ones(bits);
  else if (/^\d+$/.test(maskText)) {
    const n = BigInt(maskText);
    if (n > bits) return undefined;
    mask = ones(bits) ^ ones(bits - n);
  } else {
    const m = parseAddress(maskText);
    if (!m || m.v6 !== addr.v6) return undefined;
    mask = m.value;
  }
  return { v6: addr.v6, addr: addr.value & mask, mask };
}

export function sameNetwork(a: Network, b: Network): boolean {
  return a.v6 === b.v6 && a.addr === b.addr && a.mask === b.mask;
}
