import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { startTestKernel } from '../sdk/testing/kernel.ts';
import { percentile, type Bench } from './harness.ts';

const CLIENTS = 200;
const ROUNDS = 100;

/** Connects CLIENTS sockets to `url`, fires ROUNDS events with `fire`, and returns every delivery latency. */
async function measure(url: string, fire: (sentAt: number) => void): Promise<number[]> {
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let pending = 0;
  let roundDone: (() => void) | undefined;
  try {
    for (let i = 0; i < CLIENTS; i++) {
      const ws = new WebSocket(url);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type !== 'extension') return;
        latencies.push(performance.now() - m.changes.sentAt);
        if (--pending === 0) roundDone?.();
      });
      await new Promise<void>((r, j) => { ws.once('open', () => r()); ws.once('error', j); });
      sockets.push(ws);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < ROUNDS; i++) {
      pending = CLIENTS;
      const done = new Promise<void>((r) => { roundDone = r; });
      fire(performance.now());
      await done;
    }
    return latencies;
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

export const wsFanout: Bench = {
  name: 'WebSocket fan-out',
  async run() {
    // Baseline: a bare `ws` server broadcasting the same frame, with no bus, auth or scope checks.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const bare = await measure(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, (sentAt) => {
      const text = JSON.stringify({ type: 'extension', id: 1, changes: { extStatus: 1, sentAt } });
      for (const c of wss.clients) c.send(text);
    });
    wss.close();

    const k = await startTestKernel();
    try {
      const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'bench' })).body.token as string;
      const latencies = await measure(`${k.url.replace('http', 'ws')}/api/events?token=${token}`, (sentAt) => {
        k.acm.bus.publish('acm.1.1.0.live.extension', { type: 'extension', id: 1, extension: '6101', tenantId: 1, siteId: 1, clusterId: 1, groupId: null, changes: { extStatus: 1, sentAt } });
      });
      return [{
        name: `fan-out: one event to ${CLIENTS} WebSocket clients, p99`, value: percentile(latencies, 99), unit: 'ms', baseline: percentile(bare, 99),
        target: 50, better: 'lower', note: `p50 ${percentile(latencies, 50).toFixed(2)} ms; baseline = bare ws broadcast`,
      }];
    } finally {
      await k.stop();
    }
  },
};
