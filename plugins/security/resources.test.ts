/**
 * The blacklist and the notification targets through the kit's routes: 422s that name the field,
 * what a blacklist write runs on each server of its cluster (an SSH stand-in records it), the
 * expiry job, and an alert reaching a target created through the API — and not another tenant's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreServices, type SshService } from '../../sdk/index.ts';
import { provide, startTestKernel, type TestKernel } from '../../sdk/testing/kernel.ts';
import { until, webhookReceiver, type WebhookReceiver } from '../../sdk/testing/notify.ts';

const P = '/api/plugins/security';
const level10 = readFileSync(join(import.meta.dirname, 'fixtures', 'wazuh-alerts.json'), 'utf8').split('\n')[1]!;

let k: TestKernel;
let web: WebhookReceiver;
const execs: { serverId: number; cmd: string }[] = [];
/** Servers whose iptables refuses every change. */
const refusing = new Set<number>();
const ssh: SshService = {
  exec: async (serverId, cmd) => {
    execs.push({ serverId, cmd });
    return refusing.has(serverId) ? { code: 1, stdout: '', stderr: 'iptables: Permission denied' } : { code: 0, stdout: '', stderr: '' };
  },
  readFile: async () => { throw new Error('unused'); },
  writeFileAtomic: async () => { throw new Error('unused'); },
  session: async () => { throw new Error('unused'); },
};
let clusterId: number;
let otherClusterId: number;
let servers: { on: number; off: number; other: number };

