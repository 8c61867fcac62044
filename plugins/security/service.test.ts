import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { OutboxInput } from '../../sdk/index.ts';
import { SecuritySettings } from './manifest.ts';
import { Security } from './service.ts';
import { POSTURE_SCRIPT } from './posture-script.ts';

const iptables = ['Chain INPUT (policy DROP 0 packets, 0 bytes)', ' pkts bytes target     prot opt in     out     source               destination',
  '   10   600 BLACKLIST  all  --  *      *       0.0.0.0/0            0.0.0.0/0', '', 'Chain BLACKLIST (1 references)',
  ' pkts bytes target     prot opt in     out     source               destination', '    4   240 DROP       all  --  *      *       203.0.113.9          0.0.0.0/0'].join('\n');

function fixture() {
  const execs: string[] = [];
  const audits: any[] = [];
  const server = { id: 7, tenantId: 1, siteId: 1, clusterId: 3, name: 'ast7', host: '10.0.0.7', enabled: true };
  const sec = new Security({
    settings: SecuritySettings.parse({}), logger: pino({ level: 'silent' }), em: () => { throw new Error('no db here'); },
    bus: { publish: () => undefined, subscribe: () => () => undefined },
    model: { clusters: async () => [{ id: 3, tenantId: 1, siteId: 1, name: 'c3' }], servers: async () => [server], snapshot: async () => { throw new Error('unused'); } },
    ssh: {
      exec: async (_id: number, cmd: string) => {
        execs.push(cmd);
        if (cmd === POSTURE_SCRIPT) return { code: 0, stdout: `@@acm f2b\nbash: fail2ban-client: command not found\n@@acm iptables-L\n${iptables}\n@@acm iptables-S\n-P INPUT DROP\n@@acm nft\n@@acm end\n`, stderr: '' };
        return { code: 0, stdout: '', stderr: '' };
      },
      readFile: async () => '[acm]\nsecret=123456\ndeny=0.0.0.0/0.0.0.0\npermit=0.0.0.0/0.0.0.0\n',
      writeFileAtomic: async () => undefined,
      session: async () => { throw new Error('no sessions in this test'); },
    },
    audit: { record: async (r) => { audits.push(r); }, list: async () => [] },
    outbox: { enqueue: async () => { throw new Error('unused'); }, list: async () => ({ items: [], total: 0, page: 1, pageSize: 50 }), useTransports: () => undefined, drain: async () => undefined },
  });
  const admin = { userId: 1, username: 'admin', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };
  return { sec, execs, audits, server, admin };
}

describe('posture collection and blacklist over SSH', () => {
  it('runs one fixed script, parses it, and reads manager.conf for AMI findings', async () => {
    const { sec, execs, server } = fixture();
    const p = await sec.collect(server as any);
    expect(execs).toEqual([POSTURE_SCRIPT]);
    expect(p.blacklist).toEqual({ chain: 'BLACKLIST', addresses: [{ address: '203.0.113.9', packets: 4, bytes: 240 }] });
    expect(p.iptables?.policies).toEqual({ INPUT: 'DROP' });
    expect(p.errors).toEqual(['f2b: bash: fail2ban-client: command not found']);
    expect(p.amiFindings.map((f) => [f.object.name, f.rule, f.severity])).toEqual([['acm@ast7', 'ami.permit-any', 'critical'], ['acm@ast7', 'ami.weak-secret', 'high']]);
    expect(JSON.stringify(p.amiFindings)).not.toContain('123456');
  });

  it('blacklists only validated addresses, audits the change, and refuses the rest before any SSH', async () => {
    const { sec, execs, audits, admin } = fixture();
    const r = await sec.blacklist(admin as any, '127.0.0.1', 7, 'add', '198.51.100.20');
    expect(r).toMatchObject({ address: '198.51.100.20', chain: 'BLACKLIST', ok: true });
    expect(execs[0]).toContain('iptables -w -I BLACKLIST -s 198.51.100.20 -j DROP');
    expect(audits).toEqual([expect.objectContaining({ action: 'security.blacklist.add', target: 'server', targetId: 7, username: 'admin', after: { address: '198.51.100.20', chain: 'BLACKLIST', ok: true } })]);
    await expect(sec.blacklist(admin as any, null, 7, 'add', '1.2.3.4; reboot')).rejects.toThrow(/address/);
    await expect(sec.blacklist(admin as any, null, 99, 'remove', '1.2.3.4')).rejects.toThrow(/no server 99/);
    const scoped = { ...admin, tenantId: 2 };
    await expect(sec.blacklist(scoped as any, null, 7, 'add', '1.2.3.4')).rejects.toThrow(/no server 7/);
    expect(execs).toHaveLength(1);
    expect(audits).toHaveLength(1);
  });
});

describe('alert notifications', () => {
  it('queue one outbox entry per target at or above its level, named after the alert; one that fails to queue leaves the others queued', async () => {
    const queued: OutboxInput[] = [];
    const published: any[] = [];
    const sec = new Security({
      settings: SecuritySettings.parse({ routing: { targets: [
        { type: 'webhook', to: 'http://127.0.0.1:9/hook?token=s3cret' }, { type: 'syslog', to: '192.0.2.9' },
        { type: 'sms', to: '+447700900123' }, { type: 'email', to: 'ciso@example.com', minLevel: 12 },
      ] } }),
      logger: pino({ level: 'silent' }), em: () => { throw new Error('no db here'); },
      bus: { publish: (subject, data) => { published.push({ subject, data }); }, subscribe: () => () => undefined },
      model: { clusters: async () => [], servers: async () => [], snapshot: async () => { throw new Error('unused'); } },
      ssh: {} as any, audit: { record: async () => undefined, list: async () => [] },
      outbox: {
        enqueue: async (input) => {
          if (input.channel === 'syslog') throw new Error('database is locked');
          queued.push(input);
          return {} as any;
        },
        list: async () => ({ items: [], total: 0, page: 1, pageSize: 50 }), useTransports: () => undefined, drain: async () => undefined,
      },
    });
    const alert = { id: 41, source: 'wazuh', ruleId: '5712', level: 10, location: '/var/log/auth.log', srcIp: '203.0.113.45', description: 'brute force', time: null, firstSeen: '2026-01-05T10:00:00.000Z', lastSeen: '2026-01-05T10:00:00.000Z', count: 1, serverId: null, clusterId: 3, agent: null, user: null, groups: [], noc: true, notified: true };
    await (sec as any).notify(alert, 1);
    expect(queued.map((q) => [q.channel, q.target, q.ref, q.dedupeKey, q.tenantId])).toEqual([
      ['webhook', 'http://127.0.0.1:9/hook?token=s3cret', 'alert:41', 'alert:41', 1],
      ['sms', '+447700900123', 'alert:41', 'alert:41', 1],
    ]);
    expect(queued[0]!.subject).toMatch(/^\[acm security\] level 10 wazuh:5712 from 203\.0\.113\.45: brute force$/);
    expect(queued[0]!.message).toMatchObject({ source: 'acm-security', severity: 'warning', data: { alert: { id: 41 } } });
    expect(queued[1]!.message).toMatchObject({ text: queued[1]!.subject });
    expect(published.map((m) => [m.subject, m.data.target.type])).toEqual([
      ['acm.1.3.0.security.notify', 'webhook'], ['acm.1.3.0.security.notify', 'syslog'], ['acm.1.3.0.security.notify', 'sms'],
    ]);
  });
});
