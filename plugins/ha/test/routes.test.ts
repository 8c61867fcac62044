/**
 * The HA routes against a kernel and two simulated Asterisk servers: node events collected into
 * ha_events once (also when the history is read again), published on the bus, delivered through
 * the outbox to syslog (a UDP listener), a webhook (a local HTTP server), email (an smtp-server)
 * and SNMP traps (a net-snmp receiver), SMS pending; the outbox per target;
 * /failover, /sync, /events (deploying the nodes' files is the commit: deploy-target.test.ts).
 */
import dgram from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import snmp, { type Notification, type Receiver } from 'net-snmp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { cliContext, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';


const HA = (smtpPort: number) => ({ id: 'ha', settings: {
  stateDir: '/var/lib/acm-ha', pollSeconds: 0, syncSeconds: 0,
  email: { host: '127.0.0.1', port: smtpPort, from: 'acm HA <ha@example.com>', timeoutMs: 3000 }, snmp: { community: 'acm-traps' },
} });
const P = '/api/plugins/ha';
let k: TestKernel;
const sims: SimulatedAsterisk[] = [];
const servers: Record<string, any>[] = [];
let group: Record<string, any>;
let udp: dgram.Socket;
const syslog: string[] = [];
let web: http.Server;
const hooks: any[] = [];
let hookStatus = 200;
const bus: { subject: string; data: any }[] = [];
let smtp: SMTPServer;
const mails: { to: string[]; data: string }[] = [];
let trapReceiver: Receiver;
let trapPort = 0;
const traps: Notification[] = [];

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms: ${what}`);
}
const writeState = (i: number, file: string, text: string) => {
  const dir = join(sims[i]!.fsRoot, 'var/lib/acm-ha');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
};
const ev = (at: string, instance: string, state: string, node = 'lon-ast1') => JSON.stringify({ at, node, type: 'INSTANCE', instance, state, priority: 150 });

beforeAll(async () => {
  udp = dgram.createSocket('udp4');
  udp.on('message', (m) => syslog.push(m.toString('utf8')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  web = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hooks.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body || 'null') });
      res.statusCode = hookStatus;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => { mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data }); cb(); });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
  trapPort = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  trapReceiver = snmp.createReceiver({ port: trapPort, address: '127.0.0.1', transport: 'udp4' }, (err, n) => { if (!err && n) traps.push(n); });
  trapReceiver.getAuthorizer().addCommunity('acm-traps');
  k = await startTestKernel({ plugins: [HA((smtp.server.address() as AddressInfo).port)] });
  k.acm.bus.subscribe('acm.>', (m) => { if (m.subject.includes('.ha.')) bus.push(m as never); });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  const cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  for (const name of ['ast1', 'ast2']) {
    const sim = new SimulatedAsterisk();
    const ports = await sim.start({ authFailDelayMs: 50, sshPort: 0 });
    sims.push(sim);
    servers.push(await k.admin.create('/api/servers', {
      clusterId: cluster.id, name: `lon-${name}`, host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      sshPort: ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1',
    }));
  }
  group = await k.admin.create(`${P}/groups`, { clusterId: cluster.id, name: 'lon-pair' });
  await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[0]!.id, priority: 150, interface: 'eth0', sourceAddress: '192.168.0.216' });
  await k.admin.create(`${P}/nodes`, { groupId: group.id, serverId: servers[1]!.id, priority: 100, interface: 'eth0', sourceAddress: '192.168.0.215' });
  await k.admin.create(`${P}/vips`, { groupId: group.id, kind: 'voice', address: '192.168.0.218', prefix: 24, virtualRouterId: 51 });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims) await s.stop();
  udp?.close();
  await new Promise((r) => web?.close(r));
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await new Promise<void>((r) => { if (!trapReceiver) return r(); trapReceiver.close(() => r()); setTimeout(r, 1000); });
});

describe('notifications', () => {
  it('validates targets per type', async () => {
    const bad = async (type: string, target: string) => (await k.admin.json('POST', `${P}/notify-targets`, { groupId: group.id, type, target })).body.problems?.[0]?.field;
    expect(await bad('syslog', 'not a host!')).toBe('target');
    expect(await bad('webhook', 'ftp://x/')).toBe('target');
    expect(await bad('webhook', 'http://user:pw@x/')).toBe('target');
    expect(await bad('email', 'nobody')).toBe('target');
    expect(await bad('sms', '0123')).toBe('target');
  });

  it('collected node events go to ha_events once, to the bus, and through the outbox to syslog, a webhook, email and SNMP; SMS waits', async () => {
    const port = (udp.address() as { port: number }).port;
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'syslog', target: `127.0.0.1:${port}` });
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'webhook', target: `http://127.0.0.1:${(web.address() as { port: number }).port}/hook` });
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'email', target: 'noc@example.com' });
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'sms', target: '+447700900123' });
    await k.admin.create(`${P}/notify-targets`, { groupId: group.id, type: 'snmp', target: `127.0.0.1:${trapPort}` });
    const inst = `acm_${group.id}_voice_51`;
    writeState(0, 'events.jsonl', `${ev('2026-01-05T10:00:00.000Z', inst, 'BACKUP')}\n${ev('2026-01-05T10:00:03.000Z', inst, 'MASTER')}\n`);
    expect((await k.admin.json('POST', `${P}/collect`)).status).toBe(200);
    const events = (await k.admin.json('GET', `${P}/events`)).body.items;
    expect(events.map((e: any) => e.state)).toEqual(['MASTER', 'BACKUP']);
    expect(events[0]).toMatchObject({ node: 'lon-ast1', instance: inst, at: '2026-01-05T10:00:03.000Z' });
    await until(() => syslog.length >= 2 && hooks.length >= 2 && mails.length >= 2 && traps.length >= 2, 8000, 'syslog, webhook, email and SNMP deliveries');
    // RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG; daemon.warning for MASTER
    const master = syslog.find((l) => l.includes('state="MASTER"'))!;
    expect(master).toMatch(/^<28>1 2026-01-05T10:00:03\.000Z \S+ acm-ha \d+ MASTER \[acmha@32473 group="lon-pair" node="lon-ast1" instance="acm_\d+_voice_51" state="MASTER"\] lon-ast1: instance acm_\d+_voice_51 is now MASTER$/);
    expect(syslog.find((l) => l.includes('state="BACKUP"'))).toMatch(/^<29>1 /);
    expect(hooks[0]).toMatchObject({ method: 'POST', url: '/hook', type: 'application/json' });
    expect(hooks.map((h) => h.body.state).sort()).toEqual(['BACKUP', 'MASTER']);
    expect(hooks[0].body).toMatchObject({ source: 'acm-ha', group: 'lon-pair', node: 'lon-ast1' });
    // email: subject and body name group, node, VIP, new state, time
    const mail = mails.find((m) => /Subject: .*MASTER/.test(m.data))!;
    expect(mail.to).toEqual(['noc@example.com']);
    expect(mail.data).toMatch(/^Subject: \[acm HA\] lon-pair: lon-ast1 acm_\d+_voice_51 MASTER$/m);
    expect(mail.data).toContain('VIP      : 192.168.0.218/24');
    expect(mail.data).toContain('time     : 2026-01-05T10:00:03.000Z');
    // SNMP: the v2c trap's varbinds carry the state text
    const states = traps.map((t) => t.pdu.varbinds.map((v) => (Buffer.isBuffer(v.value) ? v.value.toString('utf8') : String(v.value))));
    expect(states.map((v) => v.find((x) => ['MASTER', 'BACKUP'].includes(x))).sort()).toEqual(['BACKUP', 'MASTER']);
    expect(states.every((v) => v.includes('lon-pair') && v.includes('lon-ast1') && v.includes('192.168.0.218/24'))).toBe(true);
    await until(async () => (await k.admin.json('GET', `${P}/notifications?status=pending`)).body.items.every((n: any) => n.type === 'sms'), 5000, 'the outbox to settle');
    const out = (await k.admin.json('GET', `${P}/notifications`)).body.items;
    expect(out).toHaveLength(10);
    const by = (type: string) => out.filter((n: any) => n.type === type).map((n: any) => n.status);
    expect(by('syslog')).toEqual(['sent', 'sent']);
    expect(by('webhook')).toEqual(['sent', 'sent']);
    expect(by('email')).toEqual(['sent', 'sent']);
    expect(by('snmp')).toEqual(['sent', 'sent']);
    expect(by('sms')).toEqual(['pending', 'pending']);
    expect(out.find((n: any) => n.type === 'sms').lastError).toMatch(/no sms transport/);
    const perTarget = (await k.admin.json('GET', `${P}/notify-status`)).body.items;
    expect(perTarget.map((t: any) => [t.type, t.state, t.sent, t.pending])).toEqual([
      ['syslog', 'ok', 2, 0], ['webhook', 'ok', 2, 0], ['email', 'ok', 2, 0], ['sms', 'waiting', 0, 2], ['snmp', 'ok', 2, 0],
    ]);
    expect(bus.filter((m) => m.subject.endsWith('.ha.event')).map((m) => m.data.state).sort()).toEqual(['BACKUP', 'MASTER']);
  });

  it('the same history read again (rotation, acm restart) is not recorded or sent twice; a failing webhook is retried later', async () => {
    const inst = `acm_${group.id}_voice_51`;
    // A rotated/rewritten file: fewer lines than acm has read -> read from the start again.
    hookStatus = 500;
    writeState(0, 'events.jsonl', `${ev('2026-01-05T10:00:03.000Z', inst, 'MASTER')}\n`);
    await k.admin.json('POST', `${P}/collect`);
    writeState(0, 'events.jsonl', `${ev('2026-01-05T10:00:03.000Z', inst, 'MASTER')}\n${ev('2026-01-05T10:07:00.000Z', inst, 'FAULT')}\n`);
    await k.admin.json('POST', `${P}/collect`);
    const events = (await k.admin.json('GET', `${P}/events`)).body.items;
    expect(events.map((e: any) => e.state)).toEqual(['FAULT', 'MASTER', 'BACKUP']);
    const out = (await k.admin.json('GET', `${P}/notifications`)).body.items;
    expect(out).toHaveLength(15);
    await until(async () => (await k.admin.json('GET', `${P}/notifications?status=pending`)).body.items.find((n: any) => n.type === 'webhook' && n.attempts === 1), 5000, 'a failed webhook attempt');
    const failed = (await k.admin.json('GET', `${P}/notifications?status=pending`)).body.items.find((n: any) => n.type === 'webhook');
    expect(failed.lastError).toMatch(/HTTP 500/);
    expect(Date.parse(failed.nextAt)).toBeGreaterThan(Date.now());
    expect((await k.admin.json('GET', `${P}/notify-status`)).body.items.find((t: any) => t.type === 'webhook')).toMatchObject({ state: 'retrying', lastError: expect.stringMatching(/HTTP 500/) });
    expect(syslog.filter((l) => l.includes('state="FAULT"'))).toHaveLength(1);
    expect(syslog).toHaveLength(3);
    hookStatus = 200;
  });
});

