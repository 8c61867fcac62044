import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SimulatedAsterisk } from '../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';

import { waitUntil as until } from '../sdk/testing/wait.ts';


let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;
let ext6101: Record<string, any>;

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const ports = await sim.start({ sshPort: -1, authFailDelayMs: 50 });
  k = await startTestKernel({ connectServers: true, connection: { actionTimeoutMs: 2000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } } });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
  await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
  await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'tpa1-ast2', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'wrong-secret' });
  ext6101 = await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Alice', extension: '6101' });
  await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Bob', extension: '6102', mailbox: '6102' });
  await k.acm.live.reload();
  await k.acm.connections.sync();
}, 30_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('live state', () => {
  it('GET /api/status shows each cluster with its servers, connected or not and why', async () => {
    const status = await until(async () => {
      const body = (await k.admin.json('GET', '/api/status')).body as any[];
      const s = body[0]?.servers ?? [];
      return s.length === 2 && s[0].version && s[1].lastError ? body : null;
    }, 'both servers to report');
    expect(status).toHaveLength(1);
    expect(status[0]).toMatchObject({ name: 'tpa1', connected: 1, total: 2 });
    expect(status[0].servers[0]).toMatchObject({ name: 'tpa1-ast1', connected: true, version: '20.20.1' });
    expect(status[0].servers[0].uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(status[0].servers[1]).toMatchObject({ name: 'tpa1-ast2', connected: false, lastError: expect.stringMatching(/Authentication failed/) });
  });

  it('follows device state, registrations, calls and voicemail into the extension columns', async () => {
    sim.emit('DeviceStateChange', { Device: 'PJSIP/6101', State: 'INUSE' }, 'call');
    sim.emit('ContactStatus', { URI: 'sip:6101@127.0.0.1:5071', ContactStatus: 'Reachable', AOR: '6101', EndpointName: '6101', RoundtripUsec: '2500' });
    sim.emit('DialBegin', { Channel: 'PJSIP/6102-00000001', DestChannel: 'PJSIP/6101-00000002' }, 'call');
    sim.emit('AgentCalled', { Queue: 'ussales', Interface: 'PJSIP/6101', DestChannel: 'PJSIP/6101-00000003' }, 'agent');
    sim.emit('DialBegin', { Channel: 'Local/ussales@acm-queue-00000055;2', DestChannel: 'PJSIP/6101-00000003' }, 'call');
    sim.emit('MessageWaiting', { Mailbox: '6102@default', Waiting: '1', New: '2', Old: '5' }, 'call');
    const live = await until(() => {
      const l = k.acm.live.get(cluster.id, '6101');
      return l?.extStatus === 1 && l.callsQin === 1 ? l : null;
    }, 'live state of 6101');
    expect(live).toMatchObject({ extStatus: 1, fullContact: 'sip:6101@127.0.0.1:5071', ipAddr: '127.0.0.1', lastMs: 3, callsDin: 1, callsQin: 1 });
    expect(k.acm.live.get(cluster.id, '6102')).toMatchObject({ callsOut: 1, vmUnread: 2, vmOld: 5 });
    await k.acm.live.flush();
    const row = (await k.admin.json('GET', `/api/extensions/${ext6101.id}`)).body;
    expect(row).toMatchObject({ extStatus: 1, callsDin: 1, callsQin: 1, ipAddr: '127.0.0.1' });
  });

  it('follows trunk registrations (PJSIP outbound registration events)', async () => {
    const trunk = await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'ITSP', host: 'sip.example.net', register: true, username: 'acct7', secret: 'trunk-secret-7' });
    sim.emit('Registry', { ChannelType: 'PJSIP', Username: 'sip:acct7@sip.example.net:5060', Domain: 'sip:sip.example.net:5060', Status: 'Registered' });
    const row = await until(async () => {
      const t = (await k.admin.json('GET', `/api/trunks/${trunk.id}`)).body;
      return t.registrationStatus === 'Registered' ? t : null;
    }, 'the trunk to show Registered');
    expect(row.secretSet).toBe(true);
    sim.emit('Registry', { ChannelType: 'PJSIP', Username: 'sip:acct7@sip.example.net:5060', Domain: 'sip:sip.example.net:5060', Status: 'Rejected' });
    await until(async () => (await k.admin.json('GET', `/api/trunks/${trunk.id}`)).body.registrationStatus === 'Rejected', 'Rejected');
  });

  it('follows servers and extensions added through the API, without a restart', async () => {
    const second = new SimulatedAsterisk();
    const ports = await second.start({ sshPort: -1, systemName: 'tpa1-ast3' });
    try {
      await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'tpa1-ast3', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
      const carol = await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Carol', extension: '6103' });
      await until(async () => {
        const s = (await k.admin.json('GET', '/api/status')).body[0].servers.find((x: any) => x.name === 'tpa1-ast3');
        return s?.connected;
      }, 'the new server to connect');
      await until(() => {
        second.emit('DeviceStateChange', { Device: 'PJSIP/6103', State: 'BUSY' }, 'call');
        return k.acm.live.get(cluster.id, '6103')?.extStatus === 2;
      }, 'the new extension to follow the new server', 5000, 100);
      expect(carol.extension).toBe('6103');
      const servers = (await k.admin.json('GET', `/api/servers?clusterId=${cluster.id}&q=ast3`)).body.items;
      expect((await k.admin.json('DELETE', `/api/servers/${servers[0].id}`)).status).toBe(204);
      await until(async () => !(await k.admin.json('GET', '/api/status')).body[0].servers.some((x: any) => x.name === 'tpa1-ast3'), 'the deleted server to be dropped');
    } finally {
      await second.stop();
    }
  });

  it('pushes changes over the /api/events WebSocket, only to those allowed to see them', async () => {
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const other = await k.admin.create('/api/tenants', { name: 'othertenant' });
    await k.admin.create('/api/users', { username: 'outsider', password: 'outsider-pass', role: 'viewer', tenantId: other.id });
    const outsider = k.client();
    expect(await outsider.login('outsider', 'outsider-pass')).toBe(200);
    const outsiderToken = (await outsider.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const wsUrl = k.url.replace('http', 'ws') + '/api/events';
    const open = (t: string) => new Promise<{ ws: WebSocket; msgs: any[] }>((resolve, reject) => {
      const ws = new WebSocket(`${wsUrl}?token=${t}`);
      const msgs: any[] = [];
      ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
      ws.on('open', () => resolve({ ws, msgs }));
      ws.on('error', reject);
    });
    const mine = await open(token);
    const theirs = await open(outsiderToken);
    await until(() => mine.msgs.length && theirs.msgs.length, 'hello messages');
    expect(mine.msgs[0]).toMatchObject({ type: 'hello', servers: [{ name: 'tpa1-ast1' }, { name: 'tpa1-ast2' }] });
    expect(theirs.msgs[0]).toEqual({ type: 'hello', servers: [] });
    sim.emit('DeviceStateChange', { Device: 'PJSIP/6101', State: 'RINGING' }, 'call');
    const msg = await until(() => mine.msgs.find((m) => m.type === 'extension' && m.changes.extStatus === 8), 'the change');
    expect(msg).toMatchObject({ id: ext6101.id, extension: '6101', clusterId: cluster.id });
    await new Promise((r) => setTimeout(r, 100));
    expect(theirs.msgs.filter((m) => m.type === 'extension')).toEqual([]);
    mine.ws.close();
    theirs.ws.close();
    const refused = new WebSocket(wsUrl);
    const code = await new Promise((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(code).toBe(401);
  });

  it('marks a server disconnected when Asterisk goes away and reconnects when it is back', async () => {
    await sim.restart(300);
    await until(async () => {
      const s = (await k.admin.json('GET', '/api/status')).body[0].servers[0];
      return s.connected && s.version;
    }, 'reconnect');
    const client = k.acm.connections.client((await k.admin.json('GET', '/api/status')).body[0].servers[0].serverId)!;
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('logs in again when the AMI user or secret of a server is changed in place, without a restart', async () => {
    const status = async () => (await k.admin.json('GET', '/api/status')).body[0].servers.find((x: any) => x.name === 'tpa1-ast2');
    const { serverId } = await status();
    expect((await k.admin.json('PUT', `/api/servers/${serverId}`, { amiSecret: 'acmtest-Secret1' })).status).toBe(200);
    await until(async () => (await status())?.connected, 'the corrected secret to log in');
    expect((await k.admin.json('PUT', `/api/servers/${serverId}`, { amiUser: 'nobody' })).status).toBe(200);
    const refused = await until(async () => { const s = await status(); return s && !s.connected && s.lastError ? s : null; }, 'the changed user to be refused');
    expect(refused.lastError).toMatch(/Authentication failed/);
  });
});
