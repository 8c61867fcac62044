import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AmiClient, type AmiClientOptions } from '../../core/asterisk/ami-client.ts';
import { AmiFrameParser } from '../../core/asterisk/ami-parser.ts';
import { AmiActionError, AmiAuthError, AmiDisconnectedError, AmiNoSuchModuleError, AmiTimeoutError } from '../../core/asterisk/errors.ts';
import { MemoryBus } from '../../core/bus/memory-bus.ts';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { fixture } from './helpers.ts';

let sim: SimulatedAsterisk;
const clients: AmiClient[] = [];

function client(o: Partial<AmiClientOptions> = {}): AmiClient {
  const c = new AmiClient({
    host: '127.0.0.1',
    port: sim.ports.ami,
    username: 'acmtest',
    secret: 'acmtest-Secret1',
    actionTimeoutMs: 2000,
    keepAliveMs: 0,
    reconnect: { initialMs: 20, maxMs: 100, jitter: 0.5 },
    ...o,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({ authFailDelayMs: 100, sshPort: -1 });
});

afterEach(async () => {
  sim.neverAnswer = false;
  sim.slowResponsesMs = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await sim.stop();
});

describe('AmiFrameParser', () => {
  it('parses the banner, repeated headers and the bare-LF quirk', () => {
    const p = new AmiFrameParser();
    const msgs = p.push(Buffer.from(`Asterisk Call Manager/9.0.0\r\n${fixture('ami-PJSIPShowEndpoint-missing.txt')}${fixture('ami-Command-pjsip-show-endpoints.txt')}`, 'latin1'));
    expect(p.banner).toBe('Asterisk Call Manager/9.0.0');
    expect(msgs).toHaveLength(2);
    expect(msgs[0]!.get('Message')).toBe('Unable to retrieve endpoint 9999');
    expect(msgs[1]!.getAll('Output')).toHaveLength(29);
    expect(msgs[1]!.get('output')).toBe('');
  });

  it('never throws and loses no well-formed frame when fed in arbitrary chunks', () => {
    const text = fixture('ami-QueueStatus.txt') + fixture('ami-DBGet-existing.txt');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 20 }), (cuts) => {
        const p = new AmiFrameParser({ expectBanner: false });
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        let prev = 0;
        const out = [];
        for (const c of [...sorted, text.length]) {
          out.push(...p.push(text.slice(prev, c)));
          prev = c;
        }
        expect(out).toHaveLength(7);
      }),
      { numRuns: 50 },
    );
    fc.assert(fc.property(fc.string(), (s) => void new AmiFrameParser().push(s)), { numRuns: 200 });
  });
});

