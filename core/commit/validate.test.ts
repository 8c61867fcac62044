import { describe, expect, it } from 'vitest';
import { validateCluster, type Problem } from './validate.ts';
import { collectMailboxes } from './render/common.ts';
import { renderCluster } from './render/index.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import type { ClusterSnapshot } from './snapshot.ts';

function problemsOf(mutate: (s: ClusterSnapshot) => void, ...rest: Parameters<typeof validateCluster> extends [unknown, ...infer R] ? R : never): Problem[] {
  const s = tpa1();
  mutate(s);
  return validateCluster(s, ...rest);
}
const ext = (s: ClusterSnapshot, n: string) => s.extensions.find((e) => e.extension === n)!;
const trunk = (s: ClusterSnapshot, n: string) => s.trunks.find((t) => t.name === n)!;

describe('validateCluster', () => {
  it('accepts the fixture as is', () => {
    expect(validateCluster(tpa1())).toEqual([]);
  });

  describe('duplicate numbers in one context', () => {
    it('two extensions with one number', () => {
      const p = problemsOf((s) => { ext(s, '6102').extension = '6101'; });
      expect(p).toContainEqual(expect.objectContaining({ object: 'extension 6101', field: 'extension', message: expect.stringMatching(/already used by extension 6101 \(id 12\)/) }));
    });
    it('an extension on the parking extension, a parking space or a feature code', () => {
      const p = problemsOf((s) => {
        ext(s, '6201').extension = '700';
        ext(s, '6202').extension = '705';
        ext(s, '6301').extension = '*97';
      });
      expect(p.map((x) => x.message)).toEqual(expect.arrayContaining([
        expect.stringMatching(/700 is already used by parking lot parking \(park extension\)/),
        expect.stringMatching(/705 is already used by parking lot parking \(space 705\)/),
        expect.stringMatching(/\*97 is already used by feature code \*97/),
      ]));
    });
    it('an extension a trunk pattern also matches', () => {
      const p = problemsOf((s) => { ext(s, '6900').extension = '9911'; });
      expect(p).toContainEqual(expect.objectContaining({ object: 'extension 9911', message: expect.stringMatching(/outbound pattern _9911 of trunk carrier-a/) }));
    });
    it('a trunk pattern that swallows a feature code', () => {
      const p = problemsOf((s) => { trunk(s, 'carrier-b').outboundPatterns = ['_*X.']; });
      expect(p).toContainEqual(expect.objectContaining({ object: 'trunk carrier-b', field: 'outboundPatterns', message: expect.stringMatching(/\*97/) }));
    });
    it('two PJSIP objects with one name (whole pjsip.conf would be rejected)', () => {
      const p = problemsOf((s) => { trunk(s, 'carrier-b').name = '6101'; });
      expect(p).toContainEqual(expect.objectContaining({ object: 'trunk 6101', message: expect.stringMatching(/also rendered for extension 6101/) }));
    });
  });

  describe('references', () => {
    it('an extension context nothing defines; known contexts are fine', () => {
      const p = problemsOf((s) => { ext(s, '6101').context = 'nowhere'; ext(s, '6102').context = 'default'; });
      expect(p).toEqual([{ object: 'extension 6101', field: 'context', message: 'context "nowhere" is not defined' }]);
      expect(problemsOf((s) => { ext(s, '6101').context = 'from-internal'; }, undefined, undefined, { knownContexts: ['from-internal'] })).toEqual([]);
    });
    it('site contexts do not exist for other tenants (their names are prefixed)', () => {
      const s = tpa1(7);
      ext(s, '6101').context = 'default';
      expect(validateCluster(s)).toEqual([{ object: 'extension 6101', field: 'context', message: 'context "t7-default" is not defined' }]);
    });
    it('a group right and a trunk context nothing defines', () => {
      const p = problemsOf((s) => { s.groups[0]!.rights = ['internal', 'premium']; trunk(s, 'carrier-a').context = 'from-pstn'; });
      expect(p).toEqual([
        { object: 'group USSales', field: 'rights', message: 'right "premium" names context "premium", which nothing defines' },
        { object: 'trunk carrier-a', field: 'context', message: 'context "from-pstn" is not defined' },
      ]);
    });
    it('a group context that collides with another group or with acm\'s own', () => {
      const p = problemsOf((s) => { s.groups[0]!.context = 'sales'; s.groups[1]!.context = 'sales'; s.groups[2]!.context = 'internal'; });
      expect(p).toContainEqual(expect.objectContaining({ object: 'group TechSupport', message: expect.stringMatching(/already the context of group USSales/) }));
      expect(p).toContainEqual(expect.objectContaining({ object: 'group hotdesk', message: expect.stringMatching(/acm renders itself/) }));
    });
    it('ACLs and groups that do not exist', () => {
      const p = problemsOf((s) => { ext(s, '6101').acl = 'nope'; trunk(s, 'carrier-a').acl = 'gone'; ext(s, '6202').groupId = 99; });
      expect(p).toEqual(expect.arrayContaining([
        { object: 'extension 6101', field: 'acl', message: 'ACL "nope" does not exist' },
        { object: 'trunk carrier-a', field: 'acl', message: 'ACL "gone" does not exist' },
        { object: 'extension 6202', field: 'groupId', message: 'group 99 does not exist in this tenant' },
      ]));
    });
  });

  describe('voicemail', () => {
    it('a roaming user\'s mailbox defined on another cluster', () => {
      const other = new Map([['6101@default', ['tpa2', 'tpa1']], ['6999@default', ['tpa2']]]);
      expect(problemsOf(() => undefined, undefined, other)).toEqual([
        { object: 'extension 6101', field: 'mailbox', message: 'mailbox 6101@default is also defined on cluster tpa2 (a roaming user needs one mailbox)' },
      ]);
    });
    it('collectMailboxes gives the keys to build that map from', () => {
      expect(collectMailboxes(tpa1())).toEqual(['6101@default', '6102@default', '6201@support']);
    });
    it('two extensions on one mailbox, a mailbox without password', () => {
      const p = problemsOf((s) => { ext(s, '6102').mailbox = '6101'; ext(s, '6201').vmSecret = null; });
      expect(p).toEqual([
        { object: 'extension 6201', field: 'vmSecret', message: expect.stringMatching(/without a voicemail password/) },
        { object: 'extension 6102', field: 'mailbox', message: 'mailbox 6101@default is also the mailbox of extension 6101' },
      ]);
    });
  });

  it('a trunk without host', () => {
    expect(problemsOf((s) => { trunk(s, 'carrier-b').host = null; })).toEqual([{ object: 'trunk carrier-b', field: 'host', message: 'a trunk needs a host' }]);
  });

  it('codec names Asterisk does not know', () => {
    const p = problemsOf((s) => { ext(s, '6101').allow = 'g722,h264,foo'; ext(s, '6102').disallow = 'bar'; trunk(s, 'carrier-a').codecs = 'ulaw&opus&g7xx'; });
    expect(p).toEqual([
      { object: 'extension 6101', field: 'allow', message: 'unknown codec "foo"' },
      { object: 'extension 6102', field: 'disallow', message: 'unknown codec "bar"' },
      { object: 'trunk carrier-a', field: 'codecs', message: 'unknown codec "g7xx"' },
    ]);
  });

  it('values unsafe for config, in every field, and the render refusal', () => {
    const p = problemsOf((s) => {
      ext(s, '6101').callerId = 'Alice <6101>\n[evil]\ntype = endpoint';
      ext(s, '6102').name = 'Bob #exec /bin/sh';
      trunk(s, 'carrier-a').secret = 'pw;x';
      s.acls[0]!.rules[1]!.network = '[10.0.0.0/8';
      s.groups[2]!.description = 'a\u0000b';
    });
    expect(p).toEqual(expect.arrayContaining([
      { object: 'extension 6101', field: 'callerId', message: 'must not contain a line break' },
      { object: 'extension 6102', field: 'name', message: 'must not contain #include, #tryinclude or #exec' },
      { object: 'trunk carrier-a', field: 'secret', message: 'must not contain ";" (starts a comment in Asterisk config)' },
      { object: 'acl office-phones', field: 'rules[1].network', message: 'must not start with "[" or "]" (starts a config section)' },
      { object: 'group hotdesk', field: 'description', message: 'must not contain a NUL character' },
      expect.objectContaining({ object: 'cluster tpa1', message: expect.stringMatching(/^cannot be rendered/) }),
    ]));
  });

  it('lists every problem, not the first one', () => {
    const p = problemsOf((s) => {
      trunk(s, 'carrier-b').host = null;
      ext(s, '6101').allow = 'foo';
      ext(s, '6102').acl = 'nope';
      ext(s, '6201').context = 'nowhere';
      ext(s, '6202').extension = '6101';
      ext(s, '6301').secret = null;
    });
    expect(new Set(p.map((x) => `${x.object}/${x.field}`))).toEqual(new Set([
      'trunk carrier-b/host', 'extension 6101/allow', 'extension 6102/acl', 'extension 6201/context',
      'extension 6101/extension', 'extension 6101/name', 'extension 6301/secret',
    ]));
  });

  it('uses the given rendered files for the contexts they define', () => {
    const s = tpa1();
    s.groups[0]!.rights = ['internal', 'queues'];
    expect(validateCluster(s).filter((x) => x.field === 'rights')).toHaveLength(1);
    const queues = '[queues]\nexten => 600,1,Queue(ussales)\n';
    const files = [...renderCluster(s), { name: 'acm/extensions-queues.conf', content: queues, reload: 'pbx_config.so', sha256: '' }];
    expect(validateCluster(s, files)).toEqual([]);
  });
});

