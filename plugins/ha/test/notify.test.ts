/**
 * The HA messages through the core notifier (sdk/testing/notify.ts) to a real SMTP server
 * (smtp-server on 127.0.0.1) and a net-snmp trap receiver on 127.0.0.1: what arrives names the
 * group, the node, the VIP, the new state and the time; failures come back as `failed` (the
 * outbox retries them). SMTP AUTH, relays and the transports themselves: core/services/notifier.test.ts.
 */
import snmp from 'net-snmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNotifier, mailParts, smtpReceiver, trapReceiver, until, varbindsOf, type SmtpReceiver, type TrapReceiver,
} from '../../../sdk/testing/notify.ts';
import { emailText, haMessage, haTransports, TRAP_OID, VARBIND_OIDS, type Notice } from '../notify.ts';

const notice: Notice = {
  group: 'lon-pair', groupId: 1, node: 'lon-ast2', serverId: 2, instance: 'acm_1_voice_51', state: 'MASTER',
  message: 'lon-ast2: instance acm_1_voice_51 is now MASTER', at: '2026-01-05T10:00:03.000Z', vips: ['192.168.0.218/24'],
};

const notifier = createNotifier();
let smtp: SmtpReceiver;
let traps: TrapReceiver;

beforeAll(async () => {
  [smtp, traps] = await Promise.all([smtpReceiver(), trapReceiver('acm-traps')]);
});
afterAll(async () => {
  await Promise.all([smtp?.close(), traps?.close()]);
});

describe('email', () => {
  const email = () => ({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'acm HA <ha@example.com>', timeoutMs: 3000 });

  it('sends a message whose subject and body name the group, node, VIP, new state and time', async () => {
    expect(await notifier.send(haMessage('email', 'noc@example.com', notice), haTransports({ email: email() }))).toEqual({ status: 'sent' });
    const m = await until(() => smtp.mails.find((x) => x.to.includes('noc@example.com')), 5000, 'the mail');
    expect(m.from).toBe('ha@example.com');
    const { head, body } = mailParts(m);
    expect(head).toMatch(/^Subject: \[acm HA\] lon-pair: lon-ast2 acm_1_voice_51 MASTER$/m);
    expect(head).toMatch(/^X-acm-ha-state: MASTER$/im);
    expect(head).toMatch(/^X-acm-ha-group: lon-pair$/im);
    expect(body).toContain('HA group : lon-pair');
    expect(body).toContain('node     : lon-ast2');
    expect(body).toContain('VIP      : 192.168.0.218/24');
    expect(body).toContain('new state: MASTER');
    expect(body).toContain('time     : 2026-01-05T10:00:03.000Z');
    expect(emailText(notice)).toContain('lon-ast2: instance acm_1_voice_51 is now MASTER');
  });

  it('goes out only with a relay (the email setting, or the core one); else it stays pending', async () => {
    expect(notifier.channels(haTransports({}))).not.toContain('email');
    expect((await notifier.send(haMessage('email', 'late@example.com', notice), haTransports({}))).status).toBe('pending');
    expect(notifier.channels(haTransports({ email: email() }))).toContain('email');
    expect((await notifier.send(haMessage('email', 'late@example.com', notice), haTransports({ email: email() }))).status).toBe('sent');
    await until(() => smtp.mails.find((x) => x.to.includes('late@example.com')), 5000, 'the delivered mail');
  });
});

describe('SNMP traps', () => {
  it('a v2c trap carries the state change in the acm-ha varbinds', async () => {
    expect(await notifier.send(haMessage('snmp', traps.target, notice), haTransports({ snmp: { community: 'acm-traps', version: '2c' } }))).toEqual({ status: 'sent' });
    const t = await until(() => traps.traps.find((x) => x.pdu.type === snmp.PduType.TrapV2), 5000, 'the v2c trap');
    const vb = varbindsOf(t);
    expect(t.pdu.community).toBe('acm-traps');
    expect(vb['1.3.6.1.6.3.1.1.4.1.0']).toBe(TRAP_OID); // snmpTrapOID.0
    expect(TRAP_OID).toBe('1.3.6.1.4.1.32473.1.1.0.1');
    expect(vb[VARBIND_OIDS.group]).toBe('lon-pair');
    expect(vb[VARBIND_OIDS.node]).toBe('lon-ast2');
    expect(vb[VARBIND_OIDS.instance]).toBe('acm_1_voice_51');
    expect(vb[VARBIND_OIDS.state]).toBe('MASTER');
    expect(vb[VARBIND_OIDS.vips]).toBe('192.168.0.218/24');
    expect(vb[VARBIND_OIDS.time]).toBe('2026-01-05T10:00:03.000Z');
    expect(vb[VARBIND_OIDS.message]).toMatch(/is now MASTER/);
  });

  it('a v1 trap too; a bad target fails', async () => {
    const r = await notifier.send(haMessage('snmp', traps.target, { ...notice, state: 'FAULT', node: 'lon-ast1' }), haTransports({ snmp: { community: 'acm-traps', version: '1' } }));
    expect(r.status).toBe('sent');
    const t = await until(() => traps.traps.find((x) => x.pdu.type === snmp.PduType.Trap), 5000, 'the v1 trap');
    expect(varbindsOf(t)[VARBIND_OIDS.state]).toBe('FAULT');
    expect(varbindsOf(t)[VARBIND_OIDS.node]).toBe('lon-ast1');
    expect(await notifier.send(haMessage('snmp', 'not a host!', notice))).toMatchObject({ status: 'failed', error: expect.stringMatching(/bad snmp target/) });
  });
});

describe('syslog and webhook messages', () => {
  it('syslog: app acm-ha, MSGID the state, SD acmha@32473 without empty node/instance; webhook: the notice itself', () => {
    const group = haMessage('syslog', '127.0.0.1', { ...notice, node: null, instance: null, state: 'SYNC_CONFLICT' });
    expect(group).toMatchObject({ source: 'acm-ha', severity: 'warning', syslog: { msgId: 'SYNC_CONFLICT', sdId: 'acmha@32473' }, fields: { group: 'lon-pair', node: '', instance: '', state: 'SYNC_CONFLICT' } });
    expect(haMessage('syslog', '127.0.0.1', { ...notice, state: 'BACKUP' }).severity).toBe('info');
    expect(haMessage('webhook', 'http://127.0.0.1/', notice).data).toEqual(notice);
  });
});
