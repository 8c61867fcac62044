/**
 * Replays the recorded AMI requests (tests/fixtures/asterisk20/ami-<case>.request.txt) against the
 * simulator and compares the answer byte for byte with what the real Asterisk 20 sent
 * (ami-<case>.txt), normalising only values that vary between runs (timestamps, uptimes, dates,
 * addresses). Also replays the cfg-* reload cases and checks the resulting state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { countFrames, fixture, fixtureExists, loginRaw, normalize, RawAmi } from './helpers.ts';

/** Cases answered after a Login with Events: off, in an order that makes AstDB cases line up. */
const LOGGED_IN_CASES = [
  'Ping', 'CoreSettings', 'CoreStatus', 'Command-core-show-version', 'Command-pjsip-show-endpoints',
  'PJSIPShowEndpoints', 'PJSIPShowEndpoint-missing', 'PJSIPShowEndpoint-6101', 'PJSIPShowContacts', 'PJSIPShowAors', 'PJSIPShowAuths',
  'Status', 'CoreShowChannels', 'QueueStatus', 'QueueSummary', 'DBPut', 'DBGet-existing', 'DBDel', 'DBDel-missing',
  'DBGet-missing', 'Reload-res_pjsip', 'Reload-missing-module', 'ModuleReload-nonexistent-action', 'ModuleCheck-res_pjsip',
  'ModuleCheck-no-extension', 'ModuleCheck-not-loaded', 'ModuleLoad-reload-app_queue', 'ModuleLoad-reload-missing',
  'Command-dialplan-reload', 'Command-unknown-cli', 'ConfbridgeList-empty', 'ConfbridgeListRooms', 'Logoff',
];

let sim: SimulatedAsterisk;

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ authFailDelayMs: 50, sshPort: -1 });
});

afterAll(async () => {
  await sim.stop();
});

