import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCallTrace, SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import type { TestKernel } from '../../../sdk/testing/kernel.ts';
import { inboundKernel } from './harness.ts';

/**
 * Issue 14's destinations through the API and onto the simulated Asterisk: announcements (loops
 * and deleted ones refused), a conference room from an IVR option, group mailboxes, and business
 * hours of an agent group's queue that routes to that queue go through.
 */
const I = '/api/plugins/inbound';

let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;
let trunk: Record<string, any>;
let support: Record<string, any>;
let room: Record<string, any>;

const problems = (res: { status: number; body: any }) => {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  return (res.body.problems as { field: string; message: string }[]).map((p) => `${p.field}: ${p.message}`);
};
const onServer = (file: string) => readFileSync(join(sim.configRoot, file), 'utf8');
const hangup = { type: 'hangup' };
const end = (t: SimCallTrace) => `${t.steps.at(-1)!.app}(${t.steps.at(-1)!.args.join(',')})`;
const call = (exten: string, iso: string, digits: string[] = []) => {
  const t = sim.call({ context: 'from-carrier', exten, at: new Date(iso), digits });
  t.hangup();
  return t;
};
// Wednesday 2 December 2026 in London (GMT): 10:00 open, 19:00 closed.
const OPEN = '2026-12-02T10:00:00Z';
const CLOSED = '2026-12-02T19:00:00Z';

