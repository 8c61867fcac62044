/**
 * The simulator against the res_pjsip recordings of a real Asterisk 20 (FACTS.md 1, 2, 6, 13):
 * template endpoints, a rejected file keeping old values, an unchanged file not reparsed, an
 * identify whose host does not resolve, a transport bind change that needs a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { fixture, normalize } from './helpers.ts';
import { fileBody, logLines, replay, section } from './recording.ts';

let sim: SimulatedAsterisk;
const cli = (c: string) => (sim.ami.cli(c) ?? ['<no such command>']).filter((l) => l.trim() !== '');

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ authFailDelayMs: 20, sshPort: -1, timestampEvents: true, registrations: {}, queues: {}, configFiles: { 'pjsip.conf': fixture('conf-pjsip.conf'), 'extensions.conf': fixture('conf-extensions.conf') } });
});

afterAll(async () => {
  await sim.stop();
});

function load(body: string): string[] {
  const before = sim.state.log.length;
  sim.writeConfig('pjsip.conf', body);
  sim.state.reloadModule('res_pjsip.so');
  return sim.state.log.slice(before);
}

describe('res_pjsip reload like Asterisk 20', () => {
  it('template endpoints are endpoints; the template is not (fact 1)', async () => {
    const text = fixture('cfg-pjsip-template-endpoints.txt');
    load(fixture('conf-pjsip.conf'));
    sim.writeConfig('pjsip.conf', fileBody(text));
    const got = await replay(sim.ports.ami, 'cfg-pjsip-template-endpoints.ami-reload.request.txt', 'cfg-pjsip-template-endpoints.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-pjsip-template-endpoints.ami-reload.txt')));
    for (const name of ['PJSIPShowEndpoints-template-endpoints', 'PJSIPShowEndpoint-6201-template']) {
      const answer = await replay(sim.ports.ami, `ami-${name}.request.txt`, `ami-${name}.txt`);
      expect(normalize(answer), name).toBe(normalize(fixture(`ami-${name}.txt`)));
    }
    expect(cli('pjsip show endpoints')).toEqual(section(text, 'state after AMI reload: pjsip show endpoints'));
  });

  it('a rejected file keeps the old objects and values; an untouched file logs nothing (fact 2)', async () => {
    const text = fixture('cfg-pjsip-rejected-keeps-values.txt');
    load(fileBody(text, 0));
    const before = await replay(sim.ports.ami, 'ami-PJSIPShowEndpoint-6101-before-rejected.request.txt', 'ami-PJSIPShowEndpoint-6101-before-rejected.txt');
    expect(before).toBe(fixture('ami-PJSIPShowEndpoint-6101-before-rejected.txt'));
    const log = load(fileBody(text, 1));
    // Asterisk logs the pair 14 times (once per sorcery type); the simulator once.
    expect([...new Set(log)]).toEqual([...new Set(logLines(text, 'full log lines produced by that reload'))]);
    const after = await replay(sim.ports.ami, 'ami-PJSIPShowEndpoint-6101-after-rejected.request.txt', 'ami-PJSIPShowEndpoint-6101-after-rejected.txt');
    expect(after).toBe(fixture('ami-PJSIPShowEndpoint-6101-after-rejected.txt'));
    const n = sim.state.log.length;
    sim.state.reloadModule('res_pjsip.so');
    expect(sim.state.log.slice(n)).toEqual(logLines(text, "full log lines produced by it"));
    // Same bytes, new write: parsed (and rejected) again, like a new mtime on the real server.
    expect(load(fileBody(text, 1)).length).toBeGreaterThan(0);
    expect(sim.state.pjsip.get('endpoint', '6101')?.options.callerid).toBe('"Alice" <6101>');
  });

  it('an identify whose host does not resolve is dropped, its endpoint loads (fact 6)', async () => {
    const text = fixture('cfg-pjsip-identify-unresolvable-host.txt');
    const log = load(fileBody(text));
    expect(log).toEqual(logLines(text, 'full log lines produced by that reload'));
    expect(cli('pjsip show identifies')).toEqual(section(text, 'state after CLI reload: pjsip show identifies'));
    const answer = await replay(sim.ports.ami, 'ami-PJSIPShowEndpoint-carrier-a-unresolvable-identify.request.txt', 'ami-PJSIPShowEndpoint-carrier-a-unresolvable-identify.txt');
    expect(answer).toBe(fixture('ami-PJSIPShowEndpoint-carrier-a-unresolvable-identify.txt'));
  });

  it('an identify resolves IP literals, localhost and the hosts the sim is given (order and port as a real 20.20.1 printed)', async () => {
    const other = new SimulatedAsterisk();
    await other.start({ sshPort: -1, registrations: {}, queues: {}, hosts: { 'sip.carrier-a.invalid': ['192.0.2.10'] } });
    try {
      other.writeConfig('pjsip.conf', fileBody(fixture('cfg-pjsip-identify-unresolvable-host.txt')) + '\n[office]\ntype = identify\nendpoint = carrier-a\nmatch = 10.1.0.0/16,localhost,192.0.2.5:5060\n');
      other.state.reloadModule('res_pjsip.so');
      expect(other.ami.cli('pjsip show identifies')).toEqual([
        '',
        ' Identify:  <Identify/Endpoint...........................................................>',
        '      Match:  <criteria...........................>',
        '==========================================================================================',
        '',
        ' Identify:  carrier-a/carrier-a',
        '      Match: 192.0.2.10/32',
        '',
        ' Identify:  office/carrier-a',
        '      Match: 10.1.0.0/16',
        '      Match: 192.0.2.5:5060/32',
        '      Match: 127.0.0.1/32',
        '',
        '',
        'Objects found: 2',
        '',
      ]);
    } finally {
      await other.stop();
    }
  });

  it('EndpointDetail shows written options as Asterisk prints them (live 20.20.1 capture: webrtc, acl, booleans, codecs)', async () => {
    load(`${fixture('conf-pjsip.conf')}\n${fixture('oracle-PJSIPShowEndpoint-7001-options.pjsip.conf')}`);
    const got = await replay(sim.ports.ami, 'oracle-PJSIPShowEndpoint-7001-options.request.txt', 'oracle-PJSIPShowEndpoint-7001-options.txt');
    expect(got).toBe(fixture('oracle-PJSIPShowEndpoint-7001-options.txt'));
  });

  it('pjsip show endpoints lists an endpoint\'s identifies (live 20.20.1 layout)', () => {
    load(`${fixture('conf-pjsip.conf')}\n[carrier-b]\ntype = endpoint\ncontext = from-internal\nallow = ulaw\n\n[carrier-b]\ntype = identify\nendpoint = carrier-b\nmatch = 10.1.0.0/16,localhost,192.0.2.5:5060\n`);
    const lines = sim.ami.cli('pjsip show endpoints') ?? [];
    const at = lines.indexOf(' Endpoint:  carrier-b                                            Unavailable   0 of inf');
    expect(lines.slice(at, at + 5)).toEqual([
      ' Endpoint:  carrier-b                                            Unavailable   0 of inf',
      '   Identify:  carrier-b/carrier-b',
      '        Match: 10.1.0.0/16',
      '        Match: 192.0.2.5:5060/32',
      '        Match: 127.0.0.1/32',
    ]);
  });

  it('a transport bind change is not reloaded; a restart applies it (fact 13)', async () => {
    const text = fixture('cfg-pjsip-transport-bind-changed.txt');
    load(fixture('conf-pjsip.conf'));
    const log = load(fileBody(text));
    expect(log).toEqual(logLines(text, 'full log lines produced by that reload'));
    expect(cli('pjsip show transports')).toEqual(section(text, 'state after CLI reload: pjsip show transports'));
    sim.writeConfig('pjsip.conf', fileBody(text));
    const got = await replay(sim.ports.ami, 'cfg-pjsip-transport-bind-changed.ami-reload.request.txt', 'cfg-pjsip-transport-bind-changed.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-pjsip-transport-bind-changed.ami-reload.txt')));
    expect(cli('pjsip show transports')).toContain('Transport:  transport-udp             udp      0      0  127.0.0.1:5060');
    await sim.restart();
    expect(cli('pjsip show transports')).toContain('Transport:  transport-udp             udp      0      0  127.0.0.1:5062');
    expect(fixture('cli-pjsip-show-transports-good.txt').split('\n').filter((l) => l.trim())).toEqual(cli('pjsip show transports').map((l) => l.replace(':5062', ':5060')));
  });
});
