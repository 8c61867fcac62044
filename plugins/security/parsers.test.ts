import { readFileSync, mkdtempSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertText, parseJsonAlert, parseSyslogAlert } from './alerts.ts';
import { parseAstAddress, parseSecurityLogLine, SourceTracker, toSecurityEvent } from './asterisk-events.ts';
import {
  blacklistCommand, counter, parseFail2banJail, parseFail2banStatus, parseIptablesList, parseManagerConf, parseNftRuleset,
  validateBlacklistAddress,
} from './posture.ts';
import { aclPermits, networkContains, openTo } from './audit.ts';
import { FileTailer } from './tail.ts';
import { parsePosture, splitSections } from './posture-script.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('OSSEC/Wazuh alert parsing', () => {
  it('reads Wazuh alerts.json lines into rule id, level, location, source IP, description and time', () => {
    const r = parseAlertText(fixture('wazuh-alerts.json'));
    expect(r.errors).toEqual([]);
    expect(r.alerts.map((a) => [a.line, a.alert.ruleId, a.alert.level, a.alert.location, a.alert.srcIp])).toEqual([
      [1, '5710', 5, '/var/log/auth.log', '203.0.113.45'],
      [2, '5712', 10, '/var/log/auth.log', '203.0.113.45'],
      [3, '503', 3, 'wazuh-agent', null],
      [4, '550', 7, 'syscheck', null],
    ]);
    const first = r.alerts[0]!.alert;
    expect(first).toMatchObject({ source: 'wazuh', description: 'sshd: Attempt to login using a non-existent user', time: '2026-11-23T08:01:20.229Z', agent: 'ast15', user: 'admin' });
    expect(first.groups).toContain('authentication_failed');
  });

  it('reads OSSEC syslog output lines', () => {
    const r = parseAlertText(fixture('ossec-syslog.txt'));
    expect(r.errors).toEqual([]);
    expect(r.alerts.map((a) => [a.alert.ruleId, a.alert.level, a.alert.srcIp, a.alert.agent])).toEqual([
      ['5213', 7, null, 'ast16'], ['10100', 4, '192.168.0.216', 'ast15'], ['5712', 10, '198.51.100.23', 'ast15'],
    ]);
    expect(r.alerts[0]!.alert).toMatchObject({ description: 'Asterisk TRUNK DOWN', location: '(ast16) 192.168.0.216->/var/log/asterisk/messages' });
    expect(r.alerts[1]!.alert.user).toBe('asterisk');
  });

  it('reads classic multi-line alerts.log entries', () => {
    const r = parseAlertText(fixture('ossec-alerts.log'));
    expect(r.errors).toEqual([]);
    expect(r.alerts.map((a) => [a.line, a.alert.ruleId, a.alert.level, a.alert.srcIp, a.alert.time])).toEqual([
      [1, '10100', 4, '192.168.0.216', '2018-01-17T10:07:10.000Z'],
      [8, '5213', 7, null, '2018-01-17T09:15:05.000Z'],
    ]);
    expect(r.alerts[0]!.alert).toMatchObject({ description: 'First time user logged in.', location: '(ast15) 192.168.0.215->/var/log/secure', user: 'asterisk' });
  });

  it('reports every bad line by number and keeps the good ones', () => {
    const text = ['{"rule":{"id":"1","level":3}}', 'garbage here', '', '{"rule":{"id":"2","level":99}}', '{not json', fixture('ossec-syslog.txt').split('\n')[0]].join('\n');
    const r = parseAlertText(text);
    expect(r.alerts.map((a) => a.line)).toEqual([1, 6]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 4, 5]);
    expect(r.errors[1]!.error).toMatch(/level/);
    expect(() => parseJsonAlert('[]')).toThrow(/object/);
    expect(() => parseSyslogAlert('Jan 1 00:00:00 host sshd: hi')).toThrow(/OSSEC syslog/);
  });
});

