/**
 * The simulator's ARI error replies against ari-call-errors*.txt (a real Asterisk 20), and the
 * hooks tests use: `callees`, `playbackMs`, `ariDtmf`.
 */
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { FIXTURES } from './helpers.ts';
import { readRecording, replay, replyOf } from './ari-replay.ts';

let sim: SimulatedAsterisk;
const AUTH = 'acmari:acmari-Secret1';
const base = () => `http://127.0.0.1:${sim.ports.ari}`;
const ari = async (method: string, p: string, body?: unknown) => {
  const res = await fetch(`${base()}/ari${p}`, { method, headers: { Authorization: `Basic ${Buffer.from(AUTH).toString('base64')}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, reason: res.statusText, reply: text ? JSON.parse(text) as Record<string, any> : undefined };
};
async function events(app: string): Promise<{ list: Record<string, any>[]; until(type: string, id?: string): Promise<Record<string, any>>; close(): void }> {
  const list: Record<string, any>[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${sim.ports.ari}/ari/events?app=${app}`, { headers: { Authorization: `Basic ${Buffer.from(AUTH).toString('base64')}` } });
  ws.on('message', (d) => list.push(JSON.parse(String(d)) as Record<string, any>));
  await new Promise((r) => ws.once('open', r));
  return {
    list,
    async until(type, id) {
      const end = Date.now() + 3000;
      for (;;) {
        const e = list.find((x) => x.type === type && (!id || x.channel?.id === id));
        if (e) return e;
        if (Date.now() > end) throw new Error(`no ${type} for ${id}: ${list.map((x) => x.type).join(',')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => ws.close(),
  };
}

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const overlay = path.join(FIXTURES, 'ari-call-overlay');
  await sim.start({
    sshPort: -1,
    configFiles: {
      'pjsip.conf': `[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n\n${fs.readFileSync(path.join(overlay, 'pjsip-loop.conf'), 'utf8')}`,
      'extensions.conf': fs.readFileSync(path.join(overlay, 'extensions.conf'), 'utf8'),
    },
  });
});
afterAll(async () => { await sim.stop(); });

it('answers the recorded error requests as Asterisk 20 did (the Local ;2 half is not simulated: those lines are left out)', async () => {
  const rec = readRecording(path.join(FIXTURES, 'ari-call-errors.txt'));
  rec.requests = rec.requests.filter((r) => !/^\/channels\/rec-err-1-2|channel=rec-err-1-2/.test(r.path));
  rec.events = rec.events.filter((e) => e.e.channel?.id === 'rec-err-1' || e.e.peer?.id === 'rec-err-1');
  const got = await replay(rec, base(), AUTH, 'acm-rec', 200);
  expect(got.replies.map(replyOf)).toEqual(rec.requests.map(replyOf));
  expect(rec.requests.map((r) => r.status)).toEqual(expect.arrayContaining([404, 400, 500, 409, 204]));
});

it('a channel out of Stasis (continued into a Wait) answers 409 to answer and play, and 422 to addChannel', async () => {
  const ev = await events('acm-t1');
  await ari('POST', '/channels?endpoint=PJSIP%2Fanswer%40loop&app=acm-t1&channelId=t1-a');
  await ev.until('StasisStart', 't1-a');
  expect((await ari('POST', '/channels/t1-a/continue?context=acm-callee&extension=answer&priority=1')).status).toBe(204);
  await ev.until('StasisEnd', 't1-a');
  const recorded = readRecording(path.join(FIXTURES, 'ari-call-errors.txt')).requests;
  const line = (p: string) => replyOf(recorded.find((r) => r.path === p)!);
  expect(replyOf(await ari('POST', '/channels/t1-a/answer'))).toBe(line('/channels/rec-err-1-2/answer'));
  expect(replyOf(await ari('POST', '/channels/t1-a/play?media=sound:beep'))).toBe(line('/channels/rec-err-1-2/play?media=sound:beep'));
  await ari('POST', '/bridges?type=mixing&bridgeId=rec-err-bridge');
  expect(replyOf(await ari('POST', '/bridges/rec-err-bridge/addChannel?channel=t1-a'))).toBe(line('/bridges/rec-err-bridge/addChannel?channel=rec-err-1-2'));
  expect(ev.list.filter((e) => e.channel?.id === 't1-a').map((e) => e.type).slice(-3)).toEqual(['StasisEnd', 'ChannelDialplan', 'ChannelDialplan']);
  expect((await ari('DELETE', '/channels/t1-a')).status).toBe(204);
  expect((await ev.until('ChannelDestroyed', 't1-a')).cause).toBe(16);
  ev.close();
});

it('callees decides each outcome; an app without a WebSocket loses its channel; playbackMs and ariDtmf', async () => {
  const ev = await events('acm-t2');
  const seen: string[] = [];
  sim.callees = (d) => { seen.push(`${d.endpoint} ${d.app} ${JSON.stringify(d.variables)}`); return d.resource.startsWith('61') ? { outcome: 'busy', afterMs: 30 } : { outcome: 'answer', afterMs: 50 }; };
  sim.playbackMs = 80;
  await ari('POST', '/channels?endpoint=PJSIP%2F6123%40loop&app=acm-t2&channelId=t2-busy', { variables: { ACM_LEAD: '7' } });
  expect(await ev.until('ChannelDestroyed', 't2-busy')).toMatchObject({ cause: 17, cause_txt: 'User busy', tech_cause: 486 });
  const t0 = Date.now();
  await ari('POST', '/channels?endpoint=PJSIP%2F44%40loop&app=acm-t2&appArgs=a%2Cb&channelId=t2-ok&callerId=%22Acm%22%20%3C1000%3E');
  expect((await ev.until('StasisStart', 't2-ok')).args).toEqual(['a', 'b']);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  expect((await ari('GET', '/channels/t2-ok')).reply).toMatchObject({ caller: { name: 'Acm', number: '1000' }, dialplan: { app_name: 'Stasis', app_data: 'acm-t2,a,b' } });
  const p0 = Date.now();
  await ari('POST', '/channels/t2-ok/play?media=sound:beep');
  await ev.until('PlaybackFinished');
  expect(Date.now() - p0).toBeGreaterThanOrEqual(75);
  sim.ariDtmf('t2-ok', '5');
  expect((await ev.until('ChannelDtmfReceived', 't2-ok')).digit).toBe('5');
  expect(seen[0]).toBe('PJSIP/6123@loop acm-t2 {"ACM_LEAD":"7"}');
  await ari('POST', '/channels?endpoint=PJSIP%2F44%40loop&app=nobody-listens&channelId=t2-lost');
  await new Promise((r) => setTimeout(r, 150));
  expect((await ari('GET', '/channels/t2-lost')).status).toBe(404);
  sim.callees = () => ({ outcome: 'answer' });
  ev.close();
});
