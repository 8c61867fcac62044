import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { benchKernel, benchOperator } from './kernel.ts';
import { resource, resources } from '../core/model/resources.ts';
import type { Bench } from './harness.ts';

const EVENTS = 100_000;
const EXTENSIONS = 200;

/** A realistic mix: device states, contact updates, dials, queue member states. */
function eventBytes(n: number): Buffer {
  const frames: string[] = [];
  const states = ['INUSE', 'NOT_INUSE', 'RINGING', 'ONHOLD'];
  for (let i = 0; i < n; i++) {
    const ext = 6100 + (i % EXTENSIONS);
    switch (i % 4) {
      case 0: frames.push(`Event: DeviceStateChange\r\nPrivilege: call,all\r\nSystemName: bench\r\nDevice: PJSIP/${ext}\r\nState: ${states[(i >> 2) % 4]}\r\n\r\n`); break;
      case 1: frames.push(`Event: ContactStatus\r\nPrivilege: system,all\r\nSystemName: bench\r\nURI: sip:${ext}@127.0.0.1:${5000 + (i % 900)}\r\nContactStatus: Reachable\r\nAOR: ${ext}\r\nEndpointName: ${ext}\r\nRoundtripUsec: ${1000 + (i % 5000)}\r\n\r\n`); break;
      case 2: frames.push(`Event: DialBegin\r\nPrivilege: call,all\r\nSystemName: bench\r\nChannel: PJSIP/${ext}-${(i >>> 0).toString(16).padStart(8, '0')}\r\nDestChannel: PJSIP/${6100 + ((i + 7) % EXTENSIONS)}-0000abcd\r\nDialString: PJSIP/${ext}\r\n\r\n`); break;
      default: frames.push(`Event: QueueMemberStatus\r\nPrivilege: agent,all\r\nSystemName: bench\r\nQueue: ussales\r\nInterface: PJSIP/${ext}\r\nStatus: ${1 + (i % 6)}\r\nPaused: 0\r\n\r\n`);
    }
  }
  return Buffer.from(frames.join(''));
}

/** How fast the same bytes can merely be read from a loopback socket: the limit. */
async function rawReadRate(bytes: Buffer): Promise<number> {
  const server = net.createServer((sock) => sock.end(bytes));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const start = performance.now();
  let got = 0;
  let frames = 0;
  await new Promise<void>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('data', (d: Buffer) => {
      got += d.length;
      // Count frame ends so the baseline at least looks at every byte, as any reader must.
      for (let i = d.indexOf('\r\n\r\n'); i !== -1; i = d.indexOf('\r\n\r\n', i + 4)) frames++;
    });
    s.on('end', () => resolve());
  });
  const secs = (performance.now() - start) / 1000;
  server.close();
  if (got !== bytes.length) throw new Error('short read');
  return frames / secs;
}

export const amiIngest: Bench = {
  name: 'AMI event ingest',
  async run() {
    const bytes = eventBytes(EVENTS);
    // Medians of several runs: one pass over loopback takes tens of milliseconds and varies a lot.
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const raws: number[] = [];
    for (let i = 0; i < 5; i++) raws.push(await rawReadRate(bytes));
    const raw = median(raws);
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ sshPort: -1, registrations: {}, queues: {} });
    const k = await benchKernel({ connectServers: true, connection: { keepAliveMs: 0 } });
    try {
      const c = (await k.admin.json('POST', '/api/sites', { name: 'bench' })).body;
      const cl = (await k.admin.json('POST', '/api/clusters', { siteId: c.id, name: 'bench1' })).body;
      for (let i = 0; i < EXTENSIONS; i++) await k.acm.crud.create({ user: benchOperator }, resource('extensions'), { clusterId: cl.id, name: `Bench ${i}`, extension: String(6100 + i) }, resources);
      await k.admin.json('POST', '/api/servers', { clusterId: cl.id, name: 'bench-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
      await k.acm.live.reload();
      await k.acm.connections.sync();
      if ((await k.acm.connections.waitConnected(5000)) !== 1) throw new Error('bench server did not connect');
      const stats = k.acm.live.stats;
      const rates: number[] = [];
      for (let run = 0; run < 3; run++) {
        const before = stats.events;
        const start = performance.now();
        sim.sendGarbage(bytes);
        const deadline = Date.now() + 60_000;
        while (stats.events - before < EVENTS) {
          if (Date.now() > deadline) throw new Error(`only ${stats.events - before} of ${EVENTS} events applied`);
          await new Promise((r) => setImmediate(r));
        }
        rates.push(EVENTS / ((performance.now() - start) / 1000));
      }
      const rate = median(rates);
      return [
        { name: 'AMI ingest: events parsed and applied to live state', value: rate, unit: 'events/s', baseline: raw, target: 20_000, better: 'higher', note: `${((rate / raw) * 100).toFixed(0)}% of raw socket read (goal ≥ 25%)` },
        { name: 'AMI ingest: share of raw socket read rate', value: (rate / raw) * 100, unit: '%', baseline: 100, target: 25, better: 'higher' },
      ];
    } finally {
      await k.stop();
      await sim.stop();
    }
  },
};
