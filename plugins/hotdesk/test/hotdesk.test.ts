/**
 * Hot desk through the SDK only: hot-desk phones as a resource, a commit that gives their
 * endpoints a context of their own on a simulated Asterisk 20, log-in and log-out from the API,
 * the CLI and the phone (*80 + voicemail PIN, *81), and what they change for calls from and to
 * the phone. Set ACM_TEST_MYSQL to run it on MariaDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { runPluginCli, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';
import WebSocket from 'ws';

const P = '/api/plugins/hotdesk';
let k: TestKernel;
let sim: SimulatedAsterisk;
const ids: Record<string, number> = {};

async function commit(): Promise<Record<string, any>> {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: ids.cluster });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rev = res.body.revisions.find((r: any) => r.clusterId === ids.cluster);
  expect(rev.status, JSON.stringify(rev)).toBe('deployed');
  return rev;
}
const db = () => Object.fromEntries([...sim.state.db].filter(([key]) => key.startsWith('/acm-hotdesk/')));
/** A call from the hot-desk phone's endpoint: what it dialled out with, and as whom. */
function callFrom(endpoint: string, exten: string, digits?: string[]) {
  const t = sim.call({ from: { endpoint }, exten, ...(digits ? { digits } : {}) });
  t.hangup();
  return { t, dial: t.steps.find((s) => s.app === 'Dial')?.args[0], cid: t.channel?.callerIdNum, name: t.channel?.callerIdName, account: t.result.accountCode };
}

