import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confName } from './config-text.ts';
import {
  bindAddress, callerIdProblem, dialNumberProblem, hostProblem, ipProblem, networkProblem, parseIp, reservedNameProblem, truncateUtf8, uriHost, utf8Bytes,
} from './asterisk-syntax.ts';

const fixture = (name: string) => readFileSync(new URL(`../tests/fixtures/asterisk20/${name}`, import.meta.url), 'utf8');

/** The `permit =`/`deny =` lines of the acl.conf a recording wrote, in file order. */
function aclLines(recording: string): string[] {
  return [...recording.matchAll(/^(?:permit|deny) = (\S+)$/gm)].map((m) => m[1]!);
}

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const ipv6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((w) => w.map((x) => x.toString(16)).join(':'));
const maskOf = (prefix: number, bits: number, family: 4 | 6) => {
  const ones = '1'.repeat(prefix).padEnd(bits, '0');
  if (family === 4) return [0, 8, 16, 24].map((i) => parseInt(ones.slice(i, i + 8), 2)).join('.');
  return Array.from({ length: 8 }, (_, i) => parseInt(ones.slice(i * 16, i * 16 + 16), 2).toString(16)).join(':');
};

describe('networks as main/acl.c reads them', () => {
  it('refuses the two recorded lines that made Asterisk reject acl.conf, and takes the lines it loaded', () => {
    for (const rec of ['cfg-acl-ipv4-mapped-mask.txt', 'cfg-acl-mixed-scheme.txt']) {
      const lines = aclLines(fixture(rec));
      // The good file, then the same file plus the bad line (the last).
      expect(lines.length).toBe(5);
      const bad = lines.at(-1)!;
      for (const good of lines.slice(0, -1)) expect(networkProblem(good), good).toBeNull();
      expect(networkProblem(bad), bad).not.toBeNull();
    }
    expect(networkProblem('::ffff:10.0.0.1/120')).toMatch(/IPv4-mapped.*10\.0\.0\.1/);
    expect(networkProblem('2001:db8::/255.255.0.0')).toMatch(/same address scheme/);
  });

  it('refuses each form a real Asterisk read differently from what was typed (recorded)', () => {
    const rec = fixture('oracle-acl-misread-forms.txt');
    const typed = new Map<string, string[]>();
    let section = '';
    for (const line of rec.split('-----BEGIN FILE-----')[1]!.split('-----END FILE-----')[0]!.split('\n')) {
      const head = /^\[(.+)\]$/.exec(line);
      if (head) typed.set(section = head[1]!, []);
      const rule = /^(?:permit|deny) = (\S+)$/.exec(line);
      if (rule) typed.get(section)!.push(rule[1]!);
    }
    const loaded = (name: string) => [...rec.split(`## acl show ${name}\n`)[1]!.split('##')[0]!.matchAll(/^\s+\d+:\s+(?:allow|deny) - (\S+)$/gm)].map((m) => m[1]!);
    // What Asterisk made of them: octal, a short form, a prefix with junk, a netmask with holes.
    expect(loaded('octal')).toEqual(['8.0.0.1/255.255.255.255']);
    expect(loaded('shortv4')).toEqual(['10.0.0.1/255.255.255.255']);
    expect(loaded('prefixjunk')).toEqual(['10.0.0.0/255.255.255.0']);
    expect(loaded('noncontig')).toEqual(['0.0.0.0/0.0.0.0', '10.0.0.0/255.0.255.0']);
    expect([...typed.keys()].sort()).toEqual(['noncontig', 'octal', 'prefixjunk', 'shortv4']);
    for (const [name, rules] of typed) {
      for (const value of rules) {
        if (value === '0.0.0.0/0.0.0.0') expect(networkProblem(value)).toBeNull();
        else expect(networkProblem(value), `${name}: ${value}`).not.toBeNull();
      }
    }
  });

  it('keeps section names within the 79 bytes Asterisk keeps (a longer one was not found by its full name: recorded)', () => {
    const rec = fixture('oracle-acl-misread-forms.txt');
    expect(rec).toContain(`Unable to find object ${'a'.repeat(101)}.`);
    expect(confName('a'.repeat(79))).toBe('a'.repeat(79));
    expect(() => confName('a'.repeat(80))).toThrow(/79 characters/);
  });

  it('refuses what Asterisk would read differently from what was typed', () => {
    const cases: Record<string, RegExp> = {
      '10.0.0.0/8,0.0.0.0/0': /one network per rule/,
      '!10.0.0.0/8': /inverts/,
      '10.0.0.0/24abc': /prefix length or a netmask/,
      '10.0.0.0/33': /0-32/,
      '2001:db8::/129': /0-128/,
      '10.0.0.0/024': /leading zeros/,
      '010.0.0.1': /leading zeros/,
      '10.1': /IPv4/,
      '10.0.0.0/255.0.255.0': /not contiguous/,
      '10.0.0.0/::ffff:255.0.0.0': /IPv4-mapped netmask/,
      '10.0.0.1/': /prefix length or a netmask/,
      '[2001:db8::1]': /without brackets/,
      'fe80::1%eth0': /zone id/,
      '10.0.0.0/8/8': /expected an address/,
      'office': /not an IP address/,
      ' 10.0.0.1': /spaces/,
      '': /required/,
    };
    for (const [value, re] of Object.entries(cases)) expect(networkProblem(value), value).toMatch(re);
  });

  it('takes every address with a prefix or the matching contiguous netmask (property)', () => {
    fc.assert(fc.property(fc.oneof(ipv4.map((a) => [a, 4] as const), ipv6.map((a) => [a, 6] as const)), fc.integer({ min: 0, max: 128 }), ([addr, family], p) => {
      const bits = family === 4 ? 32 : 128;
      const prefix = p % (bits + 1);
      if (family === 6 && /^0:0:0:0:0:ffff:/.test(addr)) return; // IPv4-mapped: refused on purpose
      expect(networkProblem(addr)).toBeNull();
      expect(networkProblem(`${addr}/${prefix}`)).toBeNull();
      expect(networkProblem(`${addr}/${maskOf(prefix, bits, family)}`)).toBeNull();
      const other = family === 4 ? 6 : 4;
      const otherBits = other === 4 ? 32 : 128;
      expect(networkProblem(`${addr}/${maskOf(Math.min(prefix, otherBits), otherBits, other)}`)).toMatch(/same address scheme/);
    }), { numRuns: 500 });
  });

  it('refuses every IPv4-mapped address, with or without a prefix (property)', () => {
    fc.assert(fc.property(ipv4, fc.option(fc.integer({ min: 0, max: 128 })), (v4, prefix) => {
      expect(networkProblem(`::ffff:${v4}${prefix === null ? '' : `/${prefix}`}`)).toMatch(new RegExp(`IPv4-mapped.*${v4.replace(/\./g, '\\.')}`));
    }), { numRuns: 200 });
  });

  it('reads addresses as strictly as Node does, and no looser (property)', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''));
    fc.assert(fc.property(fc.string({ unit: chars, maxLength: 40 }), (text) => {
      const node = isIP(text);
      const ours = parseIp(text);
      if (ours) expect(node, text).toBe(ours.family);
      else if (node === 6) throw new Error(`Node takes ${text}, parseIp does not`);
    }), { numRuns: 3000 });
    expect(parseIp('::ffff:1.2.3.4')!.bytes).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(parseIp('2001:db8::1')!.bytes.slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    for (const bad of ['1::2:3:4:5:6:7:8', '1:2:3:4:5:6:7', '1.2.3.4::', '::1::', '12345::']) expect(parseIp(bad), bad).toBeNull();
  });
});

