import WebSocket from 'ws';
import { startTestKernel } from '../sdk/testing/kernel.ts';
import { percentile, type Bench } from './harness.ts';

const CLIENTS = 200;
const ROUNDS = 100;

export const wsFanout: Bench = {
  name: 'WebSocket fan-out',
  async run() {
    const k = await startTestKernel();
    const sockets: WebSocket[] = [];
    try {
      const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'bench' })).body.token as string;
      const url = `${k.url.replace('http', 'ws')}/api/events?token=${token}`;
      const latencies: number[] = [];
      let pending = 0;
      let round: (() => void) | undefined;
      for (let i = 0; i < CLIENTS; i++) {
        const ws = new WebSocket(url);
        ws.on('message', (d) => {
          const m = JSON.parse(String(d));
          if (m.type !== 'extension') return;
          latencies.push(performance.now() - m.changes.sentAt);
          if (--pending === 0) round?.();
        });
        await new Promise<void>((r, j) => { ws.once('open', () => r()); ws.once('error', j); });
        sockets.push(ws);
      }
      await new Promise((r) => setTimeout(r, 200));
      // Baseline: the same 200 sends of one pre-serialised frame, without acm in between.
      const frame = JSON.stringify({ type: 'extension', id: 1, changes: { extStatus: 1 } });
      const t0 = performance.now();
      for (let i = 0; i < ROUNDS; i++) for (const ws of sockets) ws.readyState === WebSocket.OPEN && JSON.parse(frame);
      const baseline = (performance.now() - t0) / ROUNDS;
      for (let i = 0; i < ROUNDS; i++) {
        pending = CLIENTS;
        const done = new Promise<void>((r) => { round = r; });
        k.acm.bus.publish('acm.live.extension', { type: 'extension', id: 1, extension: '6101', tenantId: 1, siteId: 1, clusterId: 1, groupId: null, changes: { extStatus: i % 2, sentAt: performance.now() } });
        await done;
      }
      return [{
        name: `fan-out: one event to ${CLIENTS} WebSocket clients, p99`, value: percentile(latencies, 99), unit: 'ms', baseline,
        target: 50, better: 'lower', note: `p50 ${percentile(latencies, 50).toFixed(2)} ms; baseline = parsing the frame ${CLIENTS}× in-process`,
      }];
    } finally {
      for (const ws of sockets) ws.terminate();
      await k.stop();
    }
  },
};
