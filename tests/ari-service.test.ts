/**
 * coreServices.ari against a simulated Asterisk 20 registered like a site's server (its ARI
 * user and password in the servers table): an app registered on the events WebSocket, originate
 * into it (StasisStart with args), play, hangup (ChannelDestroyed 16), a busy callee (17), a
 * channel gone (ARI_CHANNEL_GONE), the WebSocket dropped and the app registered again, and bad
 * input refused before any HTTP request.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { coreServices, type AriEvent, type AriService } from '../sdk/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { simulatedServer } from '../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { ariRequest } from '../core/asterisk/ari-rest.ts';
import { AriTimeoutError } from '../core/asterisk/errors.ts';

let k: TestKernel;
let sim: SimulatedAsterisk;
let ari: AriService;
let serverId: number;
let clusterId: number;
const seen: AriEvent[] = [];
let off: () => void;
const APP = 'acm-test-dialer';
const TRUNK = 'PJSIP/+442071234567@carrier-a';

async function until<T>(fn: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const event = (type: string, channelId: string) => until(() => seen.find((e) => e.type === type && e.channel?.id === channelId), `${type} of ${channelId}`);

beforeAll(async () => {
  k = await startTestKernel({ plugins: [], ari: { reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 }, keepAliveMs: 0, connectTimeoutMs: 2000, requestTimeoutMs: 3000, } });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  const cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  clusterId = cluster.id;
  let server: Record<string, any>;
  ({ sim, server } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
  serverId = server.id;
  // The trunk the calls go out on (acm's trunks would render it; here by hand).
  sim.writeConfig('pjsip.conf', `${sim.readConfig('pjsip.conf')}\n[carrier-a]\ntype = endpoint\ncontext = from-carrier\n`);
  sim.state.reloadModule('res_pjsip.so');
  ari = k.acm.kernel.container.get(coreServices.ari.id) as AriService;
  off = ari.app(APP, (e) => { seen.push(e); });
  await until(() => ari.connected(APP, clusterId).length > 0 || undefined, 'the app on the server');
}, 60_000);

afterAll(async () => {
  off?.();
  await k?.stop();
  await sim?.stop();
});

it('registers the app on the server\'s events WebSocket, with the server and cluster', () => {
  expect(ari.connected(APP)).toEqual([{ serverId, clusterId, name: 'lon-ast1' }]);
  expect(ari.connected(APP, clusterId + 1)).toEqual([]);
  expect(sim.state.ariApps.has(APP)).toBe(true);
});

it('originates into the app: StasisStart with the args, play, hangup gives ChannelDestroyed 16', async () => {
  sim.callees = () => ({ outcome: 'answer', afterMs: 20 });
  const ch = await ari.originate(serverId, { endpoint: TRUNK, app: APP, appArgs: ['7', 'lead 42'], callerId: '"Sales" <442070000000>', timeoutSeconds: 20, channelId: 'acm-t-1', variables: { ACM_LEAD: '42' } });
  expect(ch).toMatchObject({ id: 'acm-t-1', state: 'Down', caller: { name: 'Sales', number: '442070000000' } });
  expect(ch.name).toMatch(/^PJSIP\/carrier-a-[0-9a-f]{8}$/);
  const start = await event('StasisStart', 'acm-t-1');
  expect(start).toMatchObject({ serverId, clusterId, application: APP, args: ['7', 'lead 42'], channel: { state: 'Up' } });
  await ari.answer(serverId, 'acm-t-1');
  expect(await ari.play(serverId, 'acm-t-1', ['sound:hello-world', 'digits:42'], 'acm-t-1-msg')).toEqual({ id: 'acm-t-1-msg' });
  const done = await until(() => seen.find((e) => e.type === 'PlaybackFinished' && e.playback?.id === 'acm-t-1-msg'), 'PlaybackFinished');
  expect(done.playback).toMatchObject({ media_uri: 'digits:42', state: 'done', target_uri: 'channel:acm-t-1' });
  await ari.hangup(serverId, 'acm-t-1');
  expect(await event('ChannelDestroyed', 'acm-t-1')).toMatchObject({ cause: 16, cause_txt: 'Normal Clearing' });
  expect(seen.filter((e) => e.channel?.id === 'acm-t-1').map((e) => e.type).filter((t) => ['StasisStart', 'StasisEnd', 'ChannelDestroyed'].includes(t))).toEqual(['StasisStart', 'StasisEnd', 'ChannelDestroyed']);
  // The channel is gone: a clear error, not a generic one.
  await expect(ari.hangup(serverId, 'acm-t-1')).rejects.toMatchObject({ code: 'ARI_CHANNEL_GONE', status: 404, ariMessage: 'Channel not found' });
});

it('a busy callee ends with cause 17; hangup with a reason; continue leaves Stasis into the dialplan', async () => {
  sim.callees = (d) => (d.channelId === 'acm-t-busy' ? { outcome: 'busy' } : { outcome: 'answer' });
  await ari.originate(serverId, { endpoint: TRUNK, app: APP, channelId: 'acm-t-busy' });
  expect(await event('ChannelDestroyed', 'acm-t-busy')).toMatchObject({ cause: 17, cause_txt: 'User busy', tech_cause: 486 });
  expect(seen.some((e) => e.type === 'StasisStart' && e.channel?.id === 'acm-t-busy')).toBe(false);
  await ari.originate(serverId, { endpoint: TRUNK, app: APP, channelId: 'acm-t-2' });
  await event('StasisStart', 'acm-t-2');
  await ari.hangup(serverId, 'acm-t-2', 'busy');
  expect((await event('ChannelDestroyed', 'acm-t-2')).cause).toBe(17);
  await ari.originate(serverId, { endpoint: TRUNK, app: APP, channelId: 'acm-t-3' });
  await event('StasisStart', 'acm-t-3');
  await expect(ari.continueInDialplan(serverId, 'acm-t-3', { context: 'no-such-context', extension: 's' })).resolves.toBeUndefined();
  await event('StasisEnd', 'acm-t-3');
  expect((await event('ChannelDestroyed', 'acm-t-3')).cause).toBe(0);
});

it('bridges: create, add two channels, destroy', async () => {
  sim.callees = () => ({ outcome: 'answer' });
  for (const id of ['acm-b-1', 'acm-b-2']) {
    await ari.originate(serverId, { endpoint: TRUNK, app: APP, channelId: id });
    await event('StasisStart', id);
  }
  const { id } = await ari.createBridge(serverId);
  expect(id).toMatch(/^acm-[0-9a-f-]{36}$/);
  await ari.addToBridge(serverId, id, ['acm-b-1', 'acm-b-2']);
  await event('ChannelEnteredBridge', 'acm-b-2');
  await ari.destroyBridge(serverId, id);
  await event('ChannelLeftBridge', 'acm-b-1');
  await expect(ari.destroyBridge(serverId, id)).rejects.toMatchObject({ code: 'ARI_NOT_FOUND', status: 404 });
  await expect(ari.addToBridge(serverId, 'acm-none', ['acm-b-1'])).rejects.toMatchObject({ code: 'ARI_NOT_FOUND' });
  for (const c of ['acm-b-1', 'acm-b-2']) await ari.hangup(serverId, c);
});

it('after the simulator drops the events WebSocket, acm reconnects and registers the app again', async () => {
  const opens = k.acm.ari.status()[0]!.opens;
  sim.dropAriWebSockets();
  await until(() => (k.acm.ari.status()[0]!.opens === opens + 1 && ari.connected(APP).length === 1 && sim.state.ariApps.has(APP)) || undefined, 'the app registered again');
  await ari.originate(serverId, { endpoint: TRUNK, app: APP, channelId: 'acm-t-4' });
  await event('StasisStart', 'acm-t-4');
  await ari.hangup(serverId, 'acm-t-4');
  // A second app: a new socket carrying both.
  const off2 = ari.app('acm-test-second', () => {});
  await until(() => (k.acm.ari.status()[0]!.opens === opens + 2 && sim.state.ariApps.has('acm-test-second') && sim.state.ariApps.has(APP) && ari.connected('acm-test-second').length === 1) || undefined, 'both apps');
  off2();
  await until(() => (k.acm.ari.status()[0]!.opens === opens + 3 && !sim.state.ariApps.has('acm-test-second') && ari.connected(APP).length === 1) || undefined, 'the second app gone');
  expect(k.acm.ari.status()[0]).toMatchObject({ connected: true, apps: [APP], lastError: null });
});

it('refuses bad input before any HTTP request, naming each field', async () => {
  const fetchSpy = vi.spyOn(globalThis, 'fetch');
  try {
    const bad = async (p: Promise<unknown>, fields: string[]) => {
      const err = await p.then(() => undefined, (e: unknown) => e) as { status?: number; problems?: { field: string }[] } | undefined;
      expect(err?.status).toBe(422);
      expect(err?.problems?.map((x) => x.field)).toEqual(fields);
    };
    await bad(ari.originate(serverId, { endpoint: 'PJSIP/123,456@6101', app: APP }), ['endpoint']);
    await bad(ari.originate(serverId, { endpoint: 'PJSIP/123\n@6101', app: APP }), ['endpoint']);
    await bad(ari.originate(serverId, { endpoint: 'PJSIP/1)&PJSIP/2', app: APP }), ['endpoint']);
    await bad(ari.originate(serverId, { endpoint: TRUNK, app: 'my app' }), ['app']);
    await bad(ari.originate(serverId, { endpoint: TRUNK, app: APP, appArgs: ['a,b'], channelId: 'x y', variables: { 'BAD NAME': '1', OK: 'line\nbreak' } }), ['appArgs.0', 'channelId', 'variables.BAD NAME', 'variables.OK']);
    await bad(ari.originate(serverId, { endpoint: TRUNK }), ['app']);
    await bad(ari.originate(serverId, { endpoint: TRUNK, dialplan: { context: 'a,b', extension: '1)' } }), ['dialplan.context', 'dialplan.extension']);
    await bad(ari.play(serverId, 'acm-t-1', ['bogus:x', 'sound:a,b']), ['media.0', 'media.1']);
    await bad(ari.hangup(serverId, '../asterisk'), ['channelId']);
    await bad(ari.hangup(serverId, 'acm-t-1', 'weird' as 'normal'), ['reason']);
    await bad(ari.continueInDialplan(serverId, 'acm-t-1', { context: 'queues', extension: '${EXTEN}' }), ['to.extension']);
    await bad(ari.addToBridge(serverId, 'b 1', []), ['bridgeId', 'channelIds']);
    expect(() => ari.app('two words', () => {})).toThrow(/app: /);
    expect(fetchSpy).not.toHaveBeenCalled();
  } finally {
    fetchSpy.mockRestore();
  }
});

it('a server without ARI in acm is refused (503); a request that gets no answer times out', async () => {
  await expect(ari.answer(serverId + 100, 'acm-x')).rejects.toMatchObject({ code: 'ARI_UNAVAILABLE', status: 503 });
  const silent = net.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as net.AddressInfo).port;
  const t0 = Date.now();
  await expect(ariRequest({ serverId: 1, baseUrl: `http://127.0.0.1:${port}`, user: 'u', password: 'p' }, 'POST', '/channels/x/answer', { timeoutMs: 200 })).rejects.toBeInstanceOf(AriTimeoutError);
  expect(Date.now() - t0).toBeLessThan(2000);
  silent.close();
});
