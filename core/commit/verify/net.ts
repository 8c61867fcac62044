import { parseIp } from '../../../sdk/asterisk-syntax.ts';

/** An address with its netmask, as Asterisk keeps an ACL rule (the address already masked). */
export interface Network { v6: boolean; addr: bigint; mask: bigint }

const V4_BITS = 32n;
const V6_BITS = 128n;
const ones = (bits: bigint) => (1n << bits) - 1n;

/** An address as Asterisk shows it (`10.20.0.0`, `ffff:ffff::`), or undefined. */
export function parseAddress(s: string): { v6: boolean; value: bigint } | undefined {
  const ip = parseIp(s.trim().replace(/^\[(.*)\]$/, '$1'));
  if (!ip) return undefined;
  return { v6: ip.family === 6, value: ip.bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) };
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
