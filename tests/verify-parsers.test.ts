import { describe, expect, it } from 'vitest';
import type { LoadedStateProbe, ProbeItem } from '../sdk/commit.ts';
import { fixture } from './asterisk/helpers.ts';
import { fileBody, section } from './asterisk/recording.ts';
import { parseSections, valueOf } from '../core/commit/verify/config.ts';
import { normaliseBind, normaliseCallerId, parseIdentifies, parseTransports, pjsipVerifier } from '../core/commit/verify/pjsip.ts';
import { aclVerifier, parseAclList, parseAclRules } from '../core/commit/verify/acl.ts';
import { mohVerifier, parseMohClasses } from '../core/commit/verify/features.ts';
import { parseRule, sameNetwork } from '../core/commit/verify/net.ts';
import { CORE_VERIFIERS, unverifiable, verifyLoaded } from '../core/commit/verify/index.ts';
import { markerName, splitMarker, withMarker } from '../core/commit/render/markers.ts';
import { parseConfbridgeList } from '../plugins/conference/verify.ts';

/** The items (events up to the list's Complete event) of a recorded AMI answer. */
function amiItems(name: string): ProbeItem[] {
  return fixture(name).split(/\r\n\r\n/).map((frame) => new Map(frame.split('\r\n').filter(Boolean).map((l) => {
    const i = l.indexOf(': ');
    return [l.slice(0, i < 0 ? l.length - 1 : i), i < 0 ? '' : l.slice(i + 2)] as [string, string];
  }))).filter((h) => h.has('Event') && h.get('EventList') !== 'Complete');
}

/** A probe answering from recordings: `lists` by action name, `cli` by command. */
function probe(lists: Record<string, ProbeItem[]>, cli: Record<string, string[]> = {}): LoadedStateProbe {
  return {
    server: 'ast1',
    command: async (c) => cli[c] ?? [`No such command '${c}'`],
    list: async (action) => lists[action] ?? [],
  };
}

describe('expected state from rendered files', () => {
  it('a section takes type and options from its template (cfg-pjsip-template-endpoints)', () => {
    const sections = parseSections([{ name: 'pjsip.conf', content: fileBody(fixture('cfg-pjsip-template-endpoints.txt')) }]);
    const endpoints = sections.filter((s) => valueOf(s, 'type') === 'endpoint').map((s) => s.name);
    // The recording: PJSIPShowEndpoints lists 6201 and 6202 and not the template.
    const listed = amiItems('ami-PJSIPShowEndpoints-template-endpoints.txt').map((i) => i.get('ObjectName'));
    expect(listed).toEqual(expect.arrayContaining(['6201', '6202']));
    for (const n of listed) expect(endpoints).toContain(n);
    expect(endpoints).not.toContain('grp-sales');
    const e6201 = sections.find((s) => s.name === '6201' && valueOf(s, 'type') === 'endpoint')!;
    expect(valueOf(e6201, 'context')).toBe(amiItems('ami-PJSIPShowEndpoint-6201-template.txt')[0]!.get('Context'));
  });

  it('later lines override inherited ones; templates resolve across files and recursively', () => {
    const s = parseSections([
      { name: 'a.conf', content: '[base](!)\ntype = endpoint\ncontext = a\n[mid](!,base)\ncontext = b\n' },
      { name: 'b.conf', content: '[6101](mid)\ncallerid = "A; B" <1> ; comment\nallow = g722\\;x\n' },
    ]);
    expect(s.map((x) => x.name)).toEqual(['6101']);
    expect(valueOf(s[0]!, 'type')).toBe('endpoint');
    expect(valueOf(s[0]!, 'context')).toBe('b');
    expect(valueOf(s[0]!, 'callerid')).toBe('"A');
    expect(valueOf(s[0]!, 'allow')).toBe('g722;x');
  });
});

describe('markers', () => {
  it('are named after the body, so an unchanged file keeps its bytes; the body can be read back', () => {
    const body = '[6101]\ntype = endpoint\n';
    const a = withMarker('f', 'res_pjsip.so', body);
    expect(a).toBe(`${body}\n; revision marker: acm checks after each reload that Asterisk loaded this file\n[${markerName(body)}]\ntype = aor\nmax_contacts = 0\n`);
    expect(withMarker('f', 'res_pjsip.so', body)).toBe(a);
    expect(withMarker('f', 'res_pjsip.so', `${body}context = x\n`)).not.toContain(markerName(body));
    for (const b of ['', body, '[x]\nk = v', '[x]\n\n']) expect(splitMarker(withMarker('f', 'pbx_config.so', b))).toEqual({ body: b, name: markerName(b) });
    expect(withMarker('f', 'res_musiconhold.so', body)).toBe(body);
    expect(withMarker('f', 'app_voicemail.so', '')).toMatch(/^\[acm-mark-[0-9a-f]{12}\]\n0 => \d+,acm marker\n$/m);
  });

  it('no rendered object may pass for one', () => {
    expect(() => withMarker('file acm/acl.acm.conf', 'acl', '[acm-mark-000000000000]\npermit = 10.0.0.1\n')).toThrow(/revision markers/);
  });
});