beforeAll(async () => {
  k = await startTestKernel({ plugins: [{ id: 'hotdesk', settings: { autoLogoutAt: '18:00' } }], connectServers: true });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  ids.cluster = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' })).id;
  ids.other = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' })).id;
  ids.hotdesk = (await k.admin.create('/api/groups', { name: 'hotdesk', rights: ['internal', 'local'] })).id;
  ids.sales = (await k.admin.create('/api/groups', { name: 'USSales', rights: ['internal', 'local', 'longdistance'] })).id;
  await k.admin.create('/api/trunks', { clusterId: ids.cluster, name: 'telnyx', host: '192.0.2.10', outboundPatterns: ['911', '_NXXNXXXXXX', '_1NXXNXXXXXX'] });
  const ext = async (cluster: number | undefined, n: string, name: string, extra: Record<string, unknown>) =>
    (ids[n] = (await k.admin.create('/api/extensions', { clusterId: cluster, extension: n, name, secret: `Secret-${n}-x1`, ...extra })).id);
  await ext(ids.cluster, '5811', 'Hotdesk 1', { groupId: ids.hotdesk });
  await ext(ids.cluster, '5812', 'Hotdesk 2', { groupId: ids.hotdesk });
  await ext(ids.cluster, '6109', 'George Lopez', { groupId: ids.sales, callerId: '"George Lopez" <6109>', accountCode: 'USSales', mailbox: '6109', vmSecret: '4321' });
  await ext(ids.cluster, '6102', 'Dana', { groupId: ids.sales, mailbox: '6102', vmSecret: '8642' });
  await ext(ids.other, '7101', 'Far', { mailbox: '7101', vmSecret: '1357' });
  ({ sim } = await simulatedServer(k, ids.cluster!, { name: 'tpa1-ast1' }));
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('hot-desk phones', () => {
  it('name an extension of the cluster with a desk and an emergency caller ID; bad desk text and caller IDs are refused, naming the field', async () => {
    const p = await k.admin.create(`${P}/phones`, { clusterId: ids.cluster, extensionId: ids['5812'], desk: 'Desk 17, 2nd floor', emergencyCallerId: '"Desk 17" <+13055550117>' });
    ids.phone = p.id;
    expect(p).toMatchObject({ tenantId: 1, siteId: expect.any(Number), desk: 'Desk 17, 2nd floor' });
    ids.phone1 = (await k.admin.create(`${P}/phones`, { clusterId: ids.cluster, extensionId: ids['5811'], desk: 'Desk 13', emergencyCallerId: '<+13055550113>' })).id;
    for (const desk of ['Desk 1\n[evil]', 'Desk; 1', '${EXTEN}', '', ' leading space', 'x'.repeat(81)]) {
      const bad = await k.admin.json('POST', `${P}/phones`, { clusterId: ids.cluster, extensionId: ids['6102'], desk, emergencyCallerId: '<911>' });
      expect(bad.status, desk).toBe(422);
      expect(bad.body.problems.map((x: any) => x.field), desk).toEqual(['desk']);
    }
    for (const cid of ['"Desk" <1,s>', 'Desk 13', '"a\nb" <1>', '"x" <12)3>']) {
      const bad = await k.admin.json('POST', `${P}/phones`, { clusterId: ids.cluster, extensionId: ids['6102'], desk: 'Desk 9', emergencyCallerId: cid });
      expect(bad.body.problems?.map((x: any) => x.field), cid).toEqual(['emergencyCallerId']);
    }
    const none = await k.admin.json('POST', `${P}/phones`, { clusterId: ids.cluster, extensionId: 99999, desk: 'Desk 9', emergencyCallerId: '<1>' });
    expect(none.body.problems).toEqual([{ field: 'extensionId', message: 'no extension 99999' }]);
    const far = await k.admin.json('POST', `${P}/phones`, { clusterId: ids.cluster, extensionId: ids['7101'], desk: 'Desk 9', emergencyCallerId: '<1>' });
    expect(far.body.problems).toEqual([{ field: 'extensionId', message: 'extension 7101 is on another cluster' }]);
    const twice = await k.admin.json('POST', `${P}/phones`, { clusterId: ids.cluster, extensionId: ids['5812'], desk: 'Desk 9', emergencyCallerId: '<1>' });
    expect(twice.body.problems).toEqual([{ field: 'extensionId', message: expect.stringMatching(/already used/) }]);
  });

  it('commit: a hot-desk phone\'s endpoint calls from its own context, with the phone\'s basic rights while nobody is logged in', async () => {
    await commit();
    const pjsip = readFileSync(join(sim.configRoot, 'acm/pjsip.acm.conf'), 'utf8');
    expect(pjsip.slice(pjsip.indexOf('[5812]')).split('\n\n')[0]).toContain('context = hotdesk-5812');
    expect(pjsip.slice(pjsip.indexOf('[6109]')).split('\n\n')[0]).not.toContain('hotdesk');
    expect(callFrom('5812', '3055550100').dial).toBe('PJSIP/3055550100@telnyx'); // local: the phone may
    const ld = callFrom('5812', '13055550100');
    expect(ld.dial).toBeUndefined(); // long distance: the phone may not
    const sos = callFrom('5812', '911');
    expect([sos.dial, sos.cid, sos.name]).toEqual(['PJSIP/911@telnyx', '+13055550117', 'Desk 17']);
  });
});

describe('log-in and log-out', () => {
  it('from the API: AstDB names the user at the phone; the phone calls with the user\'s caller ID, account code and rights; calls to the user ring the phone', async () => {
    const r = await k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user: '6109', phone: '5812' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ user: '6109', phone: '5812', source: 'api', servers: 1 });
    expect(db()).toEqual({ '/acm-hotdesk/phone/5812': '6109', '/acm-hotdesk/user/6109': '5812' });
    const ld = callFrom('5812', '13055550100');
    expect([ld.dial, ld.cid, ld.name, ld.account]).toEqual(['PJSIP/13055550100@telnyx', '6109', 'George Lopez', 'USSales']);
    const sos = callFrom('5812', '911');
    expect([sos.dial, sos.cid]).toEqual(['PJSIP/911@telnyx', '+13055550117']); // the desk's, logged in or not
    expect(callFrom('6102', '6109').dial).toBe('PJSIP/5812');
    expect(callFrom('6102', '6102').dial).toBe('PJSIP/6102'); // others ring as before
    const s = (await k.admin.json('GET', `${P}/sessions`)).body.items;
    expect(s).toEqual([expect.objectContaining({ user: '6109', phone: '5812', source: 'api' })]);
    const del = await k.admin.json('DELETE', `${P}/phones/${ids.phone}`);
    expect([del.status, JSON.stringify(del.body)]).toEqual([409, expect.stringMatching(/logged-in users/)]);
  });

  it('puts the sessions back into a server\'s AstDB after it lost them (a rebuilt server), and after an acm restart', async () => {
    sim.state.db.clear();
    expect((await k.admin.json('POST', `${P}/resync`, {})).body).toEqual({ sessions: 1 });
    expect(db()).toEqual({ '/acm-hotdesk/phone/5812': '6109', '/acm-hotdesk/user/6109': '5812' });
    sim.state.db.clear();
    await k.restart();
    await waitUntil(() => Object.keys(db()).length === 2, 'the resync at start');
    expect(callFrom('5812', '13055550100').cid).toBe('6109');
  });

  it('refuses an unknown extension, a phone that is no hot-desk phone, a user of another cluster and a user or phone in use, with typed errors', async () => {
    const login = (user: string, phone: string) => k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user, phone });
    let r = await login('9999', '5811');
    expect([r.status, r.body.problems]).toEqual([422, [{ field: 'user', message: 'no extension 9999' }]]);
    r = await login('6102', '5899');
    expect([r.status, r.body.problems]).toEqual([422, [{ field: 'phone', message: 'no extension 5899 on cluster tpa1' }]]);
    r = await login('6102', '6109');
    expect([r.status, r.body.detail ?? r.body.title]).toEqual([404, expect.stringMatching(/extension 6109 is not a hot-desk phone/)]);
    r = await login('7101', '5811');
    expect([r.status, r.body.problems]).toEqual([422, [{ field: 'user', message: 'extension 7101 is on cluster lon, not tpa1: a user logs in on the own cluster' }]]);
    r = await login('5811', '5812');
    expect(r.body.problems).toEqual([{ field: 'user', message: 'extension 5811 is a hot-desk phone, not a user' }]);
    r = await login('6109', '5811');
    expect([r.status, JSON.stringify(r.body)]).toEqual([409, expect.stringMatching(/6109 is logged in at another phone \(5812\): log out first/)]);
    r = await login('6102', '5812');
    expect([r.status, JSON.stringify(r.body)]).toEqual([409, expect.stringMatching(/phone 5812 is in use by 6109/)]);
    r = await k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user: '61;09', phone: '5812' });
    expect(r.body.problems.map((x: any) => x.field)).toEqual(['user']);
  });

  it('the status views: phones (desk, registered, in use by whom) and users (phone, caller ID, group, account code, cluster)', async () => {
    expect(sim.state.register('5811', 'sip:5811@127.0.0.1:5071')).toBe(true);
    const phones = (await k.admin.json('GET', `${P}/status/phones`)).body.items;
    expect(phones.find((p: any) => p.extension === '5812')).toMatchObject({ desk: 'Desk 17, 2nd floor', cluster: 'tpa1', group: 'hotdesk', registered: false, inUseBy: { extension: '6109', name: 'George Lopez' } });
    expect(phones.find((p: any) => p.extension === '5811')).toMatchObject({ desk: 'Desk 13', registered: true, inUseBy: null });
    const users = (await k.admin.json('GET', `${P}/status/users`)).body.items;
    expect(users.find((u: any) => u.extension === '6109')).toMatchObject({ phone: '5812', callerIdName: 'George Lopez', callerIdNumber: '6109', group: 'USSales', accountCode: 'USSales', cluster: 'tpa1' });
    expect(users.map((u: any) => u.extension)).toEqual(['6102', '6109']); // the phones are no users
  });

  it('from the CLI: logout deletes AstDB\'s keys and the phone has its own rights again; status lists who is where', async () => {
    expect(await runPluginCli(k, 'hotdesk', 'status', '--cluster', 'tpa1')).toMatch(/^6109\tat 5812\tsince .*\(api\)$/);
    expect(await runPluginCli(k, 'hotdesk', 'logout', '--cluster', 'tpa1', '--user', '6109')).toBe('logged out 6109');
    expect(db()).toEqual({});
    const ld = callFrom('5812', '13055550100');
    expect([ld.dial, ld.cid]).toEqual([undefined, '5812']);
    expect(callFrom('6102', '6109').dial).toBe('PJSIP/6109');
    expect(await runPluginCli(k, 'hotdesk', 'login', '6102', '5811', '--cluster', 'tpa1')).toBe('6102 logged in at 5811 (1 server(s))');
    expect((await k.admin.json('POST', `${P}/logout`, { clusterId: ids.cluster, phone: '5811' })).status).toBe(200);
    expect((await k.admin.json('POST', `${P}/logout`, { clusterId: ids.cluster, phone: '5811' })).status).toBe(404);
  });

  it('from the phone: *80 + own extension + voicemail PIN logs in (acm learns it from the UserEvent), *81 logs out; a wrong PIN or an unknown extension logs nobody in', async () => {
    const wrong = callFrom('5812', '*806109', ['1111', '2222', '3333']);
    expect([wrong.t.ended, wrong.t.played.filter((f) => f === 'vm-incorrect').length, wrong.t.played.at(-1)]).toEqual(['hangup', 3, 'vm-goodbye']);
    expect(db()).toEqual({});
    const unknown = callFrom('5812', '*809999', []);
    expect([unknown.t.ended, unknown.t.played]).toEqual(['hangup', ['pbx-invalid']]);
    const ok = callFrom('5812', '*806109', ['1234', '4321']);
    expect(ok.t.played).toEqual(['vm-password', 'vm-incorrect', 'vm-password', 'auth-thankyou', 'agent-loginok']);
    expect(db()).toEqual({ '/acm-hotdesk/phone/5812': '6109', '/acm-hotdesk/user/6109': '5812' });
    await waitUntil(async () => (await k.admin.json('GET', `${P}/sessions`)).body.items.some((s: any) => s.user === '6109' && s.source === 'phone'), 'the session from the UserEvent');
    expect(callFrom('5812', '13055550100').cid).toBe('6109');
    // Someone else at the phone: refused while it is in use.
    expect(callFrom('5812', '*806102', ['8642']).t.played).toEqual(['agent-alreadyon']);
    const out = callFrom('5812', '*81');
    expect(out.t.played).toEqual(['agent-loggedoff']);
    expect(db()).toEqual({});
    await waitUntil(async () => (await k.admin.json('GET', `${P}/sessions`)).body.items.length === 0, 'the session ended by the UserEvent');
  });

  it('tells browsers over /api/events who is logged in where after each log-in and log-out', async () => {
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const msgs: any[] = [];
    const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${token}`);
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    const plugin = () => msgs.filter((m) => m.type === 'plugin' && m.plugin === 'hotdesk');
    try {
      await waitUntil(() => msgs.some((m) => m.type === 'hello'), 'the hello message');
      await k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user: '6102', phone: '5811' });
      await waitUntil(() => plugin().length === 1, 'the sessions event');
      expect(plugin()[0]).toMatchObject({ event: 'sessions', tenantId: 1, clusterId: ids.cluster, data: { clusterId: ids.cluster, sessions: [{ phoneId: ids.phone1, userExtensionId: ids['6102'] }] } });
      await k.admin.json('POST', `${P}/logout`, { clusterId: ids.cluster, user: '6102' });
      await waitUntil(() => plugin().length === 2, 'the event after the log-out');
      expect(plugin()[1].data.sessions).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('logs everybody out at the set time of day (the site\'s timezone), once a day', async () => {
    await k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user: '6109', phone: '5812' });
    expect((await k.admin.json('POST', `${P}/auto-logout/run`, { at: '2026-12-03T17:59:00Z' })).body).toEqual({ loggedOut: 0 });
    expect((await k.admin.json('POST', `${P}/auto-logout/run`, { at: '2026-12-03T18:00:30Z' })).body).toEqual({ loggedOut: 1 });
    expect(db()).toEqual({});
    await k.admin.json('POST', `${P}/login`, { clusterId: ids.cluster, user: '6109', phone: '5812' });
    expect((await k.admin.json('POST', `${P}/auto-logout/run`, { at: '2026-12-03T19:00:00Z' })).body).toEqual({ loggedOut: 0 }); // done today
    expect((await k.admin.json('POST', `${P}/logout`, { clusterId: ids.cluster, user: '6109' })).status).toBe(200);
  });
});