beforeAll(async () => {
  ({ k, cluster, sim } = await inboundKernel(['queues', 'conference', 'inbound']));
  trunk = await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'carrier', host: '192.0.2.10', context: 'from-carrier' });
  support = await k.admin.create('/api/plugins/queues/queues', { clusterId: cluster.id, name: 'support', number: '602' });
  // Open from the start: the conference plugin's scheduler puts `open` into AstDB at once.
  room = await k.admin.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8600', startsAt: '2026-01-01T00:00:00Z' });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('announcements, conference rooms, group mailboxes and hours per agent group', () => {
  let closed: Record<string, any>;
  let menu: Record<string, any>;
  let box: Record<string, any>;
  let hours: Record<string, any>;

  it('announcements: the prompt checked like an IVR prompt, repeat 1 to 5, a loop back through a menu refused', async () => {
    expect(problems(await k.admin.json('POST', `${I}/announcements`, { clusterId: cluster.id, name: 'Closed', prompt: 'custom/closed&tt-monkeys', repeat: 6 })).sort()).toEqual([
      'name: lower-case letters, digits, - and _, at most 40',
      'prompt: a sound file name: letters, digits, _ and -, folders with /',
      'repeat: Too big: expected number to be <=5',
    ]);
    closed = await k.admin.create(`${I}/announcements`, { clusterId: cluster.id, name: 'closed', prompt: 'custom/closed' });
    expect(closed).toMatchObject({ repeat: 1, answer: true, then: hangup });
    expect(problems(await k.admin.json('POST', `${I}/ivrs`, { clusterId: cluster.id, name: 'x', prompt: 'custom/x', options: [{ digit: '1', destination: { type: 'announcement', announcementId: 999 } }] })))
      .toEqual(['options.0.destination.announcementId: no announcement 999 on this cluster']);
    menu = await k.admin.create(`${I}/ivrs`, { clusterId: cluster.id, name: 'menu', prompt: 'custom/menu', options: [{ digit: '1', destination: { type: 'announcement', announcementId: closed.id } }] });
    expect(problems(await k.admin.json('PUT', `${I}/announcements/${closed.id}`, { then: { type: 'ivr', ivrId: menu.id } })))
      .toEqual(['then: a loop: announcement closed → IVR menu → announcement closed']);
    expect(problems(await k.admin.json('PUT', `${I}/announcements/${closed.id}`, { then: { type: 'announcement', announcementId: closed.id } })))
      .toEqual(['then: a loop: announcement closed → announcement closed']);
  });

  it('group mailboxes: a name or email that would add a voicemail.conf field is refused; the PIN is write-only', async () => {
    const body = { clusterId: cluster.id, number: '6001', name: 'Support, 2nd line', pin: '4711', emails: ['support@example.com', 'a@example.com|b@example.com', 'x@example.com\n'], queueId: support.id };
    expect(problems(await k.admin.json('POST', `${I}/mailboxes`, body)).sort()).toEqual([
      'emails.1: an email address', 'emails.2: an email address', 'name: no , or | and no space at either end',
    ]);
    expect(problems(await k.admin.json('POST', `${I}/mailboxes`, { ...body, name: 'Support', emails: [], pin: '12' }))).toEqual(['pin: 4 to 16 digits']);
    expect(problems(await k.admin.json('POST', `${I}/mailboxes`, { ...body, name: 'Support', emails: [], queueId: 9999 }))).toEqual(['queueId: no queue 9999 on this cluster']);
    box = await k.admin.create(`${I}/mailboxes`, { ...body, name: 'Support team', emails: ['support@example.com', 'lead@example.com'] });
    expect(box.pin).toBeUndefined();
    expect(box.pinSet).toBe(true);
    // A PUT without the PIN keeps it.
    expect((await k.admin.json('PUT', `${I}/mailboxes/${box.id}`, { name: 'Support desk' })).body).toMatchObject({ name: 'Support desk', pinSet: true });
  });

  it('business hours of a queue: one per queue, a queue of this tenant, and no loop through the queue', async () => {
    const week = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }];
    const body = { name: 'support', queueId: support.id, open: week, destinations: { open: { type: 'queue', queueId: support.id }, closed: { type: 'announcement', announcementId: closed.id }, holiday: hangup } };
    expect(problems(await k.admin.json('POST', `${I}/hours`, { ...body, queueId: 9999 }))).toEqual(['queueId: no queue 9999 in this tenant']);
    hours = await k.admin.create(`${I}/hours`, body);
    expect(problems(await k.admin.json('POST', `${I}/hours`, { ...body, name: 'support2' }))).toEqual([expect.stringMatching(/^queueId: /)]);
    // The menu's digit 2 to the queue goes through the hours; the hours' closed destination to the menu would come back.
    await k.admin.create(`${I}/ivrs`, { clusterId: cluster.id, name: 'front', prompt: 'custom/front', options: [{ digit: '2', destination: { type: 'queue', queueId: support.id } }] })
      .then(async (front) => {
        expect(problems(await k.admin.json('PUT', `${I}/hours/${hours.id}`, { destinations: { ...body.destinations, closed: { type: 'ivr', ivrId: front.id } } })))
          .toEqual(['destinations.closed: a loop: hours support → IVR front → hours support']);
        expect((await k.admin.fetch(`${I}/ivrs/${front.id}`, { method: 'DELETE' })).status).toBe(204);
      });
  });

  it('routes to hours, a queue with hours, a menu with a conference room and group voicemail commit and run on the simulator', async () => {
    const route = (did: string, destination: unknown) => k.admin.create(`${I}/routes`, { clusterId: cluster.id, trunkId: trunk.id, did, destination });
    await route('+442071230001', { type: 'hours', hoursId: hours.id });
    await route('+442071230002', { type: 'queue', queueId: support.id });
    await k.admin.json('PUT', `${I}/ivrs/${menu.id}`, { options: [{ digit: '1', destination: { type: 'announcement', announcementId: closed.id } }, { digit: '2', destination: { type: 'conference', roomId: room.id } }] });
    await route('+442071230003', { type: 'ivr', ivrId: menu.id });
    await route('+442071230004', { type: 'groupVoicemail', mailboxId: box.id });
    const res = await k.admin.json('POST', '/api/commit', {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.revisions[0], JSON.stringify(res.body)).toMatchObject({ clusterId: cluster.id, status: 'deployed' });
    expect(onServer('acm/voicemail-inbound.conf')).toContain('[groups]\n; group mailbox 6001 (id 1) of queue 1\n6001 => 4711,Support desk,support@example.com|lead@example.com\n');

    // Hours whose closed destination is an announcement: in hours the queue, outside the prompt and a hangup.
    expect(end(call('+442071230001', OPEN))).toBe('Queue(support)');
    const out = call('+442071230001', CLOSED);
    expect([out.played, end(out), out.steps.some((s) => s.app === 'Answer')]).toEqual([['custom/closed'], 'Hangup()', true]);
    // The queue has hours: the route to it reaches it in hours only.
    const inHours = call('+442071230002', OPEN);
    expect([inHours.ended, inHours.result.queue]).toEqual(['queue', 'support']);
    // (The route's priorities run in from-carrier, which includes inbound-carrier.)
    expect([...new Set(inHours.steps.map((s) => s.context))]).toEqual(['from-carrier', 'hours-support', 'queues']);
    const after = call('+442071230002', CLOSED);
    expect([after.steps.map((s) => s.context).at(-1), after.played, after.ended]).toEqual(['announce-closed', ['custom/closed'], 'hangup']);
    // An IVR option to the room: ConfBridge of room 8600.
    const conf = call('+442071230003', OPEN, ['2']);
    expect([conf.ended, conf.result.conference]).toEqual(['confbridge', '8600']);
    // Group voicemail: VoiceMail of the box in the plugin's context; members listen at *98<box>.
    const vm = call('+442071230004', OPEN);
    expect([vm.ended, vm.result.mailbox, end(vm)]).toEqual(['voicemail', '6001@groups', 'VoiceMail(6001@groups,u)']);
    const listen = sim.call({ context: 'internal', exten: '*986001' });
    listen.hangup();
    expect([listen.ended, listen.result.mailbox]).toEqual(['voicemailmain', '6001@groups']);
  });

  it('early media: an announcement that does not answer plays on Progress()', async () => {
    await k.admin.json('PUT', `${I}/announcements/${closed.id}`, { answer: false, repeat: 2 });
    expect((await k.admin.json('POST', '/api/commit', { clusterId: cluster.id })).status).toBe(200);
    const t = call('+442071230001', CLOSED);
    expect([t.result.progress, t.steps.some((s) => s.app === 'Answer'), t.played, end(t)]).toEqual([true, false, ['custom/closed', 'custom/closed'], 'Hangup()']);
  });

  it('refuses a commit while hours lead to a deleted announcement, naming the field', async () => {
    const bye = await k.admin.create(`${I}/announcements`, { clusterId: cluster.id, name: 'bye', prompt: 'goodbye' });
    expect((await k.admin.json('PUT', `${I}/hours/${hours.id}`, { destinations: { open: { type: 'queue', queueId: support.id }, closed: { type: 'announcement', announcementId: closed.id }, holiday: { type: 'announcement', announcementId: bye.id } } })).status).toBe(200);
    expect((await k.admin.fetch(`${I}/announcements/${bye.id}`, { method: 'DELETE' })).status).toBe(204);
    const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(res.status).toBe(422);
    expect(res.body.problems).toContainEqual({
      field: 'lon: business hours support (destinations.holiday)', message: `the destination is gone: announcement ${bye.id} is not on cluster lon (inbound.destinations)`,
    });
  });

  it('the page\'s forms read the new resources\' schemas from the OpenAPI document', async () => {
    const schemas = (await k.admin.json('GET', '/api/openapi.json')).body.components.schemas as Record<string, any>;
    expect(Object.keys(schemas.InboundAnnouncementInput.properties)).toEqual(['clusterId', 'name', 'description', 'prompt', 'repeat', 'answer', 'then']);
    expect(Object.keys(schemas.InboundMailboxInput.properties)).toEqual(['clusterId', 'number', 'name', 'pin', 'emails', 'queueId']);
  });

  it('conference is optional: while it is disabled a room destination is refused clearly, and taken again once it runs', async () => {
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'conference' })).status).toBe(200);
    const route = { clusterId: cluster.id, trunkId: trunk.id, did: '+442071239999', destination: { type: 'conference', roomId: room.id } };
    const refused = await k.admin.json('POST', `${I}/routes`, route);
    expect([refused.status, refused.body.problems]).toEqual([422, [{ field: 'destination.roomId', message: 'conference rooms need the conference plugin, which is not running' }]]);
    const commit = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
    expect(commit.status).toBe(422);
    expect(JSON.stringify(commit.body.problems)).toContain(`conference room ${room.id} is not on cluster lon (or the conference plugin does not run)`);
    expect((await k.admin.json('POST', '/api/plugins/enable', { id: 'conference' })).status).toBe(200);
    expect((await k.admin.json('POST', `${I}/routes`, route)).status).toBe(201);
  });
});