describe('acm ha', () => {
  const run = async (...args: string[]) => {
    const { Command } = await import('commander');
    const ha = new Command('ha').exitOverride();
    for (const r of (k.acm as any).kernel.cliRegistrars().filter((x: any) => x.id === 'ha')) r.register(ha, cliContext());
    const lines: string[] = [];
    const orig = console.log;
    console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
    try { await ha.parseAsync(['node', 'ha', ...args]); } finally { console.log = orig; }
    return lines;
  };

  it('log prints the collected history of every node with timestamps (oldest first), per group, as JSON too', async () => {
    const out = await run('log', '-n', '3');
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^2026-01-05T10:00:00\.000Z\s+lon-pair\s+lon-ast1\s+acm_\d+_voice_51\s+BACKUP\s+lon-ast1: instance acm_\d+_voice_51 is now BACKUP$/);
    expect(out[2]).toMatch(/^2026-01-05T10:07:00\.000Z .* FAULT /);
    const json = JSON.parse((await run('log', '--json', '--group', 'lon-pair')).join('\n'));
    expect(json.map((e: any) => e.state)).toEqual(['BACKUP', 'MASTER', 'FAULT']);
    expect(json[0]).toMatchObject({ group: 'lon-pair', node: 'lon-ast1' });
  });

  it('lists, adds and deletes what is under a group (the resource kit\'s commands)', async () => {
    const added = JSON.parse((await run('sync-paths', 'add', '--set', `groupId=${group.id}`, '--set', 'path=/var/spool/asterisk/voicemail', '--json')).join('\n'));
    expect(added).toMatchObject({ groupId: group.id, clusterId: group.clusterId, path: '/var/spool/asterisk/voicemail', excludes: [] });
    expect((await run('sync-paths', 'list', '--json')).join('\n')).toContain('/var/spool/asterisk/voicemail');
    expect(await run('sync-paths', 'delete', String(added.id))).toEqual([`deleted sync-path ${added.id}`]);
    expect((await k.admin.json('GET', `${P}/sync-paths/${added.id}`)).status).toBe(404);
  });
});

