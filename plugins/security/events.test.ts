/**
 * Asterisk 20 security events (recorded from a real server) replayed through the simulator's AMI
 * into acm: counted per source address, routed as alerts, and ExpectedResponse/Challenge/Response
 * never shown by any answer of the plugin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { startTestKernel, type TestKernel } from '../../sdk/testing/kernel.ts';
import { waitUntil as until } from '../../sdk/testing/wait.ts';



/** The recorded events of fixtures/ami-ev-security.txt as [name, headers] (Event/Privilege dropped). */
function recordedEvents(): [string, [string, string][]][] {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'ami-ev-security.txt'), 'utf8');
  return text.split(/\r?\n\r?\n/).map((b) => b.split(/\r?\n/).filter(Boolean)).filter((l) => l[0]?.startsWith('Event: ')).map((lines) => {
    const name = lines[0]!.slice('Event: '.length);
    const headers = lines.slice(1).map((l) => { const i = l.indexOf(':'); return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string]; })
      .filter(([k]) => k !== 'Privilege')
      // The recording's client was 127.0.0.1, like acm's own AMI login here: give it its own address.
      .map(([k, v]) => [k, k === 'RemoteAddress' ? v.replace('/127.0.0.1/', '/192.0.2.10/') : v] as [string, string]);
    return [name, headers];
  });
}

let sim: SimulatedAsterisk;
let k: TestKernel;

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const ports = await sim.start({ sshPort: -1, authFailDelayMs: 50 });
  k = await startTestKernel({ connectServers: true, connection: { actionTimeoutMs: 2000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } } });
  expect((await k.admin.json('POST', '/api/plugins/enable', { id: 'security' })).status).toBe(200);
  const site = await k.admin.create('/api/sites', { name: 'evsite' });
  const cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'ev1' });
  await k.admin.create('/api/servers', { clusterId: cluster.id, name: 'ev1-ast1', host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1' });
  await k.acm.connections.sync();
  await until(() => k.acm.connections.status().some((s: any) => s.connected), 'the AMI connection');
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await sim?.stop();
});

describe('Asterisk security events from AMI', () => {
  it('counts the recorded events per source address without keeping their secrets', async () => {
    const events = recordedEvents();
    expect(events.length).toBe(16);
    const secrets = events.flatMap(([, h]) => h.filter(([key, v]) => ['ExpectedResponse', 'Response', 'Challenge'].includes(key) && v.length > 8).map(([, v]) => v));
    expect(secrets).toContain('d564240cfada39e2dc6d3cc5036d50e5');
    for (const [name, headers] of events) sim.emit(name, headers, 'security');

    const src = await until(async () => {
      const r = await k.admin.json('GET', '/api/plugins/security/sources');
      const s = (r.body.sources as any[]).find((x) => x.ip === '192.0.2.10');
      return s && Object.values(s.byEvent as Record<string, number>).reduce((a, b) => a + b, 0) === 16 ? s : null;
    }, 'all 16 events to be counted');
    expect(src.byEvent).toEqual({
      InvalidPassword: 1, InvalidAccountID: 3, FailedACL: 1, ChallengeResponseFailed: 3, SuccessfulAuth: 3, RequestBadFormat: 1, RequestNotAllowed: 1, ChallengeSent: 3,
    });
    expect(src).toMatchObject({ failures: 9, successes: 3 });
    expect(src.services.sort()).toEqual(['AMI', 'PJSIP']);
    expect(src.accounts).toEqual(expect.arrayContaining(['acmtest', 'nosuchuser', 'acmdeny', '6102', '6199']));

    const answers = await Promise.all(['/sources', '/alerts?minLevel=0&limit=1000', '/status', '/notifications', '/audit'].map((p) => k.admin.json('GET', `/api/plugins/security${p}`)));
    for (const a of answers) {
      expect(a.status).toBe(200);
      const text = JSON.stringify(a.body);
      for (const s of secrets) expect(text).not.toContain(s);
      expect(text).not.toMatch(/ExpectedResponse|"Challenge"|"Response"/);
    }
    const alerts = answers[1]!.body as any[];
    const fromSrc = alerts.filter((a) => a.srcIp === '192.0.2.10');
    // Failures are alerts (deduplicated per event and location); informational events only counters.
    expect(fromSrc.map((a) => a.ruleId).sort()).toEqual([
      'asterisk.ChallengeResponseFailed', 'asterisk.ChallengeResponseFailed', 'asterisk.FailedACL', 'asterisk.InvalidAccountID', 'asterisk.InvalidAccountID',
      'asterisk.InvalidPassword', 'asterisk.RequestBadFormat', 'asterisk.RequestNotAllowed',
    ]);
    const pjsipInvalid = fromSrc.find((a) => a.ruleId === 'asterisk.InvalidAccountID' && a.location.endsWith('PJSIP'));
    expect(pjsipInvalid).toMatchObject({ count: 2, level: 5, noc: true, notified: false, source: 'asterisk' });
    expect(fromSrc.find((a) => a.ruleId === 'asterisk.ChallengeResponseFailed' && a.location.endsWith('PJSIP'))).toMatchObject({ count: 2 });
    expect(fromSrc.find((a) => a.ruleId === 'asterisk.FailedACL')).toMatchObject({ level: 6, count: 1, user: 'acmdeny' });
  });

  it('raises one brute-force alert when a source crosses the threshold, deduplicating the rest', async () => {
    const attack = (port: number) => [['EventTV', '2026-11-23T08:01:22.831+0000'], ['Severity', 'Error'], ['Service', 'PJSIP'], ['EventVersion', '2'], ['AccountID', '6101'],
      ['SessionID', `x-${port}`], ['LocalAddress', 'IPV4/UDP/127.0.0.1/5060'], ['RemoteAddress', `IPV4/UDP/203.0.113.66/${port}`], ['Challenge', 'c'], ['ReceivedChallenge', 'c'], ['ReceivedHash', 'deadbeefdeadbeefdeadbeefdeadbeef']] as [string, string][];
    for (let i = 0; i < 12; i++) sim.emit('InvalidPassword', attack(5000 + i), 'security');
    const alerts = await until(async () => {
      const r = await k.admin.json('GET', '/api/plugins/security/alerts?view=noc');
      const rows = (r.body as any[]).filter((a) => a.srcIp === '203.0.113.66');
      const inv = rows.find((a) => a.ruleId === 'asterisk.InvalidPassword');
      return inv?.count === 12 ? rows : null;
    }, '12 InvalidPassword to be counted');
    const brute = alerts.filter((a) => a.ruleId === 'asterisk.brute-force');
    expect(brute).toHaveLength(1);
    expect(brute[0]).toMatchObject({ level: 10, count: 1, notified: true });
    expect(brute[0].description).toMatch(/^10 failed authentications from 203\.0\.113\.66/);
    const s = (await k.admin.json('GET', '/api/plugins/security/sources')).body;
    expect(JSON.stringify(s)).not.toContain('deadbeef');
    expect((s.sources as any[]).find((x) => x.ip === '203.0.113.66')).toMatchObject({ failures: 12, recentFailures: 12 });
    const tile = ((await k.admin.json('GET', '/api/plugins/status/tiles')).body as any[]).find((t) => t.id === 'security');
    expect(tile.state).toBe('red');
    expect(tile.summary).toMatch(/1 sources over the brute-force threshold/);
  });
});
