import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import WebSocket from 'ws';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { cliContext, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { amiEvents, until } from './harness.ts';

const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ami-ev-conference.txt'), 'utf8');

let sim: SimulatedAsterisk;
let k: TestKernel;
let cluster: Record<string, any>;
/** Actions the simulator received that it does not implement itself (ConfbridgeMute/Kick). */
const received: { action: string; headers: Record<string, string | undefined> }[] = [];

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const ports = await sim.start({ sshPort: -1, authFailDelayMs: 50 });
  // Asterisk 20 answers these with Success; the simulator does not know them, so record them here.
  for (const action of ['ConfbridgeMute', 'ConfbridgeUnmute', 'ConfbridgeKick']) {
    sim.onAction(action, (req) => {
      received.push({ action, headers: { Conference: req.get('Conference'), Channel: req.get('Channel') } });
      return { message: action === 'ConfbridgeKick' ? 'User kicked' : `User ${action === 'ConfbridgeMute' ? 'muted' : 'unmuted'}` };
    });
  }
  k = await startTestKernel({
    plugins: ['status', 'conference'], modules: ['conference-pin-policy'],
    connectServers: true, connection: { actionTimeoutMs: 2000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'lon-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
  await k.acm.connections.sync();
  await until(() => k.acm.connections.status().some((s) => s.connected), 'the server to connect');
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('conference rooms API', () => {
  it('creates, lists, reads, updates and deletes rooms; PINs are never returned', async () => {
    const room = await k.admin.create('/api/plugins/conference/rooms', {
      clusterId: cluster.id, number: '8602', startsAt: '2018-05-30T00:00:00Z', recurrence: 'weekly', externalNumber: '16465701658',
      owner: 'keith', account: 'UKSales', description: 'weekly chat on UKSales', maxUsers: 10, userPin: '918273', adminPin: '564738',
    });
    expect(room).toMatchObject({ number: '8602', recurrence: 'weekly', userPinSet: true, adminPinSet: true, videoMode: 'none', record: false });
    expect(room).not.toHaveProperty('userPin');
    await k.admin.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8603', startsAt: '2018-05-22T14:00:00Z', endsAt: '2018-06-23T00:00:00Z', description: 'TPA site move', record: true, videoMode: 'follow_talker' });

    const list = await k.admin.json('GET', '/api/plugins/conference/rooms?q=tpa&sort=-number&page=1&pageSize=10');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(list.body.items.map((r: any) => r.number)).toEqual(['8603']);
    expect(JSON.stringify((await k.admin.json('GET', '/api/plugins/conference/rooms')).body)).not.toMatch(/918273|564738/);

    const put = await k.admin.json('PUT', `/api/plugins/conference/rooms/${room.id}`, { maxUsers: 12, adminPin: null });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ maxUsers: 12, userPinSet: true, adminPinSet: false, description: 'weekly chat on UKSales' });
    expect((await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}`)).body.maxUsers).toBe(12);

    const twin = await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8602', startsAt: '2026-01-01T00:00:00Z' });
    expect(twin.status).toBe(422);
    expect(twin.body.problems).toEqual([{ field: 'number', message: `"8602" is already used in this cluster (room ${room.id})` }]);
    const del = await k.admin.fetch(`/api/plugins/conference/rooms/${room.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}`)).status).toBe(404);
    const audit = (await k.admin.json('GET', '/api/audit?q=conference')).body;
    expect(JSON.stringify(audit)).toContain('conference.room.delete');
  });

  it('answers 422 naming every bad field', async () => {
    const res = await k.admin.json('POST', '/api/plugins/conference/rooms', {
      clusterId: cluster.id, number: '86a', startsAt: 'tomorrow', recurrence: 'yearly', videoMode: 'sfu', description: 'x\n[evil]', colour: 'red',
    });
    expect(res.status).toBe(422);
    const fields = res.body.problems.map((p: any) => p.field).sort();
    expect(fields).toEqual(['colour', 'description', 'number', 'recurrence', 'startsAt', 'videoMode']);
    const order = await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8700', startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' });
    expect(order.status).toBe(422);
    expect(order.body.problems).toEqual([{ field: 'endsAt', message: 'must be after startsAt' }]);
    expect((await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: 999, number: '8701', startsAt: '2026-01-01T00:00:00Z' })).body.problems)
      .toEqual([{ field: 'clusterId', message: 'no cluster 999' }]);
  });

  it('consults the PIN policies registered by site modules', async () => {
    const bad = await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '870011', startsAt: '2026-01-01T00:00:00Z', userPin: '1234', adminPin: '870011' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems).toEqual([
      { field: 'userPin', message: 'must have at least 6 digits (policy demo-pin-policy)' },
      { field: 'adminPin', message: 'must not be the room number (policy demo-pin-policy)' },
    ]);
    const same = await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8701', startsAt: '2026-01-01T00:00:00Z', userPin: '777777' });
    expect(same.body.problems).toEqual([{ field: 'userPin', message: 'must not repeat one digit (policy demo-pin-policy)' }]);
  });

  it('needs conference.room:write to change rooms', async () => {
    await k.admin.create('/api/users', { username: 'watcher', password: 'watcher-password', role: 'viewer' });
    const viewer = k.client();
    expect(await viewer.login('watcher', 'watcher-password')).toBe(200);
    expect((await viewer.json('GET', '/api/plugins/conference/rooms')).status).toBe(200);
    expect((await viewer.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8702', startsAt: '2026-01-01T00:00:00Z' })).status).toBe(403);
  });
});

describe('conference scheduling', () => {
  it('opens rooms in their window and closes them after, in AstDB on the servers', async () => {
    const now = await k.admin.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8800', startsAt: hourAgo(), endsAt: inAnHour() });
    expect(now.open).toBe(true);
    expect(sim.state.db.get('/acm-conference/8800')).toBe('open');
    const later = await k.admin.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8801', startsAt: inAnHour() });
    expect(later.open).toBe(false);
    expect(sim.state.db.get('/acm-conference/8801')).toBe('closed');
    // move 8800's window into the past: the next run closes it
    const moved = await k.admin.json('PUT', `/api/plugins/conference/rooms/${now.id}`, { startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-01-02T00:00:00Z' });
    expect(moved.body).toMatchObject({ open: false });
    expect(sim.state.db.get('/acm-conference/8800')).toBe('closed');
    const run = await k.admin.json('POST', '/api/plugins/conference/schedule/run', {});
    expect(run.body).toEqual({ opened: [], closed: [] });
    await k.admin.fetch(`/api/plugins/conference/rooms/${later.id}`, { method: 'DELETE' });
    expect(sim.state.db.has('/acm-conference/8801')).toBe(false);
  });
});

describe('conference live participants', () => {
  let room: Record<string, any>;
  beforeAll(async () => {
    room = await k.admin.create('/api/plugins/conference/rooms', { clusterId: cluster.id, number: '6500', startsAt: hourAgo() });
  });

  it('follows ConfbridgeJoin/Talking/Mute/Leave replayed from a real Asterisk 20 recording', async () => {
    const events = amiEvents(FIXTURE.replaceAll('Conference: acmconf', 'Conference: 6500'));
    const upTo = (name: string, nth: number) => {
      let seen = 0;
      return events.findIndex((e) => e.event === name && ++seen === nth);
    };
    for (const e of events.slice(0, upTo('ConfbridgeMute', 1) + 1)) sim.emit(e.event, e.headers, e.privilege);
    const both = await until(async () => {
      const r = (await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}/participants`)).body as any[];
      return r.length === 2 && r[1].muted ? r : null;
    }, 'two participants, one muted');
    expect(both.map((p) => [p.callerIdNum, p.callerIdName, p.admin, p.muted])).toEqual([['6201', 'Conf Admin', true, false], ['6202', 'Conf User', false, true]]);
    expect(both[0]).toMatchObject({ channel: 'Local/admin@acm-conf-00000052;2', serverId: expect.any(Number) });
    for (const e of events.slice(upTo('ConfbridgeMute', 1) + 1, upTo('ConfbridgeLeave', 1) + 1)) sim.emit(e.event, e.headers, e.privilege);
    const one = await until(async () => {
      const r = (await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}/participants`)).body as any[];
      return r.length === 1 ? r : null;
    }, 'one participant left');
    expect(one[0].callerIdNum).toBe('6201');
    for (const e of events.slice(upTo('ConfbridgeLeave', 1) + 1)) sim.emit(e.event, e.headers, e.privilege);
    await until(async () => ((await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}/participants`)).body as any[]).length === 0, 'the conference to end');
  });

  it('tells browsers over /api/events who is in the room after each join, mute and leave', async () => {
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const msgs: any[] = [];
    const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${token}`);
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    try {
      await until(() => msgs.some((m) => m.type === 'hello'), 'the hello message');
      const events = amiEvents(FIXTURE.replaceAll('Conference: acmconf', 'Conference: 6500'));
      const join = events.find((e) => e.event === 'ConfbridgeJoin')!;
      sim.emit(join.event, join.headers, join.privilege);
      const [first] = await until(() => { const p = msgs.filter((m) => m.type === 'plugin'); return p.length ? p : null; }, 'the participants event');
      expect(first).toMatchObject({ plugin: 'conference', event: 'participants', tenantId: 1, clusterId: cluster.id, data: { clusterId: cluster.id, conference: '6500' } });
      expect(first.data.participants.map((p: any) => p.callerIdNum)).toEqual(['6201']);
      const leave = events.find((e) => e.event === 'ConfbridgeLeave' && e.headers.some(([h, v]) => h === 'Channel' && v === first.data.participants[0].channel))!;
      sim.emit(leave.event, leave.headers, leave.privilege);
      await until(() => msgs.filter((m) => m.type === 'plugin').length === 2, 'the event after the leave');
      expect(msgs.filter((m) => m.type === 'plugin')[1].data.participants).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('re-reads the room with ConfbridgeList on demand (an empty room is not an error)', async () => {
    expect((await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}/participants?refresh=1`)).body).toEqual([]);
    const ch = sim.state.newChannel({ name: 'PJSIP/6101-00000077', callerIdNum: '6101', callerIdName: 'Alice', state: 6 });
    sim.state.conferences.set('6500', [{ channel: ch.name, uniqueid: ch.uniqueid, callerIdNum: '6101', callerIdName: 'Alice', admin: false, joinedAt: Date.now() - 5000 }]);
    const list = (await k.admin.json('GET', `/api/plugins/conference/rooms/${room.id}/participants?refresh=1`)).body as any[];
    expect(list).toMatchObject([{ channel: 'PJSIP/6101-00000077', callerIdNum: '6101', callerIdName: 'Alice', admin: false, muted: false }]);
    sim.state.conferences.delete('6500');
  });

  it('mutes, unmutes and kicks through AMI', async () => {
    const channel = 'PJSIP/6101-00000077';
    expect((await k.admin.json('POST', `/api/plugins/conference/rooms/${room.id}/mute`, { channel })).status).toBe(200);
    expect((await k.admin.json('POST', `/api/plugins/conference/rooms/${room.id}/mute`, { channel, muted: false })).status).toBe(200);
    expect((await k.admin.json('POST', `/api/plugins/conference/rooms/${room.id}/kick`, { channel })).status).toBe(200);
    expect(received).toEqual([
      { action: 'ConfbridgeMute', headers: { Conference: '6500', Channel: channel } },
      { action: 'ConfbridgeUnmute', headers: { Conference: '6500', Channel: channel } },
      { action: 'ConfbridgeKick', headers: { Conference: '6500', Channel: channel } },
    ]);
    expect((await k.admin.json('POST', `/api/plugins/conference/rooms/${room.id}/kick`, { channel: 'x\r\nAction: Originate' })).status).toBe(422);
  });
});