describe('Asterisk security events', () => {
  it('parses RemoteAddress forms', () => {
    expect(parseAstAddress('IPV4/UDP/127.0.0.1/5071')).toEqual({ family: 'IPV4', transport: 'UDP', ip: '127.0.0.1', port: 5071 });
    expect(parseAstAddress('IPV6/UDP/[2001:db8::1]/5060')).toMatchObject({ ip: '2001:db8::1', port: 5060 });
    expect(parseAstAddress('IPV4/TCP/not-an-ip/1')).toBeNull();
    expect(parseAstAddress(undefined)).toBeNull();
  });

  it('keeps only allow-listed fields of a res_security_log line (no Challenge/Response/hash)', () => {
    const lines = fixture('asterisk-security.log').trim().split('\n');
    const parsed = lines.map(parseSecurityLogLine);
    expect(parsed.map((p) => p?.event)).toEqual(['ChallengeSent', 'SuccessfulAuth', 'SuccessfulAuth', 'RequestBadFormat', 'InvalidPassword', 'RequestNotAllowed', 'InvalidAccountID']);
    const withSecret = parseSecurityLogLine('SECURITY[1] res_security_log.c: SecurityEvent="ChallengeResponseFailed",AccountID="6102",RemoteAddress="IPV4/UDP/10.1.1.1/5060",Challenge="abc",Response="def",ExpectedResponse="0123456789abcdef",ReceivedHash="ffff"')!;
    expect(Object.keys(withSecret.fields).sort()).toEqual(['AccountID', 'RemoteAddress']);
    expect(JSON.stringify(withSecret)).not.toMatch(/0123456789abcdef|ffff|abc"|def"/);
  });

  it('counts per source and crosses the brute-force threshold once per window', () => {
    let t = 1_000_000;
    const tracker = new SourceTracker({ windowSeconds: 60, bruteForceThreshold: 3, maxSources: 10 }, () => t);
    const ev = (event: string, ip: string) => toSecurityEvent({ event, serverId: 1, fields: { RemoteAddress: `IPV4/UDP/${ip}/5060`, Service: 'PJSIP', AccountID: '6102', ExpectedResponse: 'secret' } });
    const crossings = [];
    for (let i = 0; i < 5; i++) { crossings.push(tracker.record(ev('InvalidPassword', '203.0.113.9')).crossed); t += 1000; }
    expect(crossings).toEqual([false, false, true, false, false]);
    tracker.record(ev('SuccessfulAuth', '10.0.0.1'));
    const list = tracker.list();
    expect(list[0]).toMatchObject({ ip: '203.0.113.9', failures: 5, recentFailures: 5, byEvent: { InvalidPassword: 5 }, accounts: ['6102'], services: ['PJSIP'] });
    expect(list[1]).toMatchObject({ ip: '10.0.0.1', failures: 0, successes: 1 });
    t += 61_000;
    expect(tracker.list()[0]!.recentFailures).toBe(0);
    expect(JSON.stringify(list)).not.toContain('secret');
    for (let i = 0; i < 20; i++) tracker.record(ev('InvalidPassword', `198.51.100.${i}`));
    expect(tracker.size).toBe(10);
  });
});

