import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCallTrace, SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import type { TestKernel } from '../../../sdk/testing/kernel.ts';
import { inboundKernel } from './harness.ts';

/**
 * The inbound plugin through the API: 422s naming each bad field, a commit onto the SDK's
 * simulated Asterisk, and the commit validator refusing a route to an IVR deleted since.
 */
const I = '/api/plugins/inbound';

let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;
let trunk: Record<string, any>;
let queue: Record<string, any>;

const problems = (res: { status: number; body: any }) => {
  expect(res.status).toBe(422);
  return (res.body.problems as { field: string; message: string }[]).map((p) => `${p.field}: ${p.message}`);
};
const planOnServer = () => readFileSync(join(sim.configRoot, 'acm/extensions-inbound.conf'), 'utf8');
const hangup = { type: 'hangup' };


beforeAll(async () => {
  ({ k, cluster, sim } = await inboundKernel(['queues', 'conference', 'inbound']));
  trunk = await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'carrier', host: '192.0.2.10', context: 'from-carrier' });
  await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Keith', extension: '6101', secret: 'sip-secret-6101', mailbox: '6101', vmSecret: '4321' });
  queue = await k.admin.create('/api/plugins/queues/queues', { clusterId: cluster.id, name: 'sales', number: '600' });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('inbound routing through the API', () => {
  let office: Record<string, any>;
  let main: Record<string, any>;
  let sub: Record<string, any>;

  it('refuses overlapping open rules, a holiday twice and bad times, naming the field', async () => {
    const body = {
      name: 'office', destinations: { open: hangup, closed: hangup, holiday: hangup },
      open: [{ days: ['mon', 'tue'], from: '09:00', to: '17:00' }, { days: ['tue', 'wed'], from: '16:00', to: '18:00' }, { days: ['sun'], from: '12:00', to: '11:00' }],
      holidays: [{ date: '12-25', name: 'Christmas' }, { date: '2027-12-25', name: 'again' }, { date: '02-30', name: 'no such day' }],
    };
    expect(problems(await k.admin.json('POST', `${I}/hours`, body))).toEqual([
      'open.2.to: must be after from',
      'holidays.2.date: YYYY-MM-DD (once) or MM-DD (every year)',
      'open.1.from: overlaps open.0 on tue',
      // A one-off date on a yearly holiday is the holiday twice.
      'holidays.1.date: 2027-12-25 is already holidays.0 (12-25)',
    ]);
    const fixed = { ...body, open: [], holidays: [] };
    expect(problems(await k.admin.json('POST', `${I}/hours`, { ...fixed, destinations: { open: { type: 'queue', queueId: 999 }, closed: hangup, holiday: hangup } })))
      .toEqual(['destinations.open.queueId: no queue 999 on this tenant']);
    office = await k.admin.create(`${I}/hours`, { ...fixed, open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:30' }], holidays: [{ date: '12-25', name: 'Christmas' }] });
  });

  it('refuses an IVR with a digit twice, a prompt with separators, and a loop through menus and hours', async () => {
    const bad = { clusterId: cluster.id, name: 'main', prompt: 'custom/welcome,n', options: [{ digit: '1', destination: hangup }, { digit: '1', destination: hangup }, { digit: '12', destination: hangup }] };
    expect(problems(await k.admin.json('POST', `${I}/ivrs`, bad))).toEqual([
      'prompt: a sound file name: letters, digits, _ and -, folders with /',
      'options.2.digit: one of 0-9, * and #',
      'options.1.digit: digit 1 is already an option',
    ]);
    main = await k.admin.create(`${I}/ivrs`, { clusterId: cluster.id, name: 'main', prompt: 'custom/welcome', directDial: true, options: [{ digit: '1', destination: { type: 'queue', queueId: queue.id } }] });
    sub = await k.admin.create(`${I}/ivrs`, { clusterId: cluster.id, name: 'sub', prompt: 'custom/sub', options: [{ digit: '0', destination: { type: 'ivr', ivrId: main.id } }] });
    // main → sub → main
    expect(problems(await k.admin.json('PUT', `${I}/ivrs/${main.id}`, { options: [{ digit: '2', destination: { type: 'ivr', ivrId: sub.id } }] })))
      .toEqual(['options.0.destination: a loop: IVR main → IVR sub → IVR main']);
    // office hours → main, then main's timeout → office: a loop through hours
    expect((await k.admin.json('PUT', `${I}/hours/${office.id}`, { destinations: { open: { type: 'ivr', ivrId: main.id }, closed: { type: 'voicemail', number: '6101' }, holiday: hangup } })).status).toBe(200);
    expect(problems(await k.admin.json('PUT', `${I}/ivrs/${main.id}`, { timeoutDestination: { type: 'hours', hoursId: office.id } })))
      .toEqual(['timeoutDestination: a loop: IVR main → hours office → IVR main']);
    expect(problems(await k.admin.json('PUT', `${I}/ivrs/${sub.id}`, { invalid: { type: 'ivr', ivrId: sub.id } }))).toEqual(['invalid: a loop: IVR sub → IVR sub']);
  });

  it('refuses a DID twice on a trunk, a trunk of nobody, and a bad prefix', async () => {
    const route = { clusterId: cluster.id, trunkId: trunk.id, did: '+442071230000', callerIdNamePrefix: 'UK', destination: { type: 'hours', hoursId: office.id } };
    await k.admin.create(`${I}/routes`, route);
    expect(problems(await k.admin.json('POST', `${I}/routes`, route))).toEqual([expect.stringMatching(/^did: DID \+442071230000 already has route \d+ on this trunk$/)]);
    // The same DID on every trunk is another route (the trunk's own wins).
    await k.admin.create(`${I}/routes`, { ...route, trunkId: null, destination: { type: 'ivr', ivrId: main.id } });
    expect(problems(await k.admin.json('POST', `${I}/routes`, { ...route, trunkId: 9999, callerIdNamePrefix: 'a,b', did: '12x' })).sort()).toEqual([
      'callerIdNamePrefix: letters, digits, space and -, at most 20',
      'did: digits with an optional leading +',
    ]);
    expect(problems(await k.admin.json('POST', `${I}/routes`, { ...route, trunkId: 9999, did: '+4420' }))).toEqual(['trunkId: no trunk 9999']);
    await k.admin.create(`${I}/routes`, { clusterId: cluster.id, trunkId: trunk.id, did: null, destination: { type: 'ivr', ivrId: sub.id } });
    expect(problems(await k.admin.json('POST', `${I}/routes`, { clusterId: cluster.id, trunkId: trunk.id, destination: hangup })))
      .toEqual([expect.stringMatching(/^did: the catch-all already has route \d+ on this trunk$/)]);
  });

  it('commits the routes, menus and hours onto a (simulated) Asterisk', async () => {
    const res = await k.admin.json('POST', '/api/commit', {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.revisions[0], JSON.stringify(res.body)).toMatchObject({ clusterId: cluster.id, status: 'deployed' });
    const plan = planOnServer();
    expect(plan).toContain('[from-carrier]\ninclude => inbound-carrier\n');
    expect(plan).toContain('exten => +442071230000,1,NoOp(acm inbound route');
    expect(plan).toContain('GotoIfTime(08:00-18:29,mon-fri,*,*,Europe/London?open,1)');
    expect(plan).toContain('exten => 1,1,Goto(queues,600,1)');
    expect(plan).toContain('[inbound--voicemail]\nexten => 6101,1,VoiceMail(6101@default,u)');
  });

  it('a call to the DID reaches the queue in business hours, voicemail outside them, hangup on a holiday (the simulator\'s dialplan, on a set clock)', async () => {
    const call = (iso: string, digits: string[] = []) => {
      const t = sim.call({ context: 'from-carrier', exten: '+442071230000', at: new Date(iso), digits, callerId: { name: 'Eve' } });
      t.hangup(); // a caller left waiting in the queue would count in the next call's position
      return t;
    };
    const end = (t: SimCallTrace) => `${t.steps.at(-1)!.app}(${t.steps.at(-1)!.args.join(',')})`;
    // Wednesday 10:00 in London: open, the IVR, digit 1: queue sales.
    const open = call('2026-12-02T10:00:00Z', ['1']);
    expect(end(open)).toBe('Queue(sales)');
    expect(open.ended).toBe('queue');
    expect(open.steps.map((s) => s.context)).toEqual(expect.arrayContaining(['from-carrier', 'hours-office', 'ivr-main', 'queues']));
    expect(open.steps.find((s) => s.app === 'Set' && s.args[0]!.startsWith('CALLERID'))?.args).toEqual(['CALLERID(name)', 'UKEve']);
    // 18:30 is closing time (the rule's `to` is exclusive); a summer evening in BST too.
    expect(end(call('2026-12-02T18:30:00Z'))).toBe('VoiceMail(6101@default,u)');
    expect(end(call('2026-07-01T17:45:00Z', ['1']))).toBe('VoiceMail(6101@default,u)'); // 18:45 BST
    expect(end(call('2026-07-01T16:45:00Z', ['1']))).toBe('Queue(sales)'); // 17:45 BST
    expect(end(call('2026-12-25T10:00:00Z', ['1']))).toBe('Hangup()');
    // No digit at the menu: it plays twice more (retries 2), then its timeout destination.
    const silent = call('2026-12-02T10:00:00Z', ['', '', '']);
    expect(silent.steps.filter((s) => s.app === 'WaitExten')).toHaveLength(3);
    expect(end(silent)).toBe('Hangup()');
  });

  it('refuses a commit while a route leads to a deleted IVR, naming both', async () => {
    const routes = (await k.admin.json('GET', `${I}/routes?pageSize=100`)).body.items as Record<string, any>[];
    const toSub = routes.find((r) => r.did === null)!;
    expect((await k.admin.fetch(`${I}/ivrs/${sub.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(422);
    expect(res.body.problems).toContainEqual({
      field: `lon: inbound route ${toSub.id} (catch-all) (destination)`, message: `the destination is gone: IVR ${sub.id} is not on cluster lon (inbound.destinations)`,
    });
    // Nothing was pushed: the server still runs the menu.
    expect(planOnServer()).toContain('[ivr-sub]');
    expect((await k.admin.json('PUT', `${I}/routes/${toSub.id}`, { destination: { type: 'extension', number: '6101' } })).status).toBe(200);
    const ok = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(planOnServer()).not.toContain('[ivr-sub]');
  });
});