describe('pjsip', () => {
  it('reads a rejected file: the kept caller ID differs from the rendered one (cfg-pjsip-rejected-keeps-values)', async () => {
    const text = fixture('cfg-pjsip-rejected-keeps-values.txt');
    const [good, bad] = [fileBody(text, 0), fileBody(text, 1)];
    const after = amiItems('ami-PJSIPShowEndpoint-6101-after-rejected.txt');
    const endpoints = ['6001', '6002', '6101'].map((n) => new Map([['ObjectName', n]]));
    const p = probe({ PJSIPShowEndpoints: endpoints, PJSIPShowEndpoint: after, PJSIPShowAors: endpoints }, { 'pjsip show transports': fixture('cli-pjsip-show-transports-good.txt').split('\n') });
    const findings = await pjsipVerifier.verify({ probe: p, expected: parseSections([{ name: 'pjsip.conf', content: bad }]), previous: parseSections([{ name: 'pjsip.conf', content: good }]) });
    expect(findings).toEqual([{ object: 'endpoint 6101', message: 'callerid is ""Alice" <6101>", rendered ""Alicia" <6101>": Asterisk kept the old value (file rejected?)' }]);
    // The file that was loaded passes, read back before the rejected reload.
    const before = probe({ PJSIPShowEndpoints: endpoints, PJSIPShowEndpoint: amiItems('ami-PJSIPShowEndpoint-6101-before-rejected.txt'), PJSIPShowAors: endpoints }, { 'pjsip show transports': fixture('cli-pjsip-show-transports-good.txt').split('\n') });
    expect(await pjsipVerifier.verify({ probe: before, expected: parseSections([{ name: 'pjsip.conf', content: good }]), previous: parseSections([{ name: 'pjsip.conf', content: bad }]) })).toEqual([]);
  });

  it('an identify dropped for an unresolvable host and a bind that did not move (cfg-pjsip-identify-unresolvable-host, -transport-bind-changed)', async () => {
    expect(parseIdentifies(section(fixture('cfg-pjsip-identify-unresolvable-host.txt'), 'state after CLI reload: pjsip show identifies'))).toEqual([]);
    // Asterisk's format (res_pjsip_endpoint_identifier_ip.c: "%*s:  %s/%s").
    expect(parseIdentifies(['      Identify:  <Identify/Endpoint.........>', '      Identify:  carrier-b/carrier-b', '        Match: 203.0.113.20/32'])).toEqual(['carrier-b']);
    const bind = fixture('cfg-pjsip-transport-bind-changed.txt');
    expect(parseTransports(section(bind, 'state after CLI reload: pjsip show transports'))).toEqual(new Map([['transport-udp', { protocol: 'udp', bind: '127.0.0.1:5060' }]]));
    expect(parseTransports(section(bind, 'after restart: pjsip show transports')).get('transport-udp')!.bind).toBe('127.0.0.1:5062');
    const p = probe({}, {
      'pjsip show identifies': section(fixture('cfg-pjsip-identify-unresolvable-host.txt'), 'state after CLI reload: pjsip show identifies'),
      'pjsip show transports': section(bind, 'state after CLI reload: pjsip show transports'),
    });
    const expected = parseSections([{ name: 'pjsip.conf', content: fileBody(bind) }, { name: 'x.conf', content: '[carrier-a]\ntype = identify\nmatch = sip.carrier-a.invalid\n' }]);
    const findings = await pjsipVerifier.verify({ probe: p, expected: expected.filter((s) => valueOf(s, 'type') !== 'endpoint'), previous: [] });
    expect(findings).toEqual([
      { object: 'identify carrier-a', message: 'not loaded (a match host that does not resolve on the server drops it)' },
      { object: 'transport transport-udp', message: 'still udp 127.0.0.1:5060, rendered udp 127.0.0.1:5062: a transport\'s bind and protocol change only when Asterisk restarts', restartRequired: true },
    ]);
  });

  it('normalises what Asterisk rewrites', () => {
    expect(normaliseCallerId('Alice <6101>')).toBe(normaliseCallerId('"Alice" <6101>'));
    expect(normaliseCallerId('"Alice Smith" <6101>')).not.toBe(normaliseCallerId('"Alice" <6101>'));
    expect(normaliseBind('0.0.0.0', 'udp')).toBe('0.0.0.0:5060');
    expect(normaliseBind('[::]', 'tls')).toBe('[::]:5061');
    expect(normaliseBind('[::]:5062', 'udp')).toBe('[::]:5062');
  });
});