describe('hosts', () => {
  it('takes RFC 1123 names, IPv4 and unbracketed IPv6', () => {
    for (const ok of ['sip.example.net', 'a', 'carrier-a.example', '203.0.113.5', '2001:db8::5', 'x'.repeat(63) + '.example', '1a.example']) {
      expect(hostProblem(ok), ok).toBeNull();
    }
  });

  it('refuses the recorded hostile hosts and every other malformed one, saying why', () => {
    const cases: Record<string, RegExp> = {
      'evil.com:5060': /without ":port"/,
      '-evil': /must not start or end with "-"/,
      'evil-.example': /must not start or end with "-"/,
      '[2001:db8::5]': /without brackets/,
      '2001:db8::5::1': /not a valid IPv6/,
      '2001:db8:0:0:0:0:5:5060:1': /not a valid IPv6/,
      'a..b': /empty labels/,
      'example.com.': /empty labels/,
      'under_score.example': /letters, digits/,
      'sip.example.net;transport=tcp': /letters, digits/,
      '256.1.1.1': /IPv4/,
      '1.2.3': /IPv4/,
      [`${'x'.repeat(64)}.example`]: /63/,
      [Array(130).fill('ab').join('.')]: /253/,
      '': /required/,
    };
    for (const [value, re] of Object.entries(cases)) expect(hostProblem(value), value).toMatch(re);
  });

  it('brackets IPv6 only where a URI or a bind needs them', () => {
    expect(uriHost('2001:db8::5')).toBe('[2001:db8::5]');
    expect(uriHost('sip.example.net')).toBe('sip.example.net');
    expect(bindAddress('0.0.0.0', 5060)).toBe('0.0.0.0:5060');
    expect(bindAddress('::', 5062)).toBe('[::]:5062');
    expect(ipProblem('::')).toBeNull();
    expect(ipProblem('sip.example.net')).toMatch(/not an IP address/);
  });
});

