/**
 * A cluster's own rules (thresholds and units in `clusters.<name>`), `acm monitoring health`,
 * and a server whose states move reaching browsers over /api/events (the home page reloads its
 * tiles on it; the health page replaces the server's row).
 */
import { Command } from 'commander';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { until } from '../../../sdk/testing/notify.ts';

let k: TestKernel;
let sim: SimulatedAsterisk;
let cluster: Record<string, any>;

beforeAll(async () => {
  k = await startTestKernel({
    plugins: ['status', { id: 'monitoring', settings: {
      intervalSeconds: 3600, timeoutSeconds: 2,
      // lon has no HA (no keepalived) and a small /var it wants warned of early.
      clusters: { lon: { services: ['asterisk', 'ssh'], thresholds: { diskPercent: { warning: 10, critical: 99 } } } },
    } }],
    connectServers: true, connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon', timezone: 'Europe/London' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

const acm = async (...args: string[]) => {
  const out: string[] = [];
  const orig = console.log;
  console.log = (line: string) => out.push(line);
  try {
    const group = new Command('monitoring').exitOverride();
    for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === 'monitoring')) r.register(group, cliContext());
    await group.parseAsync(args, { from: 'user' });
  } finally {
    console.log = orig;
  }
  return out.join('\n');
};

describe('a cluster\'s own rules and the CLI', () => {
  it('lon checks only its units and warns of a disk at its own level', async () => {
    sim.host.services.keepalived = 'inactive'; // not lon's business
    const h = (await k.admin.json('POST', '/api/plugins/monitoring/round')).body.items[0];
    expect(h.metrics.filter((m: any) => m.key.startsWith('service:')).map((m: any) => m.key)).toEqual(['service:asterisk', 'service:ssh']);
    expect(h.metrics.find((m: any) => m.key === 'disk:/')).toMatchObject({ state: 'orange', warning: 10, critical: 99 });
    expect(h.metrics.find((m: any) => m.key === 'memory')).toMatchObject({ warning: 85, critical: 95 }); // the site's
  });

  it('acm monitoring health [--cluster X]: each server and what is not green; an unknown cluster is refused', async () => {
    const text = await acm('health', '--cluster', 'lon');
    expect(text.split('\n')[0]).toBe('lon/lon-ast1: orange');
    expect(text).toMatch(/^ {2}orange {2}Disk \/: \d+% used of 19\.6 GiB \(\/dev\/sda1\) \(warning 10%, critical 99%\)$/m);
    expect(text).not.toMatch(/Memory/);
    expect(await acm('health', '--all')).toMatch(/^ {2}green {3}Memory: /m);
    const json = JSON.parse(await acm('health', '--json'));
    expect(json[0]).toMatchObject({ name: 'lon-ast1', state: 'orange' });
    await expect(acm('health', '--cluster', 'nyc')).rejects.toThrow('no cluster "nyc"');
  });

  it('a server whose states moved goes to browsers as a monitoring health event', async () => {
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const msgs: any[] = [];
    const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${token}`);
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    try {
      await until(() => (msgs.some((m) => m.type === 'hello') ? true : undefined), 5000, 'the hello message');
      sim.host.services.ssh = 'failed';
      await k.admin.json('POST', '/api/plugins/monitoring/round');
      const ev = await until(() => msgs.find((m) => m.type === 'plugin' && m.plugin === 'monitoring'), 5000, 'the health event');
      expect(ev).toMatchObject({ event: 'health', tenantId: 1, clusterId: cluster.id, data: { name: 'lon-ast1', state: 'red' } });
      const before = msgs.length;
      await k.admin.json('POST', '/api/plugins/monitoring/round'); // nothing moved: nothing sent
      await new Promise((r) => setTimeout(r, 300));
      expect(msgs.slice(before).filter((m) => m.plugin === 'monitoring')).toEqual([]);
    } finally {
      ws.close();
      sim.host.services.ssh = 'active';
    }
  });
});