describe('acl', () => {
  const text = fixture('cfg-acl-mixed-scheme.txt');

  it('reads acl show and acl show <name> as Asterisk prints them (cfg-acl-mixed-scheme)', () => {
    expect(parseAclList(section(text, 'before: acl show'))).toEqual(['office']);
    expect(parseAclList(section(text, 'after fresh boot: acl show'))).toBeNull();
    const rules = parseAclRules(section(text, 'before: acl show office'))!;
    expect(rules.map((r) => [r.sense, r.text])).toEqual([['deny', '0.0.0.0/0.0.0.0'], ['permit', '10.20.0.0/255.255.0.0']]);
    expect(sameNetwork(parseRule('10.20.0.0/16')!, rules[1]!.net!)).toBe(true);
    expect(sameNetwork(parseRule('10.20.3.4/255.255.0.0')!, rules[1]!.net!)).toBe(true);
    expect(sameNetwork(parseRule('0.0.0.0/0')!, rules[0]!.net!)).toBe(true);
  });

  it('takes networks as ast_append_ha does', () => {
    expect(parseRule('::ffff:10.0.0.1/120')).toBeUndefined();
    expect(parseRule('::ffff:10.0.0.1/24')).toEqual(parseRule('10.0.0.0/24'));
    expect(parseRule('2001:db8::/255.255.0.0')).toBeUndefined();
    expect(parseRule('10.0.0.1/33')).toBeUndefined();
    expect(parseRule('2001:db8::1/32')).toEqual({ v6: true, addr: 0x20010db8n << 96n, mask: ((1n << 32n) - 1n) << 96n });
    expect(parseRule('203.0.113.20')).toEqual({ v6: false, addr: 0xcb007114n, mask: 0xffffffffn });
  });

  it('after a rejected acl.conf: the new rules are not loaded; at boot no ACL at all', async () => {
    const good = parseSections([{ name: 'acl.conf', content: fileBody(text, 0) }]);
    const bad = parseSections([{ name: 'acl.conf', content: fileBody(text, 2) }]);
    const after = probe({}, { 'acl show': section(text, 'after CLI reload: acl show'), 'acl show office': section(text, 'after CLI reload: acl show office') });
    const findings = await aclVerifier.verify({ probe: after, expected: bad, previous: good });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.object).toBe('ACL office');
    expect(findings[0]!.message).toMatch(/^rules loaded \(deny 0\.0\.0\.0\/0\.0\.0\.0, permit 10\.20\.0\.0\/255\.255\.0\.0\) differ from the rendered ones \(.*2001:db8::\/255\.255\.0\.0/);
    expect(await aclVerifier.verify({ probe: after, expected: good, previous: [] })).toEqual([]);
    const boot = probe({}, { 'acl show': section(text, 'after fresh boot: acl show') });
    expect(await aclVerifier.verify({ probe: boot, expected: good, previous: [] })).toEqual([
      { object: 'named ACLs', message: "none loaded: Asterisk says the ACL configuration isn't available (acl.conf failed to load)" },
    ]);
  });
});

describe('music on hold', () => {
  it('a class whose directory is missing is not loaded (cfg-moh-directory-missing)', async () => {
    const text = fixture('cfg-moh-directory-missing.txt');
    const shown = section(text, 'state after CLI reload: moh show classes');
    expect(parseMohClasses(shown)).toEqual(new Map([['default', { mode: 'files', directory: 'moh' }]]));
    const expected = parseSections([{ name: 'musiconhold.conf', content: fileBody(text) }]);
    expect(await mohVerifier.verify({ probe: probe({}, { 'moh show classes': shown }), expected, previous: [] })).toEqual([
      { object: 'class sales-moh', message: 'not loaded (directory missing on the server?)' },
    ]);
  });
});

describe('confbridge and the registry', () => {
  it('reads confbridge show profile lists (app_confbridge.c format)', () => {
    expect(parseConfbridgeList(['--------- Bridge Profiles -----------', 'default_bridge', 'acm-conf-800-bridge'])).toEqual(new Set(['default_bridge', 'acm-conf-800-bridge']));
    expect(parseConfbridgeList(["No such command 'confbridge show menus' (type 'core show help confbridge' for other possible commands)"])).toEqual(new Set());
  });

  it('a module without a verifier fails closed', async () => {
    const registry = new Map(Object.entries(CORE_VERIFIERS));
    expect(unverifiable([{ name: 'acm/queues.conf', reload: 'app_queue.so' }, { name: 'acm/pjsip.acm.conf', reload: 'res_pjsip.so' }], registry)).toEqual([{ name: 'acm/queues.conf', reload: 'app_queue.so' }]);
    const out = await verifyLoaded(probe({}), ['app_queue.so'], registry, [], []);
    expect(out).toEqual({ failures: ['ast1: app_queue.so: acm cannot prove it loaded the file (no verifier)'], restart: [] });
  });
});
