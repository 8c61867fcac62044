/**
 * Campaigns end to end on a simulated Asterisk 20 through ARI, as an operator would run them:
 * leads imported from CSV (bad, duplicate and DNC rows skipped), a start refused with no agent
 * logged in, an announce campaign (message played, press 1 to the queue), a progressive one whose
 * answered call goes to the queue, an abandon when the agent goes away during the ring (the
 * regulatory message within 2 s), retries after busy, a number put on the DNC list after the
 * import never dialled, the trunk going down mid-campaign, pause/stop, the CLI and the results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServices, type AriService } from '../../../sdk/index.ts';
import { runPluginCli, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
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
const ids = {} as Record<"cluster" | "agent" | "trunk" | "queue" | "ann" | "prog", number>;
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
const cli = (...args: string[]) => runPluginCli(k, 'dialer', ...args);

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
    // The file itself as text/plain (past JSON's 2 MB): the same import.
    const plain = await k.admin.fetch(`${P}/campaigns/${ids.ann}/leads`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'number\n+442079460002\n' });
    expect(await plain.json()).toMatchObject({ imported: 0, skipped: [{ line: 2, reason: '+442079460002 is already a lead of the campaign' }] });
    const bad = await k.admin.json('POST', `${P}/campaigns/${ids.ann}/leads`, { csv: 'name\nAnn\n' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems[0]).toMatchObject({ field: 'csv', message: expect.stringMatching(/number/) });
  });

  it('refuses what the runner would not do: a voicemail drop (no answering-machine detection)', async () => {
    const res = await k.admin.json('POST', `${P}/campaigns`, {
      clusterId: ids.cluster, name: 'Drop', trunkId: ids.trunk, callerId: '<+442079460999>', mode: 'progressive', queueId: ids.queue, voicemailDrop: 'hello-world',
    });
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([
      { field: 'voicemailDrop', message: 'a voicemail drop needs answering-machine detection, which the dialer does not do yet' },
    ]);
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
    // Every campaign the caller sees, with its state.
    const all = (await k.admin.json('GET', `${P}/status`)).body.items as Record<string, any>[];
    expect(all.map((p) => [p.campaignId, p.state]).sort()).toEqual([[ids.ann, 'idle'], [ids.prog, 'idle'], [empty, 'idle']].sort());
  });
});

describe('an announce campaign', () => {
  it('plays the message to each answered lead and hangs up; press 1 goes to the queue', async () => {
    // +…0001 presses 1 during the message; +…0002 listens to the end.
    sim.playbackMs = 400;
    sim.callees = (d) => {
      dialled.push(d.resource.split('@')[0]!);
      const presses = d.resource.startsWith('+442079460001@');
      if (presses) setTimeout(() => sim.ariDtmf(d.channelId, '1'), 200);
      // The listener would stay on the line for a minute: acm hangs up after the message.
      return { outcome: 'answer', afterMs: 50, hangupAfterMs: presses ? 1500 : 60_000 };
    };
    const start = await act(ids.ann, 'start');
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    expect(start.body.state).toBe('running');
    await waitUntil(async () => (await status(ids.ann)).state === 'done' || undefined, 'the campaign done', 15_000);
    const ls = await leads(ids.ann);
    expect(ls.map((l) => [l.number, l.status, l.result])).toEqual([['+442079460001', 'done', 'answered (to the queue)'], ['+442079460002', 'done', 'answered']]);
    expect(dialled.filter((n) => n.startsWith('+44207946000')).sort()).toEqual(['+442079460001', '+442079460002']);
    const report = (await k.admin.json('GET', `${P}/campaigns/${ids.ann}/report`)).body;
    expect(report).toMatchObject({ attempts: 2, liveAnswered: 2, abandoned: 0, abandonPercent: 0, outcomes: { answered: 2 } });
    expect(await status(ids.ann)).toMatchObject({ state: 'done', dialled: 2, answered: 2, connected: 1, abandoned: 0 });
    const csv = await k.admin.fetch(`${P}/campaigns/${ids.ann}/results.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('number,name,timezone,status,result,attempts,last_attempt_at,last_outcome,abandoned,plan');
  });
});

describe('campaigns to a queue', () => {
  const agents = async () => (await k.admin.json('GET', `${Q}/agents`)).body.items as Record<string, any>[];

  it('progressive: each answered call goes to the queue while the agent is free', async () => {
    const login = await k.admin.json('POST', `${Q}/agents/login`, { queueId: ids.queue, extensionId: ids.agent });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    await waitUntil(async () => (await agents()).some((a) => a.interface === 'PJSIP/6101' && a.state === 'available') || undefined, 'the agent available');
    sim.playbackMs = 50;
    sim.callees = (d) => { dialled.push(d.resource.split('@')[0]!); return { outcome: 'answer', afterMs: 50, hangupAfterMs: 600 }; };
    expect((await act(ids.prog, 'start')).status).toBe(200);
    await waitUntil(async () => (await status(ids.prog)).state === 'done' || undefined, 'the campaign done', 15_000);
    expect((await leads(ids.prog)).map((l) => [l.status, l.result])).toEqual([['done', 'answered'], ['done', 'answered']]);
    expect(await status(ids.prog)).toMatchObject({ dialled: 2, answered: 2, connected: 2, abandoned: 0, abandonPercent: 0 });
  });

  it('an answered call with no free agent hears the abandon message within 2 s and counts as abandoned', async () => {
    const id = (await campaign('Abandon', { mode: 'progressive', queueId: ids.queue, maxConcurrent: 1 })).id;
    await importCsv(id, 'number\n+442079460021\n+442079460022\n');
    // The agent pauses while the first lead's phone rings.
    sim.callees = (d) => {
      if (d.resource.startsWith('+442079460022@')) return { outcome: 'answer', afterMs: 50, hangupAfterMs: 600 };
      void k.admin.json('POST', `${Q}/agents/pause`, { queueId: ids.queue, extensionId: ids.agent, reason: 'break' });
      return { outcome: 'answer', afterMs: 500, hangupAfterMs: 60_000 };
    };
    expect((await act(id, 'start')).status).toBe(200);
    await waitUntil(async () => (await leads(id))[0]!.status === 'done' || undefined, 'the lead done', 10_000);
    const [lead, next] = await leads(id);
    expect(lead).toMatchObject({ status: 'done', result: 'abandoned' });
    expect(next).toMatchObject({ status: 'pending', attempts: 0 });
    const report = (await k.admin.json('GET', `${P}/campaigns/${id}/report`)).body;
    expect(report).toMatchObject({ liveAnswered: 1, abandoned: 1, abandonPercent: 100 });
    // With the only agent paused the campaign waits for one, saying why.
    expect(await status(id)).toMatchObject({ state: 'no-agents', stateReason: 'no agent is logged in to the queue' });
    const [a] = await k.acm.orm.em.fork().find<{ campaignId: number; answeredAt: Date; endedAt: Date; abandoned: boolean }>('DialerAttempt', { campaignId: id });
    expect(a!.abandoned).toBe(true);
    const heard = a!.endedAt.getTime() - a!.answeredAt.getTime();
    // Patience 1.5 s, then the message (50 ms here) and the hang-up: the message started within 2 s
    // of the answer. MariaDB keeps whole seconds (DATETIME), so there 1.55 s reads as 1 or 2 s.
    expect(heard).toBeGreaterThanOrEqual(1000);
    expect(heard).toBeLessThan(2500);
    // The agent is back: the campaign goes on by itself.
    expect((await k.admin.json('POST', `${Q}/agents/unpause`, { queueId: ids.queue, extensionId: ids.agent })).status).toBe(200);
    await waitUntil(async () => (await status(id)).state === 'done' || undefined, 'the campaign done', 10_000);
    expect((await leads(id))[1]).toMatchObject({ status: 'done', result: 'answered' });
    expect((await k.admin.json('GET', `${P}/campaigns/${id}/report`)).body).toMatchObject({ liveAnswered: 2, abandoned: 1, abandonPercent: 50 });
  });
});

describe('a preview campaign', () => {
  const step = (id: number, path: string, extensionId = ids.agent) => k.admin.json('POST', `${P}/campaigns/${id}/preview/${path}`, { extensionId });

  it('dials nothing by itself; the agent gets a lead held for them, calls it (it rings their extension) or skips it', async () => {
    const id = (await campaign('Preview', { mode: 'preview', queueId: ids.queue })).id;
    await importCsv(id, 'number,name,plan\n+442079460081,Ann,gold\n+442079460082,Bob,silver\n');
    dialled.length = 0;
    sim.callees = (d) => { dialled.push(d.resource.split('@')[0]!); return { outcome: 'answer', afterMs: 30, hangupAfterMs: 600 }; };
    expect((await act(id, 'start')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect(dialled).toEqual([]);
    const first = await step(id, 'next');
    expect(first.body.lead).toMatchObject({ number: '+442079460081', name: 'Ann', fields: { plan: 'gold' } });
    // Not held for this agent: refused.
    expect((await step(id, `${first.body.lead.id + 1}/dial`)).body.detail).toMatch(/is not held for this agent/);
    expect((await step(id, 'next', 999_999)).body.detail).toMatch(/extension 999999 is not logged in to the queue of campaign Preview/);
    expect((await step(id, `${first.body.lead.id}/dial`)).status).toBe(200);
    await waitUntil(async () => (await leads(id))[0]!.status === 'done' || undefined, 'the preview call done', 10_000);
    expect(dialled).toEqual(['+442079460081']);
    expect((await leads(id))[0]).toMatchObject({ status: 'done', result: 'answered' });
    const second = await step(id, 'next');
    expect(second.body.lead).toMatchObject({ number: '+442079460082' });
    expect((await step(id, `${second.body.lead.id}/skip`)).status).toBe(200);
    expect((await leads(id))[1]).toMatchObject({ status: 'done', result: 'skipped by the agent in preview' });
    expect(dialled).toEqual(['+442079460081']);
    await waitUntil(async () => (await status(id)).state === 'done' || undefined, 'the campaign done');
    expect((await step(id, 'next')).body.detail).toMatch(/is done: start it first/);
  });
});

describe('outcomes, compliance and control', () => {
  it('retries a busy lead after the rule\'s wait and not before', async () => {
    const id = (await campaign('Busy', { mode: 'announce', message: 'hello-world' })).id;
    await importCsv(id, 'number\n+442079460031\n');
    let calls = 0;
    sim.callees = () => (++calls === 1 ? { outcome: 'busy', afterMs: 30 } : { outcome: 'answer', afterMs: 30, hangupAfterMs: 60_000 });
    expect((await act(id, 'start')).status).toBe(200);
    await waitUntil(async () => (await leads(id))[0]!.result?.startsWith('busy') || undefined, 'the busy outcome', 10_000);
    const [lead] = await leads(id);
    expect(lead).toMatchObject({ status: 'pending', attempts: 1, result: 'busy; retry 1 min after busy' });
    const wait = new Date(lead!.nextAt).getTime() - Date.now();
    expect(wait).toBeGreaterThan(50_000);
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toBe(1);
    // The minute passes (the row says so): the lead is dialled again and answers.
    const em = k.acm.orm.em.fork();
    await em.nativeUpdate('DialerAttempt', { campaignId: id }, { at: new Date(Date.now() - 61_000) });
    await em.nativeUpdate('DialerLead', { campaignId: id }, { nextAt: new Date(Date.now() - 1000) });
    await waitUntil(async () => (await status(id)).state === 'done' || undefined, 'the campaign done', 10_000);
    expect((await leads(id))[0]).toMatchObject({ status: 'done', attempts: 2, result: 'answered' });
    expect((await k.admin.json('GET', `${P}/campaigns/${id}/report`)).body.outcomes).toEqual({ busy: 1, answered: 1 });
  });

  it('never dials a number put on the DNC list after the import', async () => {
    const id = (await campaign('Dnc', { mode: 'announce', message: 'hello-world' })).id;
    await importCsv(id, 'number\n+442079460041\n+442079460042\n');
    await k.admin.create(`${P}/dnc`, { number: '+442079460041', note: 'asked by phone' });
    dialled.length = 0;
    sim.callees = (d) => { dialled.push(d.resource.split('@')[0]!); return { outcome: 'answer', afterMs: 30, hangupAfterMs: 60_000 }; };
    expect((await act(id, 'start')).status).toBe(200);
    await waitUntil(async () => (await status(id)).state === 'done' || undefined, 'the campaign done', 10_000);
    expect(dialled).toEqual(['+442079460042']);
    expect((await leads(id)).map((l) => [l.number, l.status, l.result])).toEqual([
      ['+442079460041', 'never', "on the tenant's do-not-call list"], ['+442079460042', 'done', 'answered'],
    ]);
  });

  it('pauses itself when the trunk fails call after call, and dials nothing more until resumed', async () => {
    const id = (await campaign('Down', { mode: 'announce', message: 'hello-world', maxConcurrent: 1 })).id;
    await importCsv(id, 'number\n+442079460051\n+442079460052\n+442079460053\n+442079460054\n+442079460055\n');
    let calls = 0;
    sim.callees = () => { calls++; return { outcome: 'congestion', afterMs: 20 }; };
    expect((await act(id, 'start')).status).toBe(200);
    await waitUntil(async () => (await status(id)).state === 'trunk-down' || undefined, 'the trunk-down pause', 10_000);
    expect((await status(id)).stateReason).toMatch(/^3 calls in a row failed on the trunk \(cause 34\)/);
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toBe(3);
    expect((await leads(id)).filter((l) => l.attempts > 0).map((l) => l.result)).toEqual(Array(3).fill('congestion; retry 1 min after congestion'));
    expect((await act(id, 'stop')).status).toBe(200);
    expect((await status(id)).state).toBe('stopped');
  });

  it('is driven by the CLI too: list, start, pause, status', async () => {
    const id = (await campaign('Cli', { mode: 'announce', message: 'hello-world', maxConcurrent: 1 })).id;
    await importCsv(id, 'number\n+442079460061\n+442079460062\n');
    expect(await cli('campaigns', 'list')).toMatch(/Cli/);
    sim.callees = () => ({ outcome: 'answer', afterMs: 30, hangupAfterMs: 60_000 });
    sim.playbackMs = 2000;
    expect(await cli('start', String(id))).toBe(`campaign ${id}: start asked`);
    // The row says running; the server's next tick takes it up and dials.
    await waitUntil(async () => (await status(id)).inFlight === 1 || undefined, 'a call up', 5000);
    expect(await cli('pause', String(id))).toBe(`campaign ${id}: pause asked`);
    await waitUntil(async () => (await status(id)).state === 'paused' || undefined, 'paused');
    expect(await cli('status', String(id))).toMatch(/^state paused\n/);
    await expect(cli('pause', String(id))).rejects.toThrow(/is paused: it cannot pause/);
    await expect(cli('start', 'x1')).rejects.toThrow(/"x1" is not a campaign id/);
    sim.playbackMs = 50;
  });
});

describe('a restart of acm', () => {
  it('takes a running campaign up again: the call cut off counts as a no-answer and is retried by the rules', async () => {
    const id = (await campaign('Restart', { mode: 'announce', message: 'hello-world', maxConcurrent: 1 })).id;
    await importCsv(id, 'number\n+442079460071\n');
    let calls = 0;
    // The first call rings on through the restart; the second answers.
    sim.callees = () => (++calls === 1 ? { outcome: 'answer', afterMs: 60_000, hangupAfterMs: 1000 } : { outcome: 'answer', afterMs: 30, hangupAfterMs: 60_000 });
    expect((await act(id, 'start')).status).toBe(200);
    await waitUntil(async () => (await status(id)).inFlight === 1 || undefined, 'the first call ringing');
    await k.restart();
    const ari = k.acm.kernel.container.get(coreServices.ari.id) as AriService;
    await waitUntil(() => ari.connected('acm-dialer', ids.cluster).length > 0 || undefined, 'the app registered again', 10_000);
    // The call cut off counts as a no-answer (the phone rang): the lead waits the rule's hour, the campaign runs on.
    await waitUntil(async () => (await leads(id))[0]!.result === 'retry 60 min after no-answer' || undefined, 'the lead rescheduled');
    expect(await status(id)).toMatchObject({ state: 'running', leadsLeft: 1 });
    const em = k.acm.orm.em.fork();
    await em.nativeUpdate('DialerAttempt', { campaignId: id }, { at: new Date(Date.now() - 61 * 60_000) });
    await em.nativeUpdate('DialerLead', { campaignId: id }, { nextAt: new Date(Date.now() - 1000) });
    await waitUntil(async () => (await status(id)).state === 'done' || undefined, 'the campaign done after the restart', 15_000);
    expect(calls).toBe(2);
    expect((await leads(id))[0]).toMatchObject({ status: 'done', attempts: 2, result: 'answered' });
    expect((await k.admin.json('GET', `${P}/campaigns/${id}/report`)).body.outcomes).toEqual({ 'no-answer': 1, answered: 1 });
  });
});
