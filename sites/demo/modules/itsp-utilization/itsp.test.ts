import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../../sdk/testing/sim/index.ts';
import { startTestKernel, type TestClient, type TestKernel } from '../../../../sdk/testing/kernel.ts';
import { kbpsFor } from './utilization.ts';
import { waitUntil as until } from '../../../../sdk/testing/wait.ts';

async function create(c: TestClient, path: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await c.json('POST', path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}


let sim: SimulatedAsterisk;
let k: TestKernel;

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const ports = await sim.start({ sshPort: -1, authFailDelayMs: 50 });
  k = await startTestKernel({ plugins: ['status'], modules: ['itsp-utilization'],
    connectServers: true, connection: { actionTimeoutMs: 2000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await create(k.admin, '/api/sites', { name: 'tpa' });
  const cluster = await create(k.admin, '/api/clusters', { siteId: site.id, name: 'tpa1' });
  await create(k.admin, '/api/servers', { clusterId: cluster.id, name: 'tpa1-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
  await create(k.admin, '/api/trunks', { clusterId: cluster.id, name: 'telnyx', host: 'sip.telnyx.com', maxChannels: 4, codecs: 'ulaw,alaw' });
  await create(k.admin, '/api/trunks', { clusterId: cluster.id, name: 'backup', host: 'sip.example.net', codecs: 'g729' });
  const sales = await create(k.admin, '/api/groups', { name: 'USSales' });
  await create(k.admin, '/api/extensions', { clusterId: cluster.id, groupId: sales.id, name: 'Alice', extension: '6101' });
  await k.acm.connections.sync();
  await until(() => k.acm.connections.status().some((s) => s.connected), 'the server to connect');
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

const tile = async () => ((await k.admin.json('GET', '/api/plugins/status/tiles')).body as any[]).find((t) => t.id === 'itsp-utilization');

describe('ITSP utilization tile', () => {
  it('uses 87.2 kbit/s per G.711 call and 31.2 for G.729', () => {
    expect(kbpsFor('ulaw,alaw')).toEqual({ codec: 'ulaw', kbps: 87.2 });
    expect(kbpsFor('!all,g729')).toEqual({ codec: 'g729', kbps: 31.2 });
    expect(kbpsFor(null)).toEqual({ codec: 'ulaw', kbps: 87.2 });
  });

  it('counts trunk channels per trunk and group against maxChannels, live from AMI', async () => {
    expect(await tile()).toMatchObject({ state: 'green', summary: '0 trunk calls, 0 % of 4 channels, approx 0 kbit/s each way' });
    // inbound call for Alice (USSales): the trunk leg and Alice's leg share the Linkedid
    const inbound = sim.state.newChannel({ name: 'PJSIP/telnyx-00000001', state: 6 });
    sim.state.newChannel({ name: 'PJSIP/6101-00000002', linkedid: inbound.linkedid, state: 6 });
    // two calls to an IVR (no extension), one on the backup trunk
    sim.state.newChannel({ name: 'PJSIP/telnyx-00000003', state: 6 });
    const last = sim.state.newChannel({ name: 'PJSIP/telnyx-00000004', state: 6 });
    sim.state.newChannel({ name: 'PJSIP/backup-00000005', state: 6 });
    const t = await until(async () => { const x = await tile(); return x.details.calls === 4 ? x : null; }, 'four trunk calls');
    expect(t.state).toBe('orange'); // 3 of 4 = 75 %
    expect(t.summary).toBe('4 trunk calls, 75 % of 4 channels, approx 293 kbit/s each way');
    const telnyx = t.details.trunks.find((r: any) => r.trunk === 'telnyx');
    expect(telnyx).toMatchObject({ inUse: 3, maxChannels: 4, percent: 75, codec: 'ulaw', kbps: 261.6, byGroup: { USSales: 1, other: 2 } });
    expect(t.details.trunks.find((r: any) => r.trunk === 'backup')).toMatchObject({ inUse: 1, maxChannels: null, percent: null, codec: 'g729', kbps: 31.2 });

    sim.state.newChannel({ name: 'PJSIP/telnyx-00000006', state: 6 });
    expect((await until(async () => { const x = await tile(); return x.details.calls === 5 ? x : null; }, 'five calls')).state).toBe('red');
    sim.state.hangup(last);
    await until(async () => (await tile()).details.calls === 4, 'the hangup to count');
  });
});
