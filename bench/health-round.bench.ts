/**
 * A health round of 100 simulated servers (one SSH connection each, the collector's
 * commands on it, parsed against thresholds), beside a bare SSH round trip to the same servers
 * (connect, `true`, close) at the same concurrency; and the memory 24 h of history takes.
 */
import { SshTransport } from '../core/asterisk/ssh-transport.ts';
import { SftpServer } from '../sdk/testing/sim/sftp-server.ts';
import { SimHost } from '../sdk/testing/sim/host.ts';
import type { SshService, SshSession } from '../sdk/index.ts';
import { collectHost } from '../plugins/monitoring/collect.ts';
import { hostCommands, hostMetrics } from '../plugins/monitoring/metrics.ts';
import { HealthStore } from '../plugins/monitoring/history.ts';
import { MonitoringSettings } from '../plugins/monitoring/manifest.ts';
import type { Bench, BenchResult } from './harness.ts';

const SERVERS = 100;
const settings = MonitoringSettings.parse({});

/** `fn` over every index, `concurrency` at a time (as Monitor.round does). */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await fn(next++); }));
}

export const healthRound: Bench = {
  name: 'health round',
  async run() {
    const tmp = await import('node:fs').then((fs) => fs.mkdtempSync('/tmp/acm-bench-health-'));
    const servers = await Promise.all(Array.from({ length: SERVERS }, async (_, i) => {
      const host = new SimHost(i + 1);
      const s = new SftpServer({ users: { asterisk: 'pw' }, fsRoot: tmp, runCli: () => undefined, host: (c) => host.answer(c) });
      return { s, port: await s.start(0) };
    }));
    const transport = (i: number) => new SshTransport({ host: '127.0.0.1', port: servers[i]!.port, username: 'asterisk', password: 'pw', hostKeySha256: servers[i]!.s.hostKeySha256 });
    const ssh: SshService = {
      async session(id, fn) {
        const t = transport(id);
        await t.connect();
        try {
          return await fn({ exec: (cmd: string) => t.exec(cmd) } as SshSession);
        } finally { await t.close(); }
      },
      exec: () => { throw new Error('not used'); }, readFile: () => { throw new Error('not used'); }, writeFileAtomic: () => { throw new Error('not used'); },
    };
    const results: BenchResult[] = [];
    try {
      // One unmeasured run first: key parsing and JIT warm-up belong to neither figure.
      const times = async (fn: () => Promise<void>) => {
        await fn();
        const ms: number[] = [];
        for (let r = 0; r < 3; r++) { const t = performance.now(); await fn(); ms.push(performance.now() - t); }
        return ms.sort((a, b) => a - b)[1]!;
      };
      const bare = await times(() => pool(SERVERS, settings.concurrency, async (i) => {
        const t = transport(i);
        await t.connect();
        await t.exec('true');
        await t.close();
      }));
      let unknown = 0;
      const round = await times(() => pool(SERVERS, settings.concurrency, async (i) => {
        const r = await collectHost(ssh, i, hostCommands(settings.services), settings.timeoutSeconds * 1000);
        unknown += hostMetrics(r, settings.services, settings.thresholds).filter((m) => m.state === 'unknown').length;
      }));
      if (unknown) throw new Error(`${unknown} metrics unknown: the round is not reading the simulator`);
      results.push({ name: `health round, ${SERVERS} servers (SSH, ${Object.keys(hostCommands(settings.services)).length} commands each)`, value: round, unit: 'ms', baseline: bare, target: 10_000, better: 'lower', note: `baseline = connect + 'true' + close, ${settings.concurrency} at a time` });

      // 24 h of history at the default interval: one point per metric and round for every server.
      const rounds = Math.ceil(86_400 / settings.intervalSeconds);
      const sample = hostMetrics(await collectHost(ssh, 0, hostCommands(settings.services), 10_000), settings.services, settings.thresholds);
      global.gc?.();
      const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
      const store = new HealthStore(settings.intervalSeconds * 1000);
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < SERVERS; i++) store.record({ serverId: i, clusterId: 1, tenantId: 1, siteId: 1, name: `ast${i}`, cluster: 'bench', at: r * 60_000, metrics: sample });
      }
      global.gc?.();
      const mb = (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - before) / 1048576;
      const raw = (SERVERS * sample.filter((m) => m.value !== null).length * rounds * 16) / 1048576;
      results.push({ name: `history, ${SERVERS} servers × 24 h (${rounds} rounds)`, value: mb, unit: 'MB', baseline: raw, target: 64, better: 'lower', note: 'baseline = the points alone (2 doubles each)' });
      if (store.historyOf(0, rounds * 60_000)['memory']!.length !== rounds) throw new Error('history lost points');
      return results;
    } finally {
      await Promise.all(servers.map((x) => x.s.stop()));
    }
  },
};
