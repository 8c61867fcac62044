/**
 * Campaigns end to end on a simulated Asterisk 20 through ARI, as an operator would run them:
 * leads imported from CSV (bad, duplicate and DNC rows skipped), a start refused with no agent
 * logged in, an announce campaign (message played, press 1 to the queue), a progressive one whose
 * answered call goes to the queue, an abandon when the agent goes away during the ring (the
 * regulatory message within 2 s), retries after busy, a number put on the DNC list after the
 * import never dialled, the trunk going down mid-campaign, pause/stop, the CLI and the results.
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServices, type AriService } from '../../../sdk/index.ts';
import { cliContext, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';

const P = '/api/plugins/dialer';
const Q = '/api/plugins/queues';
const ALWAYS = { start: '00:00', end: '24:00', days: [1, 2, 3, 4, 5, 6, 7] };
const rules = (busyAfter = 1) => ({
  hours: ALWAYS, maxAttempts: 5, maxAttemptsPerDay: 5,
  retry: { busy: { afterMinutes: busyAfter, maxRetries: 2 }, 'no-answer': { afterMinutes: 60, maxRetries: 1 }, congestion: { afterMinutes: 1, maxRetries: 3 }, machine: { afterMinutes: 60, maxRetries: 1 } },
});
let k: TestKernel;
let sim: SimulatedAsterisk;
const ids: Record<string, number> = {};
const dialled: string[] = [];

async function commit(): Promise<void> {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: ids.cluster });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
const status = async (id: number) => (await k.admin.json('GET', `${P}/campaigns/${id}/status`)).body as Record<string, any>;
const leads = async (id: number) => (await k.admin.json('GET', `${P}/campaigns/${id}/leads?pageSize=100`)).body.items as Record<string, any>[];
const act = (id: number, action: string) => k.admin.json('POST', `${P}/campaigns/${id}/${action}`, {});
const campaign = (name: string, extra: Record<string, unknown>) => k.admin.create(`${P}/campaigns`, {
  clusterId: ids.cluster, name, trunkId: ids.trunk, callerId: '"Acme" <+442079460999>', maxConcurrent: 2, rules: rules(), ...extra,
});
const importCsv = async (id: number, csv: string) => {
  const res = await k.admin.json('POST', `${P}/campaigns/${id}/leads`, { csv });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, any>;
};
const cli = async (...args: string[]) => {
  const out: string[] = [];
  const orig = console.log;
  console.log = (line: string) => out.push(line);
  try {
    const group = new Command('dialer').exitOverride();
    for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === 'dialer')) r.register(group, cliContext());
    await group.parseAsync(args, { from: 'user' });
  } finally {
    console.log = orig;
  }
  return out.join('\n');
};

beforeAll(async () => {
  k = await startTestKernel({
    plugins: ['queues', { id: 'dialer', settings: { tickMs: 100, trunkDownAfter: 3 } }], fullLicense: {}, connectServers: true,
    connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
    ari: { reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 }, keepAliveMs: 0, connectTimeoutMs: 2000, requestTimeoutMs: 3000 },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  ids.cluster = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon1' })).id;
  ids.agent = (await k.admin.create('/api/extensions', { clusterId: ids.cluster, extension: '6101', name: 'Keith', secret: 'Secret-6101-x1' })).id;
  ids.trunk = (await k.admin.create('/api/trunks', { clusterId: ids.cluster, name: 'carrier', host: '192.0.2.10', context: 'from-carrier' })).id;
  ids.queue = (await k.admin.create(`${Q}/queues`, { clusterId: ids.cluster, name: 'sales', number: '600' })).id;
  ({ sim } = await simulatedServer(k, ids.cluster, { name: 'lon-ast1' }));
  await commit();
  sim.state.register('6101', 'sip:6101@127.0.0.1:5070');
  sim.playbackMs = 50;
  sim.callees = (d) => { dialled.push(d.resource.split('@')[0]!); return { outcome: 'answer', afterMs: 50, hangupAfterMs: 5000 }; };
  const ari = k.acm.kernel.container.get(coreServices.ari.id) as AriService;
  await waitUntil(() => ari.connected('acm-dialer', ids.cluster).length > 0 || undefined, "the dialer's Stasis app on the server");
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('leads and the start of a campaign', () => {
  it('imports a CSV: bad numbers, duplicates and DNC numbers are skipped with their line and reason', async () => {
    await k.admin.create(`${P}/dnc`, { number: '+442079460004' });
    ids.ann = (await campaign('Announce', { mode: 'announce', message: 'hello-world', transferDigit: '1', queueId: ids.queue })).id;
    const r = await importCsv(ids.ann, 'number,name,plan\n020 7946 0001,Ann,gold\n+442079460002,Bob,silver\nnot a number,Eve,x\n020 7946 0001,Ann again,gold\n+442079460004,Dnc,x\n');
    expect(r.imported).toBe(2);
    expect(r.skipped.map((s: any) => [s.line, s.reason])).toEqual([
      [4, expect.stringMatching(/not a valid phone number/)],
      [5, expect.stringMatching(/\+442079460001/)],
      [6, expect.stringMatching(/do-not-call/)],
    ]);
    expect(r.customFields).toEqual(['plan']);
    const bad = await k.admin.json('POST', `${P}/campaigns/${ids.ann}/leads`, { csv: 'name\nAnn\n' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems[0]).toMatchObject({ field: 'csv', message: expect.stringMatching(/number/) });
  });

  it('refuses to start a campaign to a queue with no agent logged in, saying so', async () => {
    ids.prog = (await campaign('Progressive', { mode: 'progressive', queueId: ids.queue, maxConcurrent: 1 })).id;
    await importCsv(ids.prog, 'number\n+442079460011\n+442079460012\n');
    const res = await act(ids.prog, 'start');
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/no agent is logged in to the queue of campaign Progressive/);
    expect((await status(ids.prog)).state).toBe('idle');
    const empty = (await campaign('Empty', { mode: 'announce', message: 'hello-world' })).id;
    expect((await act(empty, 'start')).body.detail).toMatch(/no lead left to dial/);
    expect((await act(empty, 'pause')).status).toBe(409);
  });
});

describe('an announce campaign', () => {
  it('plays the message to each answered lead and hangs up; press 1 goes to the queue', async () => {
    // +…0001 presses 1 during the message; +…0002 listens to the end.
    sim.playbackMs = 400;
    sim.callees = (d) => {
      dialled.push(d.resource.split('@')[0]!);
      if (d.resource.startsWith('+442079460001@')) setTimeout(() => sim.ariDtmf(d.channelId, '1'), 200);
      return { outcome: 'answer', afterMs: 50, hangupAfterMs: 1500 };
    };
    const start = await act(ids.ann, 'start');
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect(start.body.state).toBe('running');
    await waitUntil(async () => (await status(ids.ann)).state === 'done' || undefined, 'the campaign done', 15_000);
    const ls = await leads(ids.ann);
    expect(ls.map((l) => [l.number, l.status, l.result])).toEqual([['+442079460001', 'done', 'answered'], ['+442079460002', 'done', 'answered']]);
    expect(dialled.filter((n) => n.startsWith('+44207946000')).sort()).toEqual(['+442079460001', '+442079460002']);
    const report = (await k.admin.json('GET', `${P}/campaigns/${ids.ann}/report`)).body;
    expect(report).toMatchObject({ attempts: 2, liveAnswered: 2, abandoned: 0, abandonPercent: 0, outcomes: { answered: 2 } });
    expect(await status(ids.ann)).toMatchObject({ state: 'done', dialled: 2, answered: 2, connected: 1, abandoned: 0 });
    const csv = await k.admin.fetch(`${P}/campaigns/${ids.ann}/results.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('number,name,timezone,status,result,attempts,last_attempt_at,last_outcome,abandoned,plan');
  });
});
