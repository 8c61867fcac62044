/**
 * The monitoring plugin on a simulated server, end to end: a health round over SSH and AMI, the
 * "Server status" and "Asterisk" tiles turning orange/red and back for each cause (a disk filling
 * up, a service stopping, a module unloaded, a trunk that stops answering), and "unknown" with
 * the reason for garbage, a missing command and a hang — the other metrics still read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { until } from '../../../sdk/testing/notify.ts';

const P = '/api/plugins/monitoring';
let k: TestKernel;
let sim: SimulatedAsterisk;
let cluster: Record<string, any>;

beforeAll(async () => {
  k = await startTestKernel({
    // 15 min rounds: the 24 h history holds ~98 points, every round this file runs (the API test reads them back).
    plugins: ['status', { id: 'monitoring', settings: { intervalSeconds: 900, timeoutSeconds: 2 } }], connectServers: true,
    connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon', timezone: 'Europe/London' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  ({ sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' }));
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

/** A round now; the server's health and the two tiles. */
async function round() {
  const r = await k.admin.json('POST', `${P}/round`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const tiles = (await k.admin.json('GET', '/api/plugins/status/tiles')).body as any[];
  const metric = (key: string) => r.body.items[0].metrics.find((m: any) => m.key === key);
  return {
    server: r.body.items[0], metric, tiles, servers: tiles.find((t) => t.id === 'monitoring-servers'), asterisk: tiles.find((t) => t.id === 'monitoring-asterisk'),
    reporting: tiles.find((t) => t.id === 'monitoring-reporting'),
  };
}

describe('health round on the simulator', () => {
  it('reads every metric of a healthy server: both tiles green, in the seed\'s place', async () => {
    const r = await round();
    expect(r.server).toMatchObject({ name: 'lon-ast1', cluster: 'lon', state: 'green', reasons: [] });
    expect(r.metric('disk:/')).toMatchObject({ state: 'green', unit: '%', warning: 80, critical: 90, value: sim.host.disk('/').usedPercent });
    expect(r.metric('disk:/var')).toMatchObject({ state: 'green' });
    expect(r.server.metrics.filter((m: any) => m.key.startsWith('disk:')).map((m: any) => m.key)).toEqual(['disk:/', 'disk:/var']); // tmpfs, udev left out
    expect(r.metric('memory').value).toBeCloseTo(100 - (sim.host.memAvailableKb / sim.host.memTotalKb) * 100, 0);
    expect(r.metric('load')).toMatchObject({ state: 'green', value: Math.round((sim.host.load[1] / 2) * 100) / 100 });
    expect(r.metric('clock')).toMatchObject({ state: 'green' });
    expect(r.metric('clock').value).toBeLessThan(0.5);
    expect(r.metric('uptime').value).toBeGreaterThan(3 * 86400);
    expect(r.metric('service:asterisk')).toMatchObject({ state: 'green', text: 'active' });
    expect(r.metric('version')).toMatchObject({ text: 'Asterisk 20.20.1' });
    expect(r.metric('module:res_pjsip.so')).toMatchObject({ state: 'green', text: 'loaded' });
    expect(r.metric('channels')).toMatchObject({ state: 'green', value: 0 });
    expect(r.servers).toMatchObject({ title: 'Server status', state: 'green', summary: '1 server(s) within thresholds, services active' });
    expect(r.asterisk).toMatchObject({ title: 'Asterisk', state: 'green' });
    expect(r.reporting).toMatchObject({ title: 'Reporting', state: 'green' });
    expect(r.metric('mysql')).toMatchObject({ group: 'reporting', state: 'green', text: 'running' });
    // Seed §2.0: … Asterisk, Server status, Reporting (Routing before, ITSP after: other plugins').
    const order = r.tiles.map((t: any) => t.id);
    expect(order.slice(order.indexOf('monitoring-asterisk'), order.indexOf('monitoring-asterisk') + 3)).toEqual(['monitoring-asterisk', 'monitoring-servers', 'monitoring-reporting']);
  });

  it('a disk filling up: orange past the warning, red past critical, green again when freed', async () => {
    sim.host.disk('/var').usedPercent = 84;
    let r = await round();
    expect(r.metric('disk:/var')).toMatchObject({ state: 'orange', value: 84 });
    expect(r.servers).toMatchObject({ state: 'orange', summary: expect.stringMatching(/^lon-ast1: Disk \/var: 84% used/) });
    sim.host.disk('/var').usedPercent = 95;
    r = await round();
    expect(r.servers).toMatchObject({ state: 'red', summary: expect.stringContaining('Disk /var: 95% used') });
    sim.host.disk('/var').usedPercent = 40;
    r = await round();
    expect(r.servers.state).toBe('green');
  });

  it('a service stopping is red, one starting orange; the cluster names its own units', async () => {
    sim.host.services.fail2ban = 'failed';
    let r = await round();
    expect(r.metric('service:fail2ban')).toMatchObject({ state: 'red', text: 'failed' });
    expect(r.servers.summary).toContain('Service fail2ban: failed');
    sim.host.services.fail2ban = 'activating';
    r = await round();
    expect(r.servers.state).toBe('orange');
    sim.host.services.fail2ban = 'active';
    expect((await round()).servers.state).toBe('green');
  });

  it('garbage, a missing command and a hang: unknown with the reason, the other metrics still read', async () => {
    const undo = [
      sim.onExec('cat /proc/meminfo', () => ({ code: 0, stdout: '<html>proxy error</html>\n' })),
      sim.onExec('nproc', () => ({ code: 127, stderr: 'sh: 1: nproc: not found\n' })),
      sim.onExec('df -P', () => new Promise(() => {})),
    ];
    try {
      const started = Date.now();
      const r = await round();
      expect(Date.now() - started).toBeLessThan(4000); // bounded by timeoutSeconds, not the transport's 30 s
      expect(r.metric('memory')).toMatchObject({ state: 'unknown', value: null, text: 'unknown: /proc/meminfo: no MemTotal, MemAvailable, SwapTotal, SwapFree' });
      expect(r.metric('load')).toMatchObject({ state: 'unknown', text: 'unknown: nproc not found on the server' });
      expect(r.metric('disk')).toMatchObject({ state: 'unknown', text: "unknown: no answer to 'df -P' within 2 s" });
      expect(r.metric('service:asterisk').state).toBe('green');
      expect(r.metric('uptime').state).toBe('green');
      expect(r.servers.state).toBe('unknown'); // never green while something cannot be read
      expect(r.servers.summary).toMatch(/^lon-ast1: /);
    } finally {
      for (const u of undo) u();
    }
    expect((await round()).servers.state).toBe('green');
  });

  it('a clock far off is red with how far; back in step it is green', async () => {
    try {
      sim.host.clockOffsetSeconds = -3600;
      let r = await round();
      expect(r.metric('clock')).toMatchObject({ state: 'red', text: expect.stringMatching(/^3\d{3}(\.\d+)? s behind acm \(±\d+ ms\) \(warning 0\.5 s, critical 2 s\)$/) });
      expect(r.metric('clock').value).toBeCloseTo(3600, 1);
      sim.host.clockOffsetSeconds = 1;
      r = await round();
      expect(r.metric('clock').state).toBe('orange');
      expect(r.metric('clock').text).toMatch(/ ahead of acm/);
    } finally {
      sim.host.clockOffsetSeconds = 0;
    }
    expect((await round()).metric('clock').state).toBe('green');
  });

  it('an unparseable date is unknown, not a wrong offset', async () => {
    const undo = sim.onExec('date +%s.%N', () => ({ code: 0, stdout: '1795419787.%N\n' })); // busybox date
    try {
      expect((await round()).metric('clock')).toMatchObject({ state: 'unknown', text: 'unknown: date: unreadable "1795419787.%N"' });
    } finally { undo(); }
  });

  it('SSH refused: every server metric unknown with the reason; Asterisk still read over AMI', async () => {
    const ssh = sim.sftp!;
    await ssh.stop();
    try {
      const r = await round();
      expect(r.metric('memory').text).toMatch(/^unknown: SSH: /);
      expect(r.servers.state).toBe('unknown');
      expect(r.asterisk.state).toBe('green');
    } finally {
      await ssh.start(sim.ports.ssh);
    }
    expect((await round()).servers.state).toBe('green');
  });

  it('a module that must be loaded and is not: the Asterisk tile is red until it is back', async () => {
    sim.state.loadedModules.delete('pbx_config.so');
    let r = await round();
    expect(r.metric('module:pbx_config.so')).toMatchObject({ state: 'red', text: 'not loaded' });
    expect(r.asterisk).toMatchObject({ state: 'red', summary: 'lon-ast1: Module pbx_config.so: not loaded' });
    sim.state.loadedModules.add('pbx_config.so');
    r = await round();
    expect(r.asterisk.state).toBe('green');
  });

  it('a trunk whose contacts stop answering OPTIONS is TRUNK DOWN; reachable again, green', async () => {
    await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'carrier', host: '192.0.2.10', qualify: true });
    const commit = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(commit.status, JSON.stringify(commit.body)).toBe(200);
    // The trunk's static contact as qualify sees it (the simulator sends no OPTIONS itself).
    const qualify = (status: 'Reachable' | 'Unreachable') => sim.state.qualifyStatus.set('carrier|sip:192.0.2.10', status);
    qualify('Reachable');
    let r = await round();
    expect(r.metric('trunk:carrier')).toMatchObject({ state: 'green', text: 'reachable' });
    qualify('Unreachable');
    r = await round();
    expect(r.asterisk).toMatchObject({ state: 'red', summary: 'lon-ast1: Trunk carrier: TRUNK DOWN: does not answer OPTIONS' });
    qualify('Reachable');
    expect((await round()).asterisk.state).toBe('green');
  });

  it('AMI down: the Asterisk tile is red, the server status still read over SSH', async () => {
    await sim.ami.stop();
    try {
      await until(() => (k.acm.connections.status().every((c) => !c.connected) ? true : undefined), 5000, 'AMI to drop');
      const r = await round();
      expect(r.asterisk).toMatchObject({ state: 'red', summary: 'lon-ast1: AMI: not connected: Asterisk down or AMI refused' });
      expect(r.servers.state).toBe('green');
    } finally {
      await sim.ami.start(sim.ports.ami);
    }
    await k.acm.connections.waitConnected(5000);
    expect((await round()).asterisk.state).toBe('green');
  });
});

