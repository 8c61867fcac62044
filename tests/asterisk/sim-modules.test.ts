/**
 * The simulator against the recordings of named ACLs, music on hold, pbx_config includes and
 * voicemail users of a real Asterisk 20 (FACTS.md 3-5, 7; README voicemail), reload and boot.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { countFrames, fixture, loginRaw, normalize } from './helpers.ts';
import { fileBody, logLines, replay, section } from './recording.ts';

let sim: SimulatedAsterisk;
const cli = (c: string) => (sim.ami.cli(c) ?? ['<no such command>']).filter((l) => l.trim() !== '');

beforeEach(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ authFailDelayMs: 20, sshPort: -1, timestampEvents: true, registrations: {}, queues: {} });
});

afterEach(async () => {
  await sim.stop();
});

function reload(mod: string): string[] {
  const n = sim.state.log.length;
  sim.state.reloadModule(mod);
  return sim.state.log.slice(n);
}

describe.each(['ipv4-mapped-mask', 'mixed-scheme'])('named ACL with a bad rule (%s)', (name) => {
  const text = fixture(`cfg-acl-${name}.txt`);

  it('reload: rejected as a whole, old ACL kept, Reload still answers success', async () => {
    sim.writeConfig('acl.conf', fileBody(text, 0));
    sim.writeConfig('pjsip.conf', fileBody(text, 1));
    reload('acl');
    reload('res_pjsip.so');
    expect(cli('acl show')).toEqual(section(text, 'before: acl show'));
    expect(cli('acl show office')).toEqual(section(text, 'before: acl show office'));
    expect(sim.state.endpointAclAllows('6101', '127.0.0.1')).toBe(false);
    expect(sim.state.endpointAclAllows('6101', '10.20.1.2')).toBe(true);
    sim.writeConfig('acl.conf', fileBody(text, 2));
    expect(reload('acl')).toEqual(logLines(text, 'full log lines produced by that reload'));
    expect(cli('acl show office')).toEqual(section(text, 'after CLI reload: acl show office'));
    sim.writeConfig('acl.conf', fileBody(text, 2));
    const got = await replay(sim.ports.ami, `cfg-acl-${name}.ami-reload.request.txt`, `cfg-acl-${name}.ami-reload.txt`, 'system');
    expect(normalize(got)).toBe(normalize(fixture(`cfg-acl-${name}.ami-reload.txt`)));
    expect(sim.state.endpointAclAllows('6101', '127.0.0.1')).toBe(false);
  });

  it('boot: no ACL configuration at all, the endpoint ACL fails open', async () => {
    sim.writeConfig('acl.conf', fileBody(text, 2));
    sim.writeConfig('pjsip.conf', fileBody(text, 1));
    await sim.restart();
    const boot = logLines(text, 'extra: fresh boot with the bad acl.conf');
    const seen = sim.state.log.filter((l) => boot.includes(l));
    expect(seen).toEqual(boot);
    expect(cli('acl show')).toEqual(section(text, 'after fresh boot: acl show'));
    expect(cli('acl show office')).toEqual([]);
    expect(sim.state.log.at(-1)).toBe(logLines(text, 'full log lines produced by that CLI command')[0]);
    expect(sim.state.endpointAclAllows('6101', '127.0.0.1')).toBe(true);
  });
});

describe('named ACL rules (main/acl.c forms)', () => {
  it('prefix and dotted masks, IPv6, !negation; an undefined name fails closed', () => {
    sim.writeConfig('acl.conf', '[a]\ndeny = 0.0.0.0/0\npermit = 10.1.0.0/255.255.0.0,!10.1.2.3\npermit = 2001:db8::/32\n[b]\npermit=::ffff:192.0.2.0/24\n');
    expect(reload('acl')).toEqual(['NOTICE acl.c: IPv4-mapped ACL network address specified. Converting to an IPv4 ACL network address.']);
    expect(cli('acl show a')).toEqual(['ACL: a', '---------------------------------------------', '  0:  deny - 0.0.0.0/0.0.0.0', '  1: allow - 10.1.0.0/255.255.0.0', '  2:  deny - 10.1.2.3/255.255.255.255', '  3: allow - 2001:db8::/ffff:ffff::']);
    expect(cli('acl show b')).toEqual(['ACL: b', '---------------------------------------------', '  0: allow - 192.0.2.0/255.255.255.0']);
    expect(cli('acl show nope')).toEqual(["Could not find ACL named 'nope'"]);
    sim.writeConfig('pjsip.conf', `${fixture('conf-pjsip.conf')}\n[7001]\ntype = endpoint\nacl = a\n[7002]\ntype = endpoint\nacl = nope\n[7003]\ntype = endpoint\ndeny = 0.0.0.0/0\npermit = 127.0.0.0/8\n`);
    reload('res_pjsip.so');
    expect([sim.state.endpointAclAllows('7001', '10.1.9.9'), sim.state.endpointAclAllows('7001', '10.1.2.3'), sim.state.endpointAclAllows('7001', '10.2.0.1')]).toEqual([true, false, false]);
    expect(sim.state.endpointAclAllows('7002', '127.0.0.1')).toBe(false);
    expect([sim.state.endpointAclAllows('7003', '127.0.0.1'), sim.state.endpointAclAllows('7003', '10.0.0.1')]).toEqual([true, false]);
    expect(sim.state.endpointAclAllows('6101', '10.0.0.1')).toBe(true);
  });

  it.each([
    ['permit = 10.0.0.0/33', 'WARNING acl.c: Invalid CIDR netmask: 33'],
    ['permit = 10.0.0.300', 'WARNING acl.c: Invalid IP address: 10.0.0.300'],
    ['deny = 10.0.0.0/255.0.0.0.1', 'WARNING acl.c: Invalid netmask: 255.0.0.0.1'],
    ['permit = 10.0.0.0/ffff::', 'WARNING acl.c: Address and mask are not using same address scheme.'],
  ])('%s rejects the file', (line, warning) => {
    sim.writeConfig('acl.conf', '[keep]\npermit = 192.0.2.1\n');
    reload('acl');
    sim.writeConfig('acl.conf', `[keep]\npermit = 192.0.2.1\n[x]\n${line}\n`);
    const log = reload('acl');
    expect(log[0]).toBe(warning);
    expect(log.at(-1)).toBe('WARNING named_acl.c: Could not reload ACL config');
    expect(cli('acl show')).toEqual(['acl', '---', 'keep']);
  });

  it('acl show lists in ao2 hash order (as a real 20.20.1 printed these four)', () => {
    sim.writeConfig('acl.conf', '[office]\npermit = 10.0.0.1\n[branch]\npermit = 10.0.0.2\n[zeta]\ndeny = ::/0\n[alpha]\npermit = 127.0.0.1\n');
    reload('acl');
    expect(cli('acl show')).toEqual(['acl', '---', 'branch', 'office', 'zeta', 'alpha']);
    expect(cli('acl show zeta')).toEqual(['ACL: zeta', '---------------------------------------------', '  0:  deny - ::/::']);
  });

  it('an unknown option or a missing acl.conf rejects the reload (as a live 20.20.1 logged it)', () => {
    sim.writeConfig('acl.conf', '[office]\npermit = 10.0.0.1\nbogus = 1\n');
    expect(reload('acl')).toEqual([
      "ERROR config_options.c: Could not find option suitable for category 'office' named 'bogus' at line 3 of ",
      'ERROR config_options.c: In acl.conf: Processing options for office failed',
      'WARNING named_acl.c: Could not reload ACL config',
    ]);
    sim.writeConfig('acl.conf', '; only comments\n');
    expect(reload('acl')).toEqual([]);
    expect(cli('acl show')).toEqual(['acl', '---']);
  });

  it('an untouched acl.conf is not reparsed; a rewritten one is', () => {
    sim.writeConfig('acl.conf', '[x]\npermit = 10.0.0.0/120\n');
    expect(reload('acl')).toContain('WARNING named_acl.c: Could not reload ACL config');
    expect(reload('acl')).toEqual([]);
    sim.writeConfig('acl.conf', '[x]\npermit = 10.0.0.0/12\n');
    expect(reload('acl')).toEqual([]);
    expect(cli('acl show')).toEqual(['acl', '---', 'x']);
  });
});

describe('music on hold', () => {
  const text = fixture('cfg-moh-directory-missing.txt');

  it('a class whose directory is missing is not created; reload answers success', async () => {
    expect(cli('moh show classes')).toEqual(section(text, 'state before (base config): moh show classes'));
    sim.writeConfig('musiconhold.conf', fileBody(text));
    expect(reload('res_musiconhold.so')).toEqual(logLines(text, 'full log lines produced by that reload'));
    expect(cli('moh show classes')).toEqual(section(text, 'state after CLI reload: moh show classes'));
    const got = await replay(sim.ports.ami, 'cfg-moh-directory-missing.ami-reload.request.txt', 'cfg-moh-directory-missing.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-moh-directory-missing.ami-reload.txt')));
    sim.createDataDir('moh/sales-moh', []);
    sim.writeConfig('musiconhold.conf', fileBody(text));
    expect(reload('res_musiconhold.so')).toEqual(['VERBOSE res_musiconhold.c: Files not found in moh/sales-moh for moh class:sales-moh']);
    expect(cli('moh show classes')).toEqual(section(text, 'state after CLI reload: moh show classes'));
    sim.createDataDir('moh/sales-moh');
    // The file is untouched: not reparsed, so the new directory is not seen yet.
    expect(reload('res_musiconhold.so')).toEqual([]);
    expect(cli('moh show classes')).toEqual(section(text, 'state after CLI reload: moh show classes'));
    sim.writeConfig('musiconhold.conf', fileBody(text));
    expect(reload('res_musiconhold.so')).toEqual([]);
    expect(cli('moh show classes')).toEqual(['Class: default', '\tMode: files', '\tDirectory: moh', 'Class: sales-moh', '\tMode: files', '\tDirectory: moh/sales-moh']);
  });
});

describe('pbx_config includes', () => {
  it('dialplan show <ctx> prints like Asterisk (recorded layout, order, includes, summary)', () => {
    sim.writeConfig('extensions.conf', fixture('conf-extensions.conf'));
    reload('pbx_config.so');
    expect(sim.ami.cli('dialplan show from-internal')).toEqual(fixture('cli-dialplan-show-from-internal-good.txt').replace(/\n$/, '').split('\n'));
    const text = fixture('cfg-extensions-tryinclude-file-missing-on-reload.txt');
    sim.writeConfig('extensions.conf', fileBody(text));
    reload('pbx_config.so');
    expect(cli('dialplan show from-internal')).toEqual(section(text, "state after CLI 'dialplan reload': dialplan show from-internal"));
  });

  it('missing #include: reload Error/Status 3 keeps the old dialplan; at boot pbx_config declines', async () => {
    const text = fixture('cfg-extensions-include-file-missing-on-reload.txt');
    const before = cli('dialplan show from-internal');
    sim.writeConfig('extensions.conf', fileBody(text));
    const got = await replay(sim.ports.ami, 'cfg-extensions-include-file-missing-on-reload.ami-reload.request.txt', 'cfg-extensions-include-file-missing-on-reload.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-extensions-include-file-missing-on-reload.ami-reload.txt')));
    expect(cli('dialplan show from-internal')).toEqual(before);
    expect(cli('module reload pbx_config.so')).toEqual(section(text, "CLI: asterisk -rx 'module reload pbx_config.so' (file"));
    await sim.restart();
    expect(sim.state.log).toContain('ERROR loader.c: pbx_config declined to load.');
    expect(cli('dialplan show from-internal')).toEqual(section(text, 'after fresh boot: dialplan show from-internal').slice(0, 1));
    const noSuch = "No such command 'dialplan reload' (type 'core show help dialplan reload' for other possible commands)";
    const notInit = 'The module \'pbx_config.so\' was not properly initialized. Before reloading the module, you must run "module load pbx_config.so" and fix whatever is preventing the module from being initialized.';
    expect(text).toContain(noSuch);
    expect(text).toContain(notInit);
    const c = await loginRaw(sim.ports.ami);
    c.send('Action: Command\r\nActionID: 1\r\nCommand: dialplan reload\r\n\r\n');
    await c.waitFor((d) => countFrames(d) >= 1);
    expect(c.take()).toContain(`Response: Error\r\nActionID: 1\r\nMessage: Command output follows\r\nOutput: ${noSuch}\r\n`);
    c.close();
    expect(cli('module reload pbx_config.so')).toEqual([notInit]);
    sim.writeConfig('extensions.conf', fixture('conf-extensions.conf'));
    expect(cli('module load pbx_config.so')).toEqual(['Loaded pbx_config.so']);
    expect(cli('dialplan show from-internal')[0]).toBe("[ Context 'from-internal' created by 'pbx_config' ]");
  });

  it('missing #tryinclude is ignored on reload and at boot', async () => {
    const text = fixture('cfg-extensions-tryinclude-file-missing-on-reload.txt');
    sim.writeConfig('extensions.conf', fileBody(text));
    const got = await replay(sim.ports.ami, 'cfg-extensions-tryinclude-file-missing-on-reload.ami-reload.request.txt', 'cfg-extensions-tryinclude-file-missing-on-reload.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-extensions-tryinclude-file-missing-on-reload.ami-reload.txt')));
    expect(sim.state.dialplan.match('from-internal', '6199')).toBeDefined();
    await sim.restart();
    expect(sim.state.dialplan.match('from-internal', '6199')).toBeDefined();
    expect(sim.ami.cli('dialplan reload')).toEqual(['Dialplan reloaded.']);
  });
});

describe('voicemail users', () => {
  it('VoicemailUsersList answers like the recording', async () => {
    sim.state.mailboxes.set('6102@default', { urgent: 0, newMsgs: 1, old: 0 });
    const rec = fixture('ami-ev-voicemail.txt');
    const start = rec.indexOf('Response: Success\r\nActionID: acm-ev-voicemailuserslist-08');
    const expected = rec.slice(start, rec.indexOf('Response: Success\r\nActionID: acm-ev-voicemailuserstatus-09'));
    const c = await loginRaw(sim.ports.ami);
    c.send('Action: VoicemailUsersList\r\nActionID: acm-ev-voicemailuserslist-08\r\n\r\n');
    await c.waitFor((d) => countFrames(d) >= countFrames(expected));
    expect(c.take()).toBe(expected);
    c.close();
  });

  it('a fullname cut inside a UTF-8 character keeps only whole characters', () => {
    sim.writeConfig('voicemail.conf', `[utf]\n7001 => 1,${'é'.repeat(50)}\n`);
    reload('app_voicemail.so');
    expect(sim.state.modules.voicemail.users[0]?.fullname).toBe('é'.repeat(39));
  });

  it('fullname is cut at 79 bytes; a rejected file keeps the old users', () => {
    const long = 'N'.repeat(100);
    sim.writeConfig('voicemail.conf', `[general]\n[sales]\n200 => 1234,${long},a@b.example,,attach=yes|saycid=yes\n`);
    reload('app_voicemail.so');
    const u = sim.state.modules.voicemail.users;
    expect(u.map((x) => [x.context, x.mailbox, x.fullname.length, x.email])).toEqual([['sales', '200', 79, 'a@b.example']]);
    const f = Object.fromEntries(sim.state.modules.voicemail.entryFields(u[0]!, { newMsgs: 0, old: 0 }));
    expect([f.AttachMessage, f.SayCID, f.Email]).toEqual(['Yes', 'Yes', 'a@b.example']);
    sim.writeConfig('voicemail.conf', '[general]\n[sales\n300 => 1,x\n');
    expect(reload('app_voicemail.so')).toEqual([
      "WARNING config.c: parse error: no closing ']', line 2 of /etc/asterisk/voicemail.conf",
      'ERROR app_voicemail.c: Config file voicemail.conf is in an invalid format.  Aborting.',
    ]);
    expect(sim.state.modules.voicemail.users.map((x) => x.mailbox)).toEqual(['200']);
  });
});