describe('routes', () => {
  it('/failover runs the agent on the node, records the event and notifies; a non-member is refused', async () => {
    const bad = await k.admin.json('POST', `${P}/groups/${group.id}/failover`, { serverId: 9999 });
    expect(bad.status).toBe(422);
    const r = await k.admin.json('POST', `${P}/groups/${group.id}/failover`, { serverId: servers[0]!.id });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false); // no agent on the simulator
    const events = (await k.admin.json('GET', `${P}/events`)).body.items;
    expect(events[0]).toMatchObject({ state: 'FAILOVER', serverId: servers[0]!.id });
    expect(events[0].message).toMatch(/operator admin moved the services off/);
    await until(() => syslog.some((l) => l.includes('state="FAILOVER"')), 5000, 'FAILOVER on syslog');
  });

  it('/sync pauses without a single active node, then copies the active node\'s files over one SFTP session', async () => {
    await k.admin.create(`${P}/sync-paths`, { groupId: group.id, path: '/etc/asterisk', excludes: ['*.tmp'] });
    const inst = `acm_${group.id}_voice_51`;
    writeState(0, 'vrrp.json', JSON.stringify({ [inst]: { state: 'MASTER', at: new Date().toISOString() } }));
    writeState(1, 'vrrp.json', JSON.stringify({ [inst]: { state: 'MASTER', at: new Date().toISOString() } }));
    let r = await k.admin.json('POST', `${P}/groups/${group.id}/sync`, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ active: null, direction: 'stopped' });
    expect(r.body.paused).toMatch(/SPLIT BRAIN/);
    writeState(1, 'vrrp.json', JSON.stringify({ [inst]: { state: 'BACKUP', at: new Date().toISOString() } }));
    sims[0]!.writeConfig('only-on-active.conf', '; written on the active node\n');
    sims[0]!.writeConfig('scratch.tmp', 'excluded\n');
    r = await k.admin.json('POST', `${P}/groups/${group.id}/sync`, { full: true });
    expect(r.body).toMatchObject({ active: servers[0]!.id, direction: 'lon-ast1 -> lon-ast2' });
    expect(r.body.reports[0].errors).toEqual([]);
    expect(r.body.reports[0].copied).toEqual([{ peer: servers[1]!.id, path: '/etc/asterisk/only-on-active.conf' }]);
    expect(sims[1]!.readConfig('only-on-active.conf')).toBe('; written on the active node\n');
    expect(sims[1]!.readConfig('scratch.tmp')).toBeUndefined();
    expect((await k.admin.json('GET', `${P}/groups/${group.id}/sync`)).body.paths[0].last.errors).toEqual([]);
    expect((await k.admin.json('POST', `${P}/groups/${group.id}/sync`, { fast: true })).status).toBe(422);
  });
});