describe('taskprocessor backlogs', () => {
  it('a queue at its high water turns the Asterisk tile red; drained, green', async () => {
    const tp = sim.state.taskprocessors.get('stasis/m:manager:core-00000006')!;
    tp.inQueue = 520;
    let r = await round();
    expect(r.asterisk).toMatchObject({ state: 'red', summary: 'lon-ast1: Taskprocessors: backlog: stasis/m:manager:core-00000006: 520 queued (low water 450, high water 500)' });
    tp.inQueue = 0;
    r = await round();
    expect(r.metric('taskprocessors')).toMatchObject({ state: 'green', text: '7 taskprocessors, none backed up' });
  });
});

describe('the Reporting tile', () => {
  it('MariaDB down: red with mysqladmin\'s reason; cron stopped: red; back: green', async () => {
    sim.host.services.mariadb = 'failed';
    let r = await round();
    expect(r.reporting).toMatchObject({ state: 'red', summary: "lon-ast1: MySQL: not reachable: Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)" });
    sim.host.services.mariadb = 'active';
    sim.host.services.cron = 'inactive';
    r = await round();
    expect(r.reporting).toMatchObject({ state: 'red', summary: 'lon-ast1: Service cron: inactive' });
    sim.host.services.cron = 'active';
    expect((await round()).reporting.state).toBe('green');
  });

  it('a replica whose IO thread stops turns Reporting red with MariaDB\'s error; running again, green with its lag', async () => {
    expect((await round()).metric('replication')).toBeUndefined();
    sim.host.replica = { io: 'No', sql: 'Yes', lagSeconds: null, ioError: "Got fatal error 1236 from master when reading data from binary log: 'Binary log is not open'" };
    let r = await round();
    expect(r.reporting).toMatchObject({ state: 'red', summary: "lon-ast1: Replication: replication stopped: IO thread No: Got fatal error 1236 from master when reading data from binary log: 'Binary log is not open'" });
    sim.host.replica = { io: 'Yes', sql: 'Yes', lagSeconds: 4 };
    r = await round();
    expect(r.reporting.state).toBe('green');
    expect(r.metric('replication').text).toBe('running, 4 s behind the primary (warning 30 s, critical 300 s)');
    sim.host.replica = null;
  });

  it('counts the AMI events a minute between rounds', async () => {
    await round();
    for (let i = 0; i < 30; i++) sim.emit('UserEvent', { UserEvent: 'acm-test' }, 'user');
    await new Promise((r) => setTimeout(r, 200));
    const r = await round();
    expect(r.metric('ami-events').value).toBeGreaterThan(30); // 30 in well under a minute
    expect(r.metric('ami-events').text).toMatch(/^connected, [\d.]+ events\/min$/);
  });
});

describe('the health API', () => {
  it('answers the servers, one server, its history and the thresholds', async () => {
    const list = await k.admin.json('GET', `${P}/servers?clusterId=${cluster.id}`);
    expect(list.body.total).toBe(1);
    const id = list.body.items[0].serverId;
    expect((await k.admin.json('GET', `${P}/servers/${id}`)).body.name).toBe('lon-ast1');
    expect((await k.admin.json('GET', `${P}/servers/999`)).status).toBe(404);
    const h = (await k.admin.json('GET', `${P}/servers/${id}/history`)).body;
    // One point per round: the disk's history shows it filling up and freed.
    const disk = h.metrics['disk:/var'].map((p: [number, number]) => p[1]);
    expect(disk).toEqual(expect.arrayContaining([84, 95, 40]));
    expect(disk.length).toBeGreaterThanOrEqual(10);
    const t = (await k.admin.json('GET', `${P}/thresholds`)).body;
    expect(t.items).toEqual([expect.objectContaining({ cluster: 'lon', services: ['asterisk', 'mariadb', 'keepalived', 'fail2ban', 'ssh', 'cron'], thresholds: expect.objectContaining({ diskPercent: { warning: 80, critical: 90 } }) })]);
  });
});
