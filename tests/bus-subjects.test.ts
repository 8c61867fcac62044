import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { waitUntil } from '../sdk/testing/wait.ts';
import { busSubject, parseSubject, subjectMatches, subjectProblem } from '../sdk/bus.ts';
import { BROWSER_PATTERNS, commitProgressSubject, liveSubject, MODEL_CHANGED_SUBJECT, serverStatusSubject } from '../core/bus/subjects.ts';
import { BACKUP_SUBJECT } from '../core/backup/schedule.ts';
import { BATCH_PROGRESS_SUBJECT } from '../core/batch/batch.ts';
import { serverSubject } from '../core/asterisk/connections.ts';

describe('bus subjects', () => {
  it('builds acm.<tenant>.<cluster>.<server>.<source>.<event>, 0 where not tied to one', () => {
    expect(busSubject({ tenantId: 7, clusterId: 3, serverId: 5 }, 'ha', 'state')).toBe('acm.7.3.5.ha.state');
    expect(busSubject({ tenantId: 7, clusterId: null }, 'security', 'notify')).toBe('acm.7.0.0.security.notify');
    expect(() => busSubject({}, 'ha', 'state.changed')).toThrow('bus subject "acm.0.0.0.ha.state.changed" does not follow');
  });

  it('names what is wrong with a subject', () => {
    expect(subjectProblem('acm.1.2.3.ami.Newchannel')).toBeNull();
    for (const bad of ['acm.live.extension', 'acm.commit.1', 'acm.x.2.3.ha.state', 'acm.1.2.3.ha.*', 'nats.1.2.3.ha.state', 'acm.01.2.3.ha.state']) {
      expect(subjectProblem(bad), bad).toBe('does not follow acm.<tenant>.<cluster>.<server>.<source>.<event>');
    }
    expect(subjectProblem('acm.1.2.3.ha.state', 'security')).toBe('is not under its own source "security"');
    expect(parseSubject('acm.7.3.5.ha.state')).toEqual({ tenantId: 7, clusterId: 3, serverId: 5, source: 'ha', event: 'state' });
    expect(parseSubject('acm.live.extension')).toBeNull();
  });

  it('every subject the core publishes follows the scheme and reaches the browser patterns', () => {
    const place = { tenantId: 2, clusterId: 4, serverId: 9 };
    const core = [
      MODEL_CHANGED_SUBJECT, BACKUP_SUBJECT, BATCH_PROGRESS_SUBJECT, `${serverSubject({ tenantId: 2, clusterId: 4, id: 9 })}.ami.Newchannel`,
      liveSubject(place, 'extension'), liveSubject(place, 'trunk'), serverStatusSubject(place), commitProgressSubject(place),
    ];
    for (const s of core) expect(subjectProblem(s), s).toBeNull();
    expect(subjectMatches(BROWSER_PATTERNS.live, liveSubject(place, 'extension'))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.live, liveSubject(place, 'trunk'))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.server, serverStatusSubject(place))).toBe(true);
    expect(subjectMatches(BROWSER_PATTERNS.commit, commitProgressSubject(place))).toBe(true);
    // AMI traffic is not forwarded as such.
    expect(Object.values(BROWSER_PATTERNS).some((p) => subjectMatches(p, 'acm.2.4.9.ami.Newchannel'))).toBe(false);
  });
});

describe('GET /api/events forwards the core subjects', () => {
  let k: TestKernel;
  beforeAll(async () => { k = await startTestKernel(); });
  afterAll(async () => { await k.stop(); });

  it('passes live, server, commit and batch messages to the browser, and no AMI traffic', async () => {
    const token = (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string;
    const msgs: { type: string }[] = [];
    const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${token}`);
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    await waitUntil(() => msgs.some((m) => m.type === 'hello'), 'the hello message');
    const place = { tenantId: 1, siteId: 1, clusterId: 1 };
    k.acm.bus.publish('acm.1.1.1.ami.Newchannel', { event: 'Newchannel', fields: {} });
    k.acm.bus.publish(liveSubject(place, 'extension'), { type: 'extension', id: 1, ...place, changes: {} });
    k.acm.bus.publish(serverStatusSubject({ ...place, serverId: 1 }), { serverId: 1, ...place, connected: true });
    k.acm.bus.publish(commitProgressSubject(place), { type: 'commit', ...place, step: 'render' });
    k.acm.bus.publish(BATCH_PROGRESS_SUBJECT, { kind: 'batch', done: 1, total: 2, username: 'admin' });
    await waitUntil(() => msgs.length >= 5, 'four forwarded messages');
    ws.close();
    expect(msgs.map((m) => m.type)).toEqual(['hello', 'extension', 'server', 'commit', 'batch']);
  });
});