describe('conference files, CLI and disable', () => {
  it('renders confbridge.conf and the dialplan for the cluster', async () => {
    const snapshot = { tenant: { id: 1, name: 'default' }, site: { id: 1, tenantId: 1, name: 'lon' }, cluster: { id: cluster.id, tenantId: 1, siteId: 1, name: 'lon' }, servers: [], groups: [], extensions: [], trunks: [], acls: [] };
    const files = await k.acm.commits.files.render(snapshot);
    const mine = files.filter((f) => k.acm.commits.files.list().find((e) => e.name === f.name)!.owner === 'conference');
    expect(mine.map((f) => f.name)).toEqual(['acm/confbridge.conf', 'acm/extensions-conference.conf']);
    expect(mine[0]!.content).toContain('[acm-conf-6500-bridge]');
    expect(mine[1]!.content).toContain('exten => 6500,1,NoOp(acm conference 6500)');
  });

  it('offers acm conference rooms list|get|add|update|delete|copy (the kit) and participants', async () => {
    const reg = k.acm.kernel.cliRegistrars().filter((r) => r.id === 'conference');
    const out: string[] = [];
    const orig = console.log;
    console.log = (line: string) => out.push(line);
    const run = async (...args: string[]) => {
      const group = new Command('conference').exitOverride();
      for (const r of reg) r.register(group, cliContext());
      out.length = 0;
      await group.parseAsync(args, { from: 'user' });
      return out.join('\n');
    };
    try {
      const added = JSON.parse(await run('rooms', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'number=8900', '--set', 'startsAt=2026-01-01T00:00:00Z',
        '--set', 'userPin=135792', '--set', 'description=from the CLI', '--json'));
      expect(added).toMatchObject({ number: '8900', clusterId: cluster.id, userPinSet: true, description: 'from the CLI' });
      expect(added).not.toHaveProperty('userPin');
      expect(await run('rooms', 'list', '-q', 'from the cli')).toMatch(/^id\s+clusterId\s+number[\s\S]*8900[\s\S]*1 of 1 \(page 1\)$/);
      expect(await run('rooms', 'update', String(added.id), '--set', 'maxUsers=9')).toMatch(/^maxUsers\s+9$/m);
      expect(await run('participants', String(added.id))).toBe('nobody');
      await run('rooms', 'delete', String(added.id));
      expect(out).toEqual([`deleted room ${added.id}`]);
    } finally {
      console.log = orig;
    }
  });

  it('a disabled plugin answers 404, renders no file and hears no events; enabling brings it back', async () => {
    // the PIN policy module requires conference: it goes first
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'conference' })).status).toBe(409);
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'conference-pin-policy' })).status).toBe(200);
    expect((await k.admin.json('POST', '/api/plugins/disable', { id: 'conference' })).status).toBe(200);
    expect((await k.admin.json('GET', '/api/plugins/conference/rooms')).status).toBe(404);
    expect((await k.admin.json('GET', '/api/plugins/conference/anything')).status).toBe(404);
    const owners = () => k.acm.commits.files.list().map((f) => f.owner);
    expect(owners()).not.toContain('conference');
    expect(k.acm.kernel.cliRegistrars().some((r) => r.id === 'conference')).toBe(false);
    const pages = (await k.admin.json('GET', '/api/plugins')).body.find((p: any) => p.id === 'conference');
    expect(pages).toMatchObject({ enabled: false, started: false });

    expect((await k.admin.json('POST', '/api/plugins/enable', { id: 'conference' })).status).toBe(200);
    const list = await k.admin.json('GET', '/api/plugins/conference/rooms');
    expect(list.status).toBe(200);
    expect(list.body.total).toBeGreaterThan(0);
    expect(owners().filter((o) => o === 'conference')).toHaveLength(2);
    // without the policy module, a short PIN is fine
    const shortPin = await k.admin.json('POST', '/api/plugins/conference/rooms', { clusterId: cluster.id, number: '8901', startsAt: '2026-01-01T00:00:00Z', userPin: '12' });
    expect(shortPin.status).toBe(201);
  });
});