describe('posture parsers', () => {
  it('rejects output that is not fail2ban status', () => {
    expect(() => parseFail2banStatus('ERROR   Failed to access socket path: /var/run/fail2ban/fail2ban.sock. Is fail2ban running?')).toThrow();
    expect(() => parseFail2banJail('Sorry but the jail \'x\' does not exist')).toThrow();
  });

  it('parses iptables -L -v -n without -x (K/M counters) and rules without a target', () => {
    const text = [
      'Chain INPUT (policy ACCEPT 12K packets, 3M bytes)',
      ' pkts bytes target     prot opt in     out     source               destination',
      '   31 16053 f2b-asterisk-udp  udp  --  *      *       0.0.0.0/0            0.0.0.0/0            multiport dports 5060,5061',
      ' 119K   98M ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            state RELATED,ESTABLISHED',
      '    5   300            all  --  eth0   *       10.0.0.0/8           0.0.0.0/0',
      '',
      'Chain BLACKLIST-INPUT (1 references)',
      ' pkts bytes target     prot opt in     out     source               destination',
      '   86 44326 DROP       all  --  *      *       14.134.3.4           0.0.0.0/0',
    ].join('\n');
    const chains = parseIptablesList(text);
    expect(chains.map((c) => [c.name, c.policy, c.references, c.rules.length])).toEqual([['INPUT', 'ACCEPT', null, 3], ['BLACKLIST-INPUT', null, 1, 1]]);
    expect(chains[0]!.packets).toBe(12_000);
    expect(chains[0]!.rules[1]).toMatchObject({ packets: 119_000, bytes: 98_000_000, target: 'ACCEPT', extra: 'state RELATED,ESTABLISHED' });
    expect(chains[0]!.rules[2]).toMatchObject({ target: '', protocol: 'all', in: 'eth0', source: '10.0.0.0/8', extra: '' });
    expect(counter('7')).toBe(7);
    expect(() => parseIptablesList('iptables: command not found')).toThrow();
  });

  it('parses nft list ruleset (documented format): chains, policies, counters, sets', () => {
    const text = [
      'table inet filter {',
      '\tset blacklist {',
      '\t\ttype ipv4_addr',
      '\t\tflags interval',
      '\t\telements = { 203.0.113.9, 198.51.100.0/24,',
      '\t\t\t     192.0.2.1 }',
      '\t}',
      '',
      '\tchain input {',
      '\t\ttype filter hook input priority filter; policy drop;',
      '\t\tct state established,related accept',
      '\t\tip saddr @blacklist counter packets 12 bytes 720 drop',
      '\t\tudp dport 5060 counter packets 300 bytes 150000 accept comment "sip"',
      '\t}',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter; policy accept;',
      '\t}',
      '}',
    ].join('\n');
    const r = parseNftRuleset(text);
    expect(r.sets).toEqual([{ table: 'inet filter', name: 'blacklist', type: 'ipv4_addr', elements: ['203.0.113.9', '198.51.100.0/24', '192.0.2.1'] }]);
    expect(r.chains.map((c) => [c.name, c.policy, c.rules.length])).toEqual([['input', 'drop', 3], ['forward', 'accept', 0]]);
    expect(r.chains[0]!.rules[1]).toMatchObject({ packets: 12, bytes: 720, target: 'drop', source: '@blacklist' });
    expect(r.chains[0]!.rules[2]).toMatchObject({ packets: 300, target: 'accept', protocol: 'udp' });
  });

  it('validates blacklist addresses strictly and builds commands only from them', () => {
    expect(validateBlacklistAddress(' 203.0.113.9 ')).toEqual({ address: '203.0.113.9', family: 4 });
    expect(validateBlacklistAddress('198.51.100.0/24')).toEqual({ address: '198.51.100.0/24', family: 4 });
    expect(validateBlacklistAddress('2001:DB8::1')).toEqual({ address: '2001:db8::1', family: 6 });
    // One address has one spelling: without /32 or /128, as iptables lists it.
    expect(validateBlacklistAddress('203.0.113.9/32')).toEqual({ address: '203.0.113.9', family: 4 });
    expect(validateBlacklistAddress('2001:db8::1/128')).toEqual({ address: '2001:db8::1', family: 6 });
    for (const bad of ['1.2.3.4; rm -rf /', '$(id)', '1.2.3.4 -j ACCEPT', 'example.com', '0.0.0.0/0', '10.0.0.0/4', '127.0.0.1', '01.2.3.4', '1.2.3.4/33', '', '::1', 42, null, '1.2.3.4\n5.6.7.8', '::ffff:203.0.113.9', 'fe80::1%eth0/64']) {
      expect(() => validateBlacklistAddress(bad), String(bad)).toThrow();
    }
    // ip6tables would take the IPv4-mapped form and never match an IPv4 packet: refused, naming the IPv4 address to use.
    expect(() => validateBlacklistAddress('::ffff:203.0.113.9')).toThrow(/IPv4-mapped.*203\.0\.113\.9/);
    expect(blacklistCommand('remove', '203.0.113.9', 4, 'BLACKLIST')).toBe('iptables -w -D BLACKLIST -s 203.0.113.9 -j DROP');
    expect(blacklistCommand('add', '2001:db8::1', 6, 'BLACKLIST')).toContain('ip6tables -w -I BLACKLIST -s 2001:db8::1 -j DROP');
    expect(() => blacklistCommand('add', '1.2.3.4;id', 4, 'BLACKLIST')).toThrow();
    expect(() => blacklistCommand('add', '1.2.3.4', 4, 'BL;id')).toThrow();
  });

  it('splits the posture script output and reports a missing tool as an error, not a crash', () => {
    const out = ['@@acm f2b', 'bash: fail2ban-client: command not found', '@@acm iptables-L', 'Chain INPUT (policy DROP 0 packets, 0 bytes)', ' pkts bytes target     prot opt in     out     source               destination', '@@acm iptables-S', '-P INPUT DROP', '@@acm nft', 'bash: nft: command not found', '@@acm end', ''].join('\n');
    expect(splitSections(out).map((s) => s.name)).toEqual(['f2b', 'iptables-L', 'iptables-S', 'nft']);
    const p = parsePosture(out, 'BLACKLIST');
    expect(p.fail2ban).toBeNull();
    expect(p.iptables?.policies).toEqual({ INPUT: 'DROP' });
    expect(p.errors).toEqual(['f2b: bash: fail2ban-client: command not found', 'nft: bash: nft: command not found']);
    expect(p.blacklist).toEqual({ chain: 'BLACKLIST', addresses: [] });
    expect(p.raw['nft']).toContain('command not found');
  });

  it('parses manager.conf AMI users', () => {
    const users = parseManagerConf('[general]\nenabled = yes\n[acm]\nsecret = 1234\ndeny=0.0.0.0/0.0.0.0\npermit=0.0.0.0/0.0.0.0\n[ops] ; comment\nsecret=Zq8!x93kLm2vPq7w\ndeny=0.0.0.0/0.0.0.0\npermit=10.0.0.5/255.255.255.255\n[open]\nsecret=Zq8!x93kLm2vPq7wxx\n');
    expect(users.map((u) => [u.name, u.secretWeak, u.permit, u.deny])).toEqual([
      ['acm', true, ['0.0.0.0/0.0.0.0'], ['0.0.0.0/0.0.0.0']],
      ['ops', false, ['10.0.0.5/255.255.255.255'], ['0.0.0.0/0.0.0.0']],
      ['open', false, [], []],
    ]);
  });
});