describe('caller ID as ast_callerid_split reads it', () => {
  it('takes the three forms with a dialable number', () => {
    for (const ok of ['"Alice Smith" <6101>', 'Alice Smith <6101>', '<6101>', '"Lee, Ann" <+4930123>', '"Ops" <*97#>', '"Zoë Ångström" <6101>']) {
      expect(callerIdProblem(ok), ok).toBeNull();
    }
  });

  it('refuses the recorded argument split and anything that is not digits in the number', () => {
    expect(callerIdProblem('"Eve" <1003,s>')).toMatch(/digits/);
    for (const bad of ['<6101)>', '<${SHELL(id)}>', '<61 01>', '<>', '<6101&1>', '<+>', '<61+01>']) expect(callerIdProblem(bad), bad).toMatch(/digits/);
    for (const bad of ['Alice', '6101', 'Alice <6101', 'Alice 6101>', '"A" <1> <2>']) expect(callerIdProblem(bad), bad).toMatch(/expected/);
    for (const bad of ['"A\\" <6101>', 'A"B <6101>', 'A\\B <6101>']) expect(callerIdProblem(bad), bad).not.toBeNull();
  });

  it('refuses a name longer than the 79 bytes res_pjsip keeps, counting UTF-8 bytes', () => {
    expect(callerIdProblem(`"${'e'.repeat(79)}" <6101>`)).toBeNull();
    expect(callerIdProblem(`"${'é'.repeat(39)}" <6101>`)).toBeNull();
    expect(callerIdProblem(`"${'é'.repeat(40)}" <6101>`)).toMatch(/79 bytes/);
  });
});

describe('numbers to dial', () => {
  it('takes digits with an optional leading +, and nothing that could split or end a dialplan argument', () => {
    for (const ok of ['16465701658', '+442071234567', '00', `+${'9'.repeat(31)}`]) expect(dialNumberProblem(ok), ok).toBeNull();
    for (const bad of ['', '1', '+', '++44', '44+1', '6101,s', '6101)', '${EXTEN}', '6101&PJSIP/x', '61;01', '61 01', '6101\n', '*81', '1'.repeat(32)]) {
      expect(dialNumberProblem(bad), bad).toMatch(/digits/);
    }
  });
});

describe('UTF-8 byte limits', () => {
  it('cuts 80 × é on a character boundary, never leaving a lone 0xC3', () => {
    const cut = truncateUtf8('é'.repeat(80), 79);
    expect(cut).toBe('é'.repeat(39));
    const bytes = Buffer.from(cut, 'utf8');
    expect(bytes.length).toBe(78);
    expect(bytes.at(-1)).not.toBe(0xc3);
  });

  it('returns the longest whole-character prefix within the limit (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 0, max: 120 }), (text, max) => {
      const cut = truncateUtf8(text, max);
      expect(text.startsWith(cut)).toBe(true);
      expect(utf8Bytes(cut)).toBeLessThanOrEqual(max);
      // Decodes to itself: no character was split.
      expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
      const next = [...text.slice(cut.length)][0];
      if (next !== undefined) expect(utf8Bytes(cut + next)).toBeGreaterThan(max);
    }), { numRuns: 1000 });
  });
});

describe('names with a special meaning', () => {
  it('refuses, per object kind, the names Asterisk or acm treats specially', () => {
    expect(reservedNameProblem('pjsip', 'anonymous')).toMatch(/reserved/);
    expect(reservedNameProblem('pjsip', 'Anonymous')).toMatch(/reserved/);
    for (const n of ['global', 'system', 'transport-udp', 'transport-tcp', 'transport-tls', 'grp-sales', 'acm-mark-12', 't7-carrier']) {
      expect(reservedNameProblem('pjsip', n), n).toMatch(/reserved/);
    }
    for (const n of ['general', 'globals']) expect(reservedNameProblem('context', n), n).toMatch(/reserved/);
    for (const n of ['internal', 'local', 'longdistance', 'international', 'parking', 'general', 'default', 'parkedcalls']) expect(reservedNameProblem('ownContext', n), n).toMatch(/reserved/);
    for (const n of ['general', 'zonemessages']) expect(reservedNameProblem('voicemail', n), n).toMatch(/reserved/);
    expect(reservedNameProblem('acl', 'general')).toMatch(/reserved/);
    expect(reservedNameProblem('moh', 'general')).toMatch(/reserved/);
  });

  it('lets ordinary names through, and group contexts be referred to', () => {
    for (const n of ['carrier-a', 'anonymous2', 'office', 'transport', 'tenant-1', 'texas-1']) expect(reservedNameProblem('pjsip', n), n).toBeNull();
    expect(reservedNameProblem('context', 'internal')).toBeNull();
    expect(reservedNameProblem('context', 'grp-sales', { allowGroupPrefix: true })).toBeNull();
    expect(reservedNameProblem('context', 't7-internal', { allowGroupPrefix: true })).toMatch(/another tenant/);
  });
});