async function post(path: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const r = await k.admin.json('POST', path, body);
  if (r.status !== 201) expect.fail(`POST ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
const fields = (body: any) => (body.problems as { field: string }[]).map((p) => p.field);
/** The commands run since `from`, per server: a write answers after its servers did. */
const ran = (from: number) => execs.slice(from).map((e) => [e.serverId, e.cmd]);

beforeAll(async () => {
  web = await webhookReceiver();
  k = await startTestKernel({ plugins: ['security'], services: [provide(coreServices.ssh, ssh)] });
  const site = await post('/api/sites', { name: 'sec-site' });
  clusterId = (await post('/api/clusters', { siteId: site.id, name: 'sec-a' })).id;
  otherClusterId = (await post('/api/clusters', { siteId: site.id, name: 'sec-b' })).id;
  servers = {
    on: (await post('/api/servers', { clusterId, name: 'a1', host: '10.7.0.1' })).id,
    off: (await post('/api/servers', { clusterId, name: 'a2', host: '10.7.0.2', enabled: false })).id,
    other: (await post('/api/servers', { clusterId: otherClusterId, name: 'b1', host: '10.7.1.1' })).id,
  };
  // Writing a server syncs its cluster's blacklist after a 300 ms pause: let that pass (nothing to add yet).
  await new Promise((r) => setTimeout(r, 600));
}, 60_000);

afterAll(async () => {
  await k?.stop();
  await web?.close();
});

describe('blacklist entries', () => {
  it('refuses what is not a narrow IPv4/IPv6 address or network, naming the field, before any SSH', async () => {
    const from = execs.length;
    for (const address of ['1.2.3.4; reboot', 'example.com', '10.0.0.0/255.0.0.0', '0.0.0.0/0', '127.0.0.1', '::ffff:192.0.2.1']) {
      const r = await k.admin.json('POST', `${P}/blacklist`, { clusterId, address });
      expect(r.status, address).toBe(422);
      expect(fields(r.body), address).toEqual(['address']);
    }
    const past = await k.admin.json('POST', `${P}/blacklist`, { clusterId, address: '192.0.2.1', expiresAt: '2020-01-01T00:00:00Z' });
    expect(fields(past.body)).toEqual(['expiresAt']);
    expect(execs.length).toBe(from);
  });

  it('a create reaches every enabled server of the cluster, and each outcome is audited', async () => {
    refusing.clear();
    const from = execs.length;
    const entry = await post(`${P}/blacklist`, { clusterId, address: '2001:DB8::9', reason: 'SIP scanner' });
    expect(entry).toMatchObject({ clusterId, address: '2001:db8::9', reason: 'SIP scanner', expiresAt: null });
    expect(ran(from)).toEqual([[servers.on, expect.stringContaining('ip6tables -w -I BLACKLIST -s 2001:db8::9 -j DROP')]]);
    const dup = await k.admin.json('POST', `${P}/blacklist`, { clusterId, address: '2001:db8::9' });
    expect(dup.status).toBe(422);
    expect(fields(dup.body)).toEqual(['address']);
    // The same address in another cluster is another entry.
    await post(`${P}/blacklist`, { clusterId: otherClusterId, address: '2001:db8::9' });
    const audit = (await k.admin.json('GET', '/api/audit?q=security.blacklist&pageSize=20')).body.items as any[];
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['security.blacklist-entry.create', 'security.blacklist.add']));
    expect(audit.find((a) => a.action === 'security.blacklist.add' && a.targetId === String(servers.on))?.after).toEqual({ address: '2001:db8::9', chain: 'BLACKLIST', ok: true });
  });

  it('an update that moves the address takes the old rule off and puts the new one on; a delete takes it off', async () => {
    const entry = await post(`${P}/blacklist`, { clusterId, address: '198.51.100.0/24' });
    let from = execs.length;
    const same = await k.admin.json('PUT', `${P}/blacklist/${entry.id}`, { reason: 'only the reason' });
    expect(same.status).toBe(200);
    const moved = await k.admin.json('PUT', `${P}/blacklist/${entry.id}`, { address: '198.51.100.7' });
    expect(moved.body).toMatchObject({ address: '198.51.100.7', reason: 'only the reason' });
    expect(ran(from)).toEqual([
      [servers.on, 'iptables -w -D BLACKLIST -s 198.51.100.0/24 -j DROP'],
      [servers.on, expect.stringContaining('iptables -w -I BLACKLIST -s 198.51.100.7 -j DROP')],
    ]);
    from = execs.length;
    expect((await k.admin.json('DELETE', `${P}/blacklist/${entry.id}`)).status).toBe(204);
    expect(ran(from)).toEqual([[servers.on, 'iptables -w -D BLACKLIST -s 198.51.100.7 -j DROP']]);
    expect((await k.admin.json('GET', `${P}/blacklist/${entry.id}`)).status).toBe(404);
  });

  it('a server that refuses the change keeps the entry and says so in the audit log', async () => {
    refusing.add(servers.on);
    const from = execs.length;
    await post(`${P}/blacklist`, { clusterId, address: '203.0.113.66/32' });
    expect(ran(from)).toEqual([[servers.on, expect.stringContaining('-I BLACKLIST -s 203.0.113.66 -j DROP')]]);
    const audit = (await k.admin.json('GET', '/api/audit?q=security.blacklist.add&pageSize=20')).body.items as any[];
    expect(audit.find((a) => a.after?.address === '203.0.113.66')?.after).toEqual({ address: '203.0.113.66', chain: 'BLACKLIST', ok: false });
    expect((await k.admin.json('GET', `${P}/blacklist?q=203.0.113.66`)).body.total).toBe(1);
    refusing.clear();
  });

  it('the expiry job deletes an entry whose time is up, through the kit: audited, and its rule comes off', async () => {
    const entry = await post(`${P}/blacklist`, { clusterId, address: '192.0.2.44', expiresAt: '2099-01-01T00:00:00Z' });
    const em = k.acm.orm.em.fork();
    await em.nativeUpdate('SecurityBlacklist', { id: entry.id }, { expiresAt: new Date(Date.now() - 1000) });
    const from = execs.length;
    // The job itself, as the kernel's timer would run it.
    const job = (k.acm as any).kernel.runtimes.get('security').jobs.find((j: { name: string }) => j.name === 'security.blacklist-expiry');
    await job.fn();
    expect(ran(from)).toEqual([[servers.on, 'iptables -w -D BLACKLIST -s 192.0.2.44 -j DROP']]);
    expect((await k.admin.json('GET', `${P}/blacklist/${entry.id}`)).status).toBe(404);
    const audit = (await k.admin.json('GET', '/api/audit?q=security.blacklist-entry.delete&pageSize=5')).body.items as any[];
    expect(audit[0]).toMatchObject({ username: 'security:expiry', before: expect.objectContaining({ address: '192.0.2.44' }) });
  });

  it('a server added to a cluster, or enabled, gets the entries the cluster already has', async () => {
    refusing.clear();
    const from = execs.length;
    const b2 = await post('/api/servers', { clusterId: otherClusterId, name: 'b2', host: '10.7.1.2' });
    await until(() => execs.slice(from).some((e) => e.serverId === b2.id), 5000, 'the new server synced');
    const onNew = execs.slice(from).filter((e) => e.serverId === b2.id).map((e) => e.cmd);
    expect(onNew).toEqual([expect.stringContaining('ip6tables -w -C BLACKLIST -s 2001:db8::9 -j DROP 2>/dev/null || ip6tables -w -I BLACKLIST -s 2001:db8::9 -j DROP')]);
    const enabling = execs.length;
    expect((await k.admin.json('PUT', `/api/servers/${servers.off}`, { enabled: true })).status).toBe(200);
    await until(() => execs.slice(enabling).some((e) => e.serverId === servers.off), 5000, 'the enabled server synced');
    expect(execs.slice(enabling).filter((e) => e.serverId === servers.off).map((e) => e.cmd)).toEqual([expect.stringContaining('iptables -w -I BLACKLIST -s 203.0.113.66 -j DROP')]);
    const audit = (await k.admin.json('GET', '/api/audit?q=security.blacklist.sync&pageSize=20')).body.items as any[];
    expect(audit.find((a) => a.targetId === String(b2.id))?.after).toEqual({ entries: 1, chain: 'BLACKLIST', ok: true });
    expect((await k.admin.json('PUT', `/api/servers/${servers.off}`, { enabled: false })).status).toBe(200);
  });
});

describe('notification targets', () => {
  it('refuses a target that does not fit its type, and a duplicate, naming the field', async () => {
    for (const [type, target] of [['syslog', 'not a host!'], ['sms', '0123'], ['webhook', 'http://user:pw@example.net/'], ['email', 'nobody']]) {
      const r = await k.admin.json('POST', `${P}/targets`, { type, target });
      expect(r.status, `${type} ${target}`).toBe(422);
      expect(fields(r.body)).toEqual(['target']);
    }
    await post(`${P}/targets`, { type: 'syslog', target: 'logs.example.net:1514', enabled: false });
    const dup = await k.admin.json('POST', `${P}/targets`, { type: 'syslog', target: 'logs.example.net:1514' });
    expect(dup.status).toBe(422);
    expect(fields(dup.body)).toEqual(['target']);
  });

  it('an alert goes to the enabled targets created through the API, not to a disabled one or another tenant\'s', async () => {
    const mine = await post(`${P}/targets`, { type: 'webhook', target: web.url('/mine') });
    expect(mine).toMatchObject({ type: 'webhook', enabled: true });
    await post(`${P}/targets`, { type: 'webhook', target: web.url('/disabled'), enabled: false });
    await post(`${P}/targets`, { type: 'webhook', target: web.url('/too-high'), minLevel: 12 });
    const other = await post('/api/tenants', { name: 'sec-other' });
    await post(`${P}/targets`, { tenantId: other.id, type: 'webhook', target: web.url('/other-tenant') });
    const r = await k.admin.json('POST', `${P}/alerts`, { text: level10 });
    expect(r.body).toMatchObject({ accepted: 1, alerts: [{ level: 10, notified: true }] });
    await until(() => (web.requests.length ? true : undefined), 5000, 'the webhook delivery');
    await new Promise((res) => setTimeout(res, 300)); // the others would be here by now
    expect(web.requests.map((q) => q.url)).toEqual(['/mine']);
    expect(web.requests[0]!.body).toMatchObject({ alert: { ruleId: '5712', level: 10 } });
  });
});