describe('ACL evaluation (Asterisk semantics: permitted unless a later rule denies)', () => {
  it('matches networks in prefix and netmask form', () => {
    expect(networkContains('10.0.0.0/8', '10.200.1.1')).toBe(true);
    expect(networkContains('10.0.0.0/255.0.0.0', '11.0.0.1')).toBe(false);
    expect(networkContains('0.0.0.0/0.0.0.0', '8.8.8.8')).toBe(true);
    expect(networkContains('192.168.1.7', '192.168.1.7')).toBe(true);
    expect(networkContains('10.0.0.0/255.0.255.0', '10.0.0.1')).toBe(false); // not contiguous
  });
  it('judges openness to the Internet', () => {
    expect(openTo([{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.0.0.0/8' }])).toEqual([]);
    expect(openTo([{ action: 'permit', network: '10.0.0.0/8' }]).length).toBeGreaterThan(0);
    expect(openTo([{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '0.0.0.0/0' }]).length).toBeGreaterThan(0);
    expect(aclPermits([{ action: 'deny', network: '0.0.0.0/0.0.0.0' }], '1.1.1.1')).toBe(false);
  });
});

describe('file tail', () => {
  it('returns only new complete lines and entries, and restarts after rotation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acm-sec-tail-'));
    try {
      const f = join(dir, 'alerts.json');
      writeFileSync(f, '{"old":1}\n');
      const t = new FileTailer(f, 1 << 20);
      expect(await t.poll()).toBe('');
      appendFileSync(f, '{"a":1}\n{"b":');
      expect(await t.poll()).toBe('{"a":1}\n');
      appendFileSync(f, '2}\n');
      expect(await t.poll()).toBe('{"b":2}\n');
      writeFileSync(f, '{"c":3}\n');
      expect(await t.poll()).toBe('{"c":3}\n');
      const log = join(dir, 'alerts.log');
      writeFileSync(log, '');
      const b = new FileTailer(log, 1 << 20, true);
      const block = fixture('ossec-alerts.log');
      const half = block.indexOf('Rule: 5213');
      appendFileSync(log, block.slice(0, half));
      const first = await b.poll();
      expect(parseAlertText(first).alerts.map((a) => a.alert.ruleId)).toEqual(['10100']);
      appendFileSync(log, block.slice(half));
      const second = await b.poll();
      const r = parseAlertText(second);
      expect(r.errors).toEqual([]);
      expect(r.alerts.map((a) => a.alert.ruleId)).toEqual(['5213']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
