import { describe, expect, it } from 'vitest';
import pino from 'pino';
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
    notifier: { send: async () => ({ status: 'sent' }), channels: () => [] },
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

describe('notification retries', () => {
  it('a failed delivery is retried when due, up to MAX_ATTEMPTS; a missing transport is pending, not retried', async () => {
    let now = Date.parse('2026-01-05T10:00:00Z');
    const results: { status: 'sent' | 'pending' | 'failed'; error?: string }[] = [{ status: 'failed', error: 'webhook answered HTTP 502' }, { status: 'sent' }];
    const sent: any[] = [];
    const sec = new Security({
      settings: SecuritySettings.parse({ routing: { targets: [{ type: 'webhook', to: 'http://127.0.0.1:9/hook' }, { type: 'sms', to: '+447700900123' }] } }),
      logger: pino({ level: 'silent' }), em: () => { throw new Error('no db here'); }, bus: { publish: () => undefined, subscribe: () => () => undefined },
      model: { clusters: async () => [], servers: async () => [], snapshot: async () => { throw new Error('unused'); } },
      ssh: {} as any, audit: { record: async () => undefined, list: async () => [] },
      notifier: {
        channels: () => ['webhook'],
        send: async (m) => { sent.push(m); return m.channel === 'sms' ? { status: 'pending', error: 'no SMS gateway configured' } : results.shift()!; },
      },
      now: () => now,
    });
    const alert = { id: 1, source: 'wazuh', ruleId: '5712', level: 10, location: '/var/log/auth.log', srcIp: '203.0.113.45', description: 'brute force', time: null, firstSeen: '2026-01-05T10:00:00.000Z', lastSeen: '2026-01-05T10:00:00.000Z', count: 1, serverId: null, clusterId: null, agent: null, user: null, groups: [], noc: true, notified: true };
    (sec as any).notify(alert, 0);
    await sec.settle();
    const [hook, sms] = sec.outbox;
    expect(hook).toMatchObject({ status: 'retrying', attempts: 1, error: 'webhook answered HTTP 502', nextAt: '2026-01-05T10:00:30.000Z' });
    expect(sms).toMatchObject({ status: 'pending', attempts: 1, error: 'no SMS gateway configured' });
    sec.retryDue();
    await sec.settle();
    expect(sent).toHaveLength(2); // not due yet
    now += 30_000;
    sec.retryDue();
    await sec.settle();
    expect(sent).toHaveLength(3);
    expect(hook).toMatchObject({ status: 'sent', attempts: 2, error: null, sentAt: '2026-01-05T10:00:30.000Z' });
    expect(sms!.status).toBe('pending');
    expect(sec.stats).toMatchObject({ notificationsSent: 1, notificationsPending: 1, notificationsFailed: 0 });
  });
});
