import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../core/demo/demo.ts';
import { ROOT_DIR } from '../core/app.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { waitUntil } from '../sdk/testing/wait.ts';

let k: TestKernel;
let demo: RunningDemo | undefined;

beforeAll(async () => {
  k = await startTestKernel({
    connectServers: true,
    connection: { keepAliveMs: 0, actionTimeoutMs: 3000, reconnect: { initialMs: 100, maxMs: 500 } },
    beforeConnect: async (acm) => { demo = await startDemo(acm, ROOT_DIR, { stepMs: 20 }); },
  });
}, 60_000);
afterAll(async () => {
  await k?.stop();
  await demo?.stop();
});

describe('the demo enterprise', () => {
  it('starts with every simulated server connected', async () => {
    expect(demo!.simulators.size).toBe(10);
    expect(await k.acm.connections.waitConnected(15_000)).toBe(10);
    const status = (await k.admin.json('GET', '/api/status')).body as any[];
    expect(status.map((c) => c.name)).toEqual(['ams', 'lon', 'sfo', 'tpa1', 'tpa2']);
    expect(status.every((c) => c.connected === 2 && c.total === 2)).toBe(true);
    expect(status[3].servers.map((s: any) => [s.name, s.version])).toEqual([['tpa1-ast1', '20.20.1'], ['tpa1-ast2', '20.20.1']]);
  });

  it('deploys the rendered configuration to every simulator', async () => {
    const outcomes = await demo!.deploy();
    for (const o of outcomes) if (o.error) console.error(o.cluster, o.error);
    expect(outcomes.map((o) => [o.cluster, o.status])).toEqual([['tpa1', 'deployed'], ['tpa2', 'deployed'], ['sfo', 'deployed'], ['lon', 'deployed'], ['ams', 'deployed']]);
    const tpa1 = demo!.simulators.get('tpa1-ast2')!;
    expect(tpa1.state.endpointNames()).toEqual(expect.arrayContaining(['6101', '6109', '5101', 'TELNYX-2']));
    // The HA pair's files went out with the commit (the ha plugin's deploy target).
    expect(readFileSync(join(tpa1.fsRoot, 'etc/keepalived/keepalived.conf'), 'utf8')).toMatch(/vrrp_instance acm_\d+_voice_\d+ {/);
    expect(JSON.parse(readFileSync(join(tpa1.fsRoot, 'etc/acm-ha/node.json'), 'utf8'))).toMatchObject({ node: 'tpa1-ast2', primary: false });
    expect((await k.admin.json('GET', '/api/changes')).body.total).toBe(0);
  }, 90_000); // ten servers over SFTP and AMI: 7 s alone, past 30 s on a loaded two-core machine

  it('pairs every cluster in an HA group, live on the Service availability tile', async () => {
    expect(demo!.haGroups).toBe(5);
    const groups = (await k.admin.json('GET', '/api/plugins/ha/status')).body.groups as any[];
    expect(groups.map((g) => [g.name, g.state, g.vips.map((v: any) => `${v.address} ${v.heldBy.join(',')}`), g.replication])).toEqual(
      [['ams', '10.10.30.10'], ['lon', '192.168.68.10'], ['sfo', '192.168.108.118'], ['tpa1', '192.168.0.218'], ['tpa2', '192.168.0.208']]
        .map(([c, vip]) => [`${c}-pair`, 'normal', [`${vip} ${c}-ast1`], `${c}-ast1 -> ${c}-ast2`]),
    );
    expect(groups.every((g) => g.nodes.every((n: any) => n.reachable))).toBe(true);
    const tiles = (await k.admin.json('GET', '/api/plugins/status/tiles')).body as { id: string }[];
    expect(tiles.find((t) => t.id === 'ha')).toMatchObject({ title: 'Service availability', state: 'green', summary: '5 HA group(s) in normal state' });
  });

  it('sends the generators\' calls by DID through business hours to the queues: live queue figures', async () => {
    // Wednesday 10:00 in Tampa, 15:00 in London: every demo queue's hours are open.
    for (const s of demo!.simulators.values()) s.setClock(new Date('2026-12-02T15:00:00Z'));
    const tpa1 = demo!.simulators.get('tpa1-ast1')!;
    const byDid = new Map<string, string>();
    const joined: string[] = [];
    const on = (e: { name: string; fields: Array<[string, string]> }) => {
      const f = Object.fromEntries(e.fields);
      if (e.name === 'Newexten' && f.Priority === '1' && f.Exten?.startsWith('+1813')) byDid.set(f.Uniqueid!, f.Exten);
      if (e.name === 'QueueCallerJoin' && byDid.get(f.Uniqueid!) === '+18135550600') joined.push(f.Queue!);
    };
    tpa1.state.on('ami', on);
    try {
      const rows = await waitUntil(async () => {
        const items = (await k.admin.json('GET', '/api/plugins/queues/summary')).body.items as any[];
        return joined.length && items.some((q) => q.queue === 'ussales' && q.answered > 0) && items.some((q) => q.queue === 'techsupport' && q.answered + q.abandoned > 0) ? items : null;
      }, 'a queue call answered in ussales, one answered or abandoned in techsupport', 15_000);
      expect(new Set(joined)).toEqual(new Set(['ussales']));
      // A service level once a call was answered (abandons alone leave it null).
      expect(rows.find((q) => q.queue === 'ussales')).toMatchObject({ loggedIn: expect.any(Number), serviceLevelPercent: expect.any(Number) });
    } finally {
      tpa1.state.off('ami', on);
    }
    const tiles = (await k.admin.json('GET', '/api/plugins/status/tiles')).body as { id: string; details?: Record<string, unknown> }[];
    expect(Object.keys(tiles.find((t) => t.id === 'queues')?.details ?? {})).toEqual(expect.arrayContaining(['ussales', 'uksales', 'techsupport']));
  });

  it('dials across sites: a roaming user on another cluster, over DUNDi and IAX2 with the keys acm made', async () => {
    const sfo = demo!.simulators.get('sfo-ast1')!;
    const t = sfo.call({ context: 'internal', exten: '6102', callerId: { num: '5201' } });
    expect(t.result.dial).toBe('IAX2/acm-tpa1/6102');
    // 6102 forwards to 6109 on its home cluster.
    expect(t.remote?.steps.map((x) => `${x.context}:${x.app}`).slice(0, 3)).toEqual(['roaming-in:Set', 'roaming-in:Goto', 'internal:Dial']);
    t.hangup();
    const rows = (await k.admin.json('GET', '/api/plugins/roaming/report?flagged=true&pageSize=100')).body.items as any[];
    expect(rows.filter((r) => r.number === '5200').map((r) => `${r.cluster}:${r.name}:${r.standard}:${r.flags.join('+')}`)).toEqual([
      // 5200 has a mailbox on tpa1 and another on sfo: the caller's message lands on whichever answered.
      'sfo:Development Desk:true:duplicate-voicemail+name-mismatch', 'tpa1:Eddie Chissem:true:duplicate-voicemail+name-mismatch', 'tpa2:Eddie Chissem:true:name-mismatch',
    ]);
    const tile = ((await k.admin.json('GET', '/api/plugins/status/tiles')).body as { id: string; state: string }[]).find((x) => x.id === 'roaming.links');
    expect(tile).toBeDefined();
  });

  it('has the three Tampa hot-desk phones, George Lopez (6109) logged in at desk 17', async () => {
    const phones = (await k.admin.json('GET', '/api/plugins/hotdesk/status/phones')).body.items as any[];
    expect(phones.map((p) => p.desk)).toEqual(['desk 13', 'desk 17', 'desk 18']);
    expect(phones.map((p) => p.inUseBy?.extension ?? null)).toEqual([null, '6109', null]);
    const tpa1 = demo!.simulators.get('tpa1-ast1')!;
    expect([...tpa1.state.db.values()]).toContain('6109');
  });

  it('has live status moving', async () => {
    const changes: unknown[] = [];
    const off = k.acm.bus.subscribe('acm.*.*.*.live.extension', (m) => changes.push(m.data));
    const end = Date.now() + 10_000;
    while (changes.length < 20 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    off();
    expect(changes.length).toBeGreaterThanOrEqual(20);
    await k.acm.live.flush();
    const moving = (await k.admin.json('GET', '/api/extensions?pageSize=200')).body.items.filter((e: any) => e.callsDin || e.callsOut || e.extStatus !== null);
    expect(moving.length).toBeGreaterThan(0);
    // Outside calls ride the ITSP trunks: the site module's tile counts them.
    const itsp = await waitUntil(async () => {
      const tiles = (await k.admin.json('GET', '/api/plugins/status/tiles')).body as { id: string; summary: string }[];
      const t = tiles.find((x) => x.id === 'itsp-utilization');
      return t && !t.summary.startsWith('0 trunk calls') ? t : null;
    }, 'a trunk call on the ITSP tile', 10_000);
    expect(itsp.summary).toMatch(/^\d+ trunk calls?, [\d.]+ % of 190 channels/);
  });
});