describe('AmiClient against the simulator', () => {
  it('logs in and pings', async () => {
    const c = client();
    await c.connect();
    expect(c.connected).toBe(true);
    expect(c.banner).toBe('Asterisk Call Manager/9.0.0');
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
  });

  it('wrong password rejects with AmiAuthError (not a hang)', async () => {
    const c = client({ secret: 'wrong', loginTimeoutMs: 3000 });
    const t0 = Date.now();
    await expect(c.connect()).rejects.toBeInstanceOf(AmiAuthError);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(c.connected).toBe(false);
  });

  it('collects list actions; ActionIDs are counters, not timestamps', async () => {
    const c = client({ actionIdPrefix: 'tst' });
    await c.connect();
    const eps = await c.pjsipShowEndpoints();
    expect(eps.map((e) => e.get('ObjectName'))).toEqual(['6101', '6102', '6103']);
    const q = await c.queueStatus();
    expect(q.map((e) => e.get('Event'))).toEqual(['QueueParams', 'QueueMember']);
    expect(q[0]!.get('ActionID')).toMatch(/^tst-\d+$/);
    expect(Number(q[0]!.get('ActionID')!.slice(4))).toBeLessThan(100);
    expect(await c.coreShowChannels()).toEqual([]);
  });

  it('ConfbridgeList on an empty conference is [] ; DBGet missing is undefined', async () => {
    const c = client();
    await c.connect();
    expect(await c.confbridgeList('acmconf')).toEqual([]);
    expect(await c.confbridgeListRooms()).toEqual([]);
    expect(await c.dbGet('acm', 'nope')).toBeUndefined();
    await c.action('DBPut', { Family: 'acm', Key: 'k', Val: 'v 1' });
    expect(await c.dbGet('acm', 'k')).toBe('v 1');
  });

  it('command() returns output lines; unknown CLI -> AmiActionError', async () => {
    const c = client();
    await c.connect();
    const lines = await c.command('pjsip show endpoints');
    expect(lines.at(-2)).toBe('Objects found: 3');
    expect(lines[0]).toBe('');
    await expect(c.command('no such cli command')).rejects.toBeInstanceOf(AmiActionError);
  });

  it('reload(): Module Reloaded / No such module', async () => {
    const c = client();
    await c.connect();
    expect(await c.reload('res_pjsip.so')).toBe('Module Reloaded');
    await expect(c.reload('res_nosuch.so')).rejects.toBeInstanceOf(AmiNoSuchModuleError);
    await expect(c.action('ModuleReload', { Module: 'x' })).rejects.toThrow(/Invalid\/unknown command/);
  });

  it('refuses header values with CR/LF (no header injection)', async () => {
    const c = client();
    await c.connect();
    await expect(c.action('DBPut', { Family: 'acm', Key: 'k', Val: 'a\r\nAction: Logoff' })).rejects.toBeInstanceOf(AmiActionError);
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
  });

  it('times out with AmiTimeoutError when the server never answers', async () => {
    const c = client();
    await c.connect();
    sim.neverAnswer = true;
    await expect(c.action('Ping', {}, { timeoutMs: 100 })).rejects.toBeInstanceOf(AmiTimeoutError);
    expect(c.stats().timeouts).toBe(1);
  });

  it('a disconnect in the middle of a list rejects with AmiDisconnectedError', async () => {
    const c = client({ reconnect: { enabled: false } });
    await c.connect();
    sim.dropAfterNextListItems(1);
    // The ping goes out behind the list, so it is still waiting when the line drops: it must reject too.
    const list = c.pjsipShowEndpoints().then(() => 'answered', (e: unknown) => e);
    const ping = c.ping().then(() => 'answered', (e: unknown) => e);
    expect(await list).toBeInstanceOf(AmiDisconnectedError);
    expect(await ping).toBeInstanceOf(AmiDisconnectedError);
    await expect(c.ping()).rejects.toBeInstanceOf(AmiDisconnectedError);
  });

  it('reconnects after the simulator restarts (bounded)', async () => {
    const c = client();
    await c.connect();
    const reconnected = new Promise<void>((r) => c.events.once('reconnected', () => r()));
    await sim.restart(50);
    await Promise.race([reconnected, new Promise((_, rej) => setTimeout(() => rej(new Error('no reconnect in 3 s')), 3000))]);
    expect(c.connected).toBe(true);
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
    expect(c.stats().reconnects).toBe(1);
  });

  it('counts and skips malformed frames and unknown events; publishes known ones on the bus', async () => {
    const bus = new MemoryBus();
    const got: string[] = [];
    bus.subscribe('acm.t1.c1.s1.ami.>', (m) => got.push(m.subject));
    const c = client({ bus, subjectPrefix: 'acm.t1.c1.s1' });
    await c.connect();
    const events: string[] = [];
    c.events.on('event', (m) => events.push(m.get('Event')));
    sim.sendGarbage('this is not a header line\r\n\r\n');
    sim.sendGarbage('\r\n: no name\r\nstill garbage\r\n\r\n');
    sim.emit('TotallyNewEvent', { Foo: 'bar' });
    sim.emit('Reload', { Module: 'x.so', Status: '0' });
    await c.ping();
    const st = c.stats();
    expect(st.malformedFrames).toBeGreaterThanOrEqual(2);
    expect(st.unknownEvents).toBe(1);
    expect(events).toContain('Reload');
    expect(events).not.toContain('TotallyNewEvent');
    expect(got).toContain('acm.t1.c1.s1.ami.Reload');
    expect(c.connected).toBe(true);
  });

  it('a truncated frame at the end of a connection is counted, not a crash', async () => {
    const c = client({ reconnect: { enabled: false } });
    await c.connect();
    const closed = new Promise<void>((r) => c.events.once('disconnected', () => r()));
    sim.sendGarbage('Event: Hangup\r\nChannel: PJSIP/61');
    sim.dropAmiConnections();
    await closed;
    expect(c.stats().truncatedFrames).toBe(1);
  });

  it('keep-alive pings; a ping timeout drops and reconnects', async () => {
    const c = client({ keepAliveMs: 50, actionTimeoutMs: 50 });
    await c.connect();
    const disconnected = new Promise<void>((r) => c.events.once('disconnected', () => r()));
    sim.neverAnswer = true;
    await Promise.race([disconnected, new Promise((_, rej) => setTimeout(() => rej(new Error('no keep-alive drop')), 2000))]);
    sim.neverAnswer = false;
  });

  it('slow responses still resolve within the timeout', async () => {
    const c = client();
    await c.connect();
    sim.slowResponsesMs = 50;
    const t0 = Date.now();
    await c.ping();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
  });
});