describe('AMI replay of the recordings', () => {
  it('answers every logged-in case like Asterisk 20', async () => {
    const c = await loginRaw(sim.ports.ami, 'off');
    try {
      for (const name of LOGGED_IN_CASES) {
        const req = fixture(`ami-${name}.request.txt`);
        const expected = fixture(`ami-${name}.txt`);
        c.send(req);
        const ok = await c.waitFor((d) => countFrames(d) >= countFrames(expected));
        await new Promise((r) => setTimeout(r, 10));
        const got = c.take();
        expect.soft(ok, `${name}: timed out, got ${JSON.stringify(got)}`).toBe(true);
        expect.soft(normalize(got), name).toBe(normalize(expected));
      }
    } finally {
      c.close();
    }
  });

  it('banner + login, action before login (Permission denied, stays open)', async () => {
    for (const name of ['banner-login', 'action-before-login']) {
      const c = await RawAmi.connect(sim.ports.ami);
      const expected = fixture(`ami-${name}.txt`);
      c.send(fixture(`ami-${name}.request.txt`));
      await c.waitFor((d) => countFrames(d) >= countFrames(expected));
      expect(c.take()).toBe(expected);
      expect(c.closed).toBe(false);
      c.close();
    }
    const c = await loginRaw(sim.ports.ami).catch(() => undefined);
    c?.close();
    const d = await RawAmi.connect(sim.ports.ami);
    await d.waitFor((x) => x.includes('\r\n'));
    d.take();
    d.send(fixture('ami-privileged-action-before-login.request.txt'));
    await d.waitFor((x) => countFrames(x) >= 1);
    expect(d.take()).toBe(fixture('ami-privileged-action-before-login.txt'));
    d.close();
  });

  it('wrong secret: Authentication failed after the delay, then close; nothing after', async () => {
    const c = await RawAmi.connect(sim.ports.ami);
    const t0 = Date.now();
    c.send(fixture('ami-login-wrong-secret.request.txt'));
    c.send(fixture('ami-action-after-failed-login.request.txt'));
    expect(await c.waitFor(() => c.closed, 2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(c.take()).toBe(fixture('ami-login-wrong-secret.txt'));
  });

  it('Events: on login sends FullyBooted then SuccessfulAuth', async () => {
    const c = await RawAmi.connect(sim.ports.ami);
    const expected = fixture('ami-events-login-FullyBooted.txt');
    c.send(fixture('ami-events-login-FullyBooted.request.txt'));
    await c.waitFor((d) => countFrames(d) >= countFrames(expected));
    expect(normalize(c.take())).toBe(normalize(expected));
    for (const name of ['events-on-Reload-res_pjsip', 'events-on-Logoff']) {
      const exp = fixture(`ami-${name}.txt`);
      c.send(fixture(`ami-${name}.request.txt`));
      await c.waitFor((d) => countFrames(d) >= countFrames(exp));
      expect(normalize(c.take()), name).toBe(normalize(exp));
    }
    c.close();
  });
});

/** The file body between the BEGIN/END markers of a cfg-*.txt recording. */
function cfgBody(text: string): string | undefined {
  const m = /-----BEGIN FILE-----\n([\s\S]*?)-----END FILE-----/.exec(text);
  return m ? m[1] : undefined;
}

const PJSIP_CASES = ['bad-line', 'bad-value', 'duplicate-endpoint', 'empty-file', 'file-missing', 'include-missing', 'missing-aor-auth', 'newline-injection', 'transport-changed', 'tryinclude-missing', 'unclosed-section', 'unknown-option'];
const EXT_CASES = ['bad-line', 'bad-priority', 'include-missing', 'unknown-app'];

describe('reload semantics replay (cfg-*)', () => {
  const good = () => {
    sim.writeConfig('pjsip.conf', fixture('conf-pjsip.conf'));
    sim.writeConfig('extensions.conf', fixture('conf-extensions.conf'));
    sim.state.reloadModule('res_pjsip.so');
    sim.state.reloadModule('pbx_config.so');
  };

  it.each(PJSIP_CASES)('pjsip %s', async (name) => {
    good();
    const text = fixture(`cfg-pjsip-${name}.txt`);
    const body = cfgBody(text);
    if (name === 'file-missing') (await import('node:fs')).rmSync(`${sim.configRoot}/pjsip.conf`);
    else sim.writeConfig('pjsip.conf', body ?? '');
    const c = await loginRaw(sim.ports.ami, 'system');
    const expected = fixture(`cfg-pjsip-${name}.ami-reload.txt`);
    c.send(fixture(`cfg-pjsip-${name}.ami-reload.request.txt`));
    await c.waitFor((d) => countFrames(d) >= countFrames(expected));
    expect(c.take()).toBe(expected);
    c.close();
    // State after the AMI reload: the number of endpoints and 6102's context.
    const after = /## state after CLI reload: pjsip show endpoints[\s\S]*?Objects found: (\d+)/.exec(text);
    if (after && name !== 'empty-file') expect(sim.state.endpointNames().length, 'endpoint count').toBe(Number(after[1]));
    if (name === 'empty-file') expect(sim.state.endpointNames()).toEqual([]);
    const ctx = /## 6102 context after AMI reload: (\S+)/.exec(text);
    if (ctx && !ctx[1]!.startsWith('<')) expect(sim.state.pjsip.get('endpoint', '6102')?.options.context).toBe(ctx[1]);
  });

  it.each(EXT_CASES)('extensions %s', async (name) => {
    good();
    const text = fixture(`cfg-extensions-${name}.txt`);
    sim.writeConfig('extensions.conf', cfgBody(text) ?? '');
    const c = await loginRaw(sim.ports.ami, 'system');
    const expected = fixture(`cfg-extensions-${name}.ami-reload.txt`);
    c.send(fixture(`cfg-extensions-${name}.ami-reload.request.txt`));
    await c.waitFor((d) => countFrames(d) >= countFrames(expected));
    expect(c.take()).toBe(expected);
    c.close();
    const counts = [...text.matchAll(/-= (\d+) extensions \((\d+) priorities\) in 1 context\. =-/g)];
    const first = counts[0];
    if (first) {
      const ctx = sim.state.dialplan.contexts.get('from-internal');
      expect(ctx?.extensions.size, 'extension count').toBe(Number(first[1]));
      const prios = [...(ctx?.extensions.values() ?? [])].reduce((n, e) => n + e.priorities.length, 0);
      expect(prios, 'priority count').toBe(Number(first[2]));
    }
  });

  it('every cfg case has a fixture', () => {
    for (const n of PJSIP_CASES) expect(fixtureExists(`cfg-pjsip-${n}.txt`)).toBe(true);
  });
});
