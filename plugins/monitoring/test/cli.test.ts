/**
 * A cluster's own rules (thresholds and units in `clusters.<name>`), `acm monitoring health`,
 * and a server whose states move reaching browsers over /api/events (the home page reloads its
 * tiles on it; the health page replaces the server's row).
 */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPluginCli, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
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
      clusters: {
        lon: {
          services: ['asterisk', 'ssh'], thresholds: { diskPercent: { warning: 10, critical: 99 } },
          // Seed §2.0.3: eth1's gateway on its VLAN, the VIP as the source.
          routes: [{ interface: 'eth1', gateway: '192.168.19.135', source: '192.168.19.216', table: 'eth1' }],
        },
      },
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

const acm = (...args: string[]) => runPluginCli(k, 'monitoring', ...args);

const ROUTED_RULES = '0:\tfrom all lookup local\n32765:\tfrom 192.168.19.216 lookup eth1\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n';
const ROUTED = 'default via 192.168.19.135 dev eth1 table eth1 \n192.168.19.0/24 dev eth1 table eth1 proto kernel scope link src 192.168.19.216 \n';

describe('the Routing tile: the server\'s policy routing against the site\'s declaration', () => {
  const tile = async () => {
    const h = (await k.admin.json('POST', '/api/plugins/monitoring/round')).body.items[0];
    const tiles = (await k.admin.json('GET', '/api/plugins/status/tiles')).body as any[];
    return { h, tile: tiles.find((t) => t.id === 'monitoring-routing'), order: tiles.map((t) => t.id) };
  };
  it('as declared: green, before the Asterisk tile', async () => {
    sim.host.ipRules = ROUTED_RULES;
    sim.host.ipRoutes += ROUTED;
    const { tile: t, h, order } = await tile();
    expect(t).toMatchObject({ title: 'Routing', state: 'green' });
    expect(h.metrics.find((m: any) => m.key === 'route:eth1').text).toBe('from 192.168.19.216 via 192.168.19.135 dev eth1 (table eth1)');
    expect(order.indexOf('monitoring-routing')).toBe(order.indexOf('monitoring-asterisk') - 1);
  });
  it('the VIP rule gone, another gateway, no main default: red, each named; restored: green', async () => {
    const routes = sim.host.ipRoutes;
    sim.host.ipRules = ROUTED_RULES.replace('32765:\tfrom 192.168.19.216 lookup eth1\n', '');
    expect((await tile()).tile).toMatchObject({ state: 'red', summary: 'lon-ast1: Routing eth1: no rule from 192.168.19.216 lookup eth1' });
    sim.host.ipRules = ROUTED_RULES;
    sim.host.ipRoutes = routes.replace('default via 192.168.19.135 dev eth1 table eth1', 'default via 192.168.19.1 dev eth1 table eth1');
    expect((await tile()).tile.summary).toBe('lon-ast1: Routing eth1: table eth1: default via 192.168.19.1 dev eth1, declared via 192.168.19.135 dev eth1');
    sim.host.ipRoutes = routes.replace('default via 192.0.2.1 dev eth0 onlink \n', '');
    expect((await tile()).tile.summary).toBe('lon-ast1: Default route: no default route in the main table');
    sim.host.ipRoutes = routes;
    expect((await tile()).tile.state).toBe('green');
  });
  it('ip missing or garbage: unknown with the reason', async () => {
    const undo = sim.onExec('ip rule show', () => ({ code: 127, stderr: 'sh: 1: ip: not found\n' }));
    try {
      expect((await tile()).tile).toMatchObject({ state: 'unknown', summary: 'lon-ast1: Routing eth1: unknown: ip not found on the server' });
    } finally { undo(); }
    const undo2 = sim.onExec('ip route show table all', () => ({ code: 0, stdout: 'Segmentation fault\n' }));
    try {
      expect((await tile()).tile.summary).toMatch(/^lon-ast1: Default route: unknown: ip route: unreadable line "Segmentation fault"/);
    } finally { undo2(); }
  });
});

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