/** Stored rows the input schemas refuse today: the validator refuses them again before a commit. */
describe('values as Asterisk parses them, on rows already stored', () => {
  const only = (p: Problem[], object: string) => p.filter((x) => x.object === object).map((x) => `${x.field}: ${x.message}`);

  it('the two recorded ACL lines that made Asterisk drop every named ACL, in ACLs and endpoint permit/deny', () => {
    const p = problemsOf((s) => {
      s.acls[0]!.rules.push({ action: 'permit', network: '::ffff:10.0.0.1/120' }, { action: 'permit', network: '2001:db8::/255.255.0.0' });
      ext(s, '6101').permit = '::ffff:10.0.0.1/120';
      ext(s, '6102').deny = '10.0.0.0/8,0.0.0.0/0';
    });
    const n = s0().acls[0]!.rules.length;
    expect(p).toEqual(expect.arrayContaining([
      { object: `acl ${s0().acls[0]!.name}`, field: `rules[${n}].network`, message: expect.stringMatching(/IPv4-mapped/) },
      { object: `acl ${s0().acls[0]!.name}`, field: `rules[${n + 1}].network`, message: expect.stringMatching(/same address scheme/) },
      { object: 'extension 6101', field: 'permit', message: expect.stringMatching(/IPv4-mapped/) },
      { object: 'extension 6102', field: 'deny', message: expect.stringMatching(/one network per rule/) },
    ]));
  });

  it('names with a special meaning, whatever the tenant prefix makes of them', () => {
    for (const tenantId of [1, 7]) {
      const s = tpa1(tenantId);
      trunk(s, 'carrier-b').name = 'anonymous';
      s.groups[0]!.context = 'internal';
      s.groups[1]!.context = 'general';
      ext(s, '6101').context = 'globals';
      ext(s, '6102').mailbox = '6102@zonemessages';
      s.acls[0]!.name = 'general';
      const p = validateCluster(s);
      expect(only(p, 'trunk anonymous'), `tenant ${tenantId}`).toContainEqual(expect.stringMatching(/^name: "anonymous" is reserved/));
      expect(only(p, `group ${s.groups[0]!.name}`)).toContainEqual(expect.stringMatching(/^context: "internal" is reserved/));
      expect(only(p, `group ${s.groups[1]!.name}`)).toContainEqual(expect.stringMatching(/^context: "general" is reserved/));
      expect(only(p, 'extension 6101')).toContainEqual(expect.stringMatching(/^context: "globals" is reserved/));
      expect(only(p, 'extension 6102')).toContainEqual(expect.stringMatching(/^mailbox: "zonemessages" is reserved/));
      expect(only(p, 'acl general')).toContainEqual(expect.stringMatching(/^name: "general" is reserved/));
    }
  });

  it('acm\'s own transports, templates, markers and another tenant\'s prefix', () => {
    const p = problemsOf((s) => {
      trunk(s, 'carrier-a').name = 'transport-udp';
      trunk(s, 'carrier-b').name = 'grp-USSales';
      ext(s, '6201').context = 't7-internal';
    });
    expect(only(p, 'trunk transport-udp')).toContainEqual(expect.stringMatching(/^name: "transport-udp" is reserved/));
    expect(only(p, 'trunk grp-USSales')).toContainEqual(expect.stringMatching(/^name: .*"grp-"/));
    expect(only(p, 'extension 6201')).toContainEqual(expect.stringMatching(/^context: .*another tenant/));
  });

  it('hosts with a port or a bad label, bad bind addresses, and a caller ID that splits dialplan arguments', () => {
    const p = problemsOf((s) => {
      trunk(s, 'carrier-a').host = 'evil.com:5060';
      trunk(s, 'carrier-b').host = '-evil';
      trunk(s, 'carrier-b').fromDomain = 'a..b';
      ext(s, '6900').host = '[10.20.5.50]';
      ext(s, '6101').callerId = '"Eve" <1003,s>';
      ext(s, '6102').cfwdTo = '1003,s';
      ext(s, '6201').language = 'en,s';
      ext(s, '6202').accountCode = 'a,b';
      trunk(s, 'carrier-a').outboundPatterns = [`_8${'X'.repeat(78)}`];
      s.cluster.sipBindAddress = '0.0.0.0:5060';
      s.servers[0]!.host = 'ast1.example.com:22';
    });
    expect(p).toEqual(expect.arrayContaining([
      { object: 'trunk carrier-a', field: 'host', message: expect.stringMatching(/without ":port"/) },
      { object: 'trunk carrier-b', field: 'host', message: expect.stringMatching(/must not start or end with "-"/) },
      { object: 'trunk carrier-b', field: 'fromDomain', message: expect.stringMatching(/empty labels/) },
      { object: 'extension 6900', field: 'host', message: expect.stringMatching(/without brackets/) },
      { object: 'extension 6101', field: 'callerId', message: expect.stringMatching(/digits/) },
      { object: 'extension 6102', field: 'cfwdTo', message: expect.stringMatching(/digits/) },
      { object: 'extension 6201', field: 'language', message: expect.stringMatching(/language code/) },
      { object: 'extension 6202', field: 'accountCode', message: expect.stringMatching(/letters, digits/) },
      { object: 'trunk carrier-a', field: 'outboundPatterns[0]', message: expect.stringMatching(/79 characters/) },
      { object: 'cluster tpa1', field: 'sipBindAddress', message: expect.stringMatching(/not an IP address/) },
      { object: 'server tpa1-a', field: 'host', message: expect.stringMatching(/without ":port"/) },
    ]));
  });

  it('an extension number equal to a trunk name (one pjsip object twice: Asterisk rejects the file)', () => {
    const p = problemsOf((s) => { trunk(s, 'carrier-a').name = '6102'; });
    expect(only(p, 'trunk 6102')).toEqual(['name: PJSIP object "6102" is also rendered for extension 6102 (a duplicate object makes Asterisk reject the whole pjsip.conf)']);
  });

  it('every bad value also stops the renderer, so nothing unchecked is written', () => {
    const bad: ((s: ClusterSnapshot) => void)[] = [
      (s) => { s.acls[0]!.rules[0]!.network = '2001:db8::/255.255.0.0'; },
      (s) => { ext(s, '6101').permit = '::ffff:10.0.0.1/120'; },
      (s) => { trunk(s, 'carrier-a').host = 'evil.com:5060'; },
      (s) => { ext(s, '6900').host = '-evil'; },
      (s) => { trunk(s, 'carrier-a').fromDomain = 'evil.com:5060'; },
      (s) => { ext(s, '6101').callerId = '"Eve" <1003,s>'; },
      (s) => { s.cluster.sipBindAddress = 'any'; },
    ];
    for (const mutate of bad) {
      const s = tpa1();
      mutate(s);
      expect(() => renderCluster(s), mutate.toString()).toThrow();
    }
  });
});

const s0 = () => tpa1();
