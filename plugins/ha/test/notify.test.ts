/**
 * Email (nodemailer) against a real SMTP server (smtp-server on 127.0.0.1) and SNMP traps
 * (net-snmp) against a net-snmp trap receiver on 127.0.0.1: what arrives names the group, the
 * node, the VIP, the new state and the time; failures reject (the outbox retries them).
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import snmp, { type Notification, type Receiver } from 'net-snmp';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, emailText, sendEmail, sendSnmpTrap, TRAP_OID, VARBIND_OIDS, type Notice } from '../notify.ts';

const notice: Notice = {
  group: 'lon-pair', groupId: 1, node: 'lon-ast2', serverId: 2, instance: 'acm_1_voice_51', state: 'MASTER',
  message: 'lon-ast2: instance acm_1_voice_51 is now MASTER', at: '2026-01-05T10:00:03.000Z', vips: ['192.168.0.218/24'],
};

const mails: { from: string; to: string[]; data: string; user?: string }[] = [];
let smtp: SMTPServer;
let smtpPort = 0;
let receiver: Receiver;
let trapPort = 0;
const traps: Notification[] = [];

/** A free UDP port on 127.0.0.1 (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms: ${what}`);
}

beforeAll(async () => {
  smtp = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: true, logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === 'acm' && auth.password === 'smtp-Secret1') cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (smtp.server.address() as AddressInfo).port;

  trapPort = await freeUdpPort();
  receiver = snmp.createReceiver({ port: trapPort, address: '127.0.0.1', transport: 'udp4', includeAuthentication: true }, (err, n) => { if (!err && n) traps.push(n); });
  receiver.getAuthorizer().addCommunity('acm-traps');
});

afterAll(async () => {
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => { try { receiver.close(() => r()); } catch { r(); } setTimeout(r, 1000); });
});

describe('email (nodemailer over SMTP)', () => {
  const cfg = () => ({ host: '127.0.0.1', port: smtpPort, secure: false, from: 'acm HA <ha@example.com>', timeoutMs: 3000 });

  it('sends a message whose subject and body name the group, node, VIP, new state and time', async () => {
    await sendEmail(cfg(), 'noc@example.com', notice);
    const m = await until(() => mails.find((x) => x.to.includes('noc@example.com')), 5000, 'the mail');
    expect(m.from).toBe('ha@example.com');
    const [head, ...rest] = m.data.split(/\r?\n\r?\n/);
    const body = rest.join('\n\n').replace(/=\r?\n/g, '');
    expect(head).toMatch(/^Subject: \[acm HA\] lon-pair: lon-ast2 acm_1_voice_51 MASTER$/m);
    expect(head).toMatch(/^X-acm-ha-state: MASTER$/im);
    expect(body).toContain('HA group : lon-pair');
    expect(body).toContain('node     : lon-ast2');
    expect(body).toContain('VIP      : 192.168.0.218/24');
    expect(body).toContain('new state: MASTER');
    expect(body).toContain('time     : 2026-01-05T10:00:03.000Z');
    expect(emailText(notice)).toContain('lon-ast2: instance acm_1_voice_51 is now MASTER');
  });

  it('logs in with SMTP AUTH (password from the environment); wrong credentials and a dead relay reject', async () => {
    process.env.ACM_HA_TEST_SMTP_PASS = 'smtp-Secret1';
    await sendEmail({ ...cfg(), auth: { user: 'acm', passEnv: 'ACM_HA_TEST_SMTP_PASS' } }, 'auth@example.com', notice);
    const m = await until(() => mails.find((x) => x.to.includes('auth@example.com')), 5000, 'the authenticated mail');
    expect(m.user).toBe('acm');
    await expect(sendEmail({ ...cfg(), auth: { user: 'acm', pass: 'wrong' } }, 'x@example.com', notice)).rejects.toThrow(/Invalid|auth/i);
    await expect(sendEmail({ ...cfg(), auth: { user: 'acm', passEnv: 'ACM_HA_TEST_NO_SUCH_VAR' } }, 'x@example.com', notice)).rejects.toThrow(/no SMTP password/);
    await expect(sendEmail({ ...cfg(), port: await freeUdpPort() }, 'x@example.com', notice)).rejects.toThrow();
    delete process.env.ACM_HA_TEST_SMTP_PASS;
  });

  it('deliver(): email goes out only with an email setting (else it stays pending)', async () => {
    expect(await deliver('email', 'late@example.com', notice, {})).toBe(false);
    expect(await deliver('email', 'late@example.com', notice, { email: cfg() })).toBe(true);
    await until(() => mails.find((x) => x.to.includes('late@example.com')), 5000, 'the delivered mail');
  });
});

describe('SNMP traps (net-snmp)', () => {
  const varbinds = (n: Notification) => Object.fromEntries(n.pdu.varbinds.map((v) => [v.oid, Buffer.isBuffer(v.value) ? v.value.toString('utf8') : v.value]));

  it('a v2c trap carries the state change in the acm-ha varbinds', async () => {
    await sendSnmpTrap({ community: 'acm-traps', version: '2c' }, `127.0.0.1:${trapPort}`, notice);
    const t = await until(() => traps.find((x) => x.pdu.type === snmp.PduType.TrapV2), 5000, 'the v2c trap');
    const vb = varbinds(t);
    expect(t.pdu.community).toBe('acm-traps');
    expect(vb['1.3.6.1.6.3.1.1.4.1.0']).toBe(TRAP_OID); // snmpTrapOID.0
    expect(vb[VARBIND_OIDS.group]).toBe('lon-pair');
    expect(vb[VARBIND_OIDS.node]).toBe('lon-ast2');
    expect(vb[VARBIND_OIDS.instance]).toBe('acm_1_voice_51');
    expect(vb[VARBIND_OIDS.state]).toBe('MASTER');
    expect(vb[VARBIND_OIDS.vips]).toBe('192.168.0.218/24');
    expect(vb[VARBIND_OIDS.time]).toBe('2026-01-05T10:00:03.000Z');
    expect(vb[VARBIND_OIDS.message]).toMatch(/is now MASTER/);
  });

  it('a v1 trap too; a bad target rejects', async () => {
    await deliver('snmp', `127.0.0.1:${trapPort}`, { ...notice, state: 'FAULT', node: 'lon-ast1' }, { snmp: { community: 'acm-traps', version: '1' } });
    const t = await until(() => traps.find((x) => x.pdu.type === snmp.PduType.Trap), 5000, 'the v1 trap');
    expect(varbinds(t)[VARBIND_OIDS.state]).toBe('FAULT');
    expect(varbinds(t)[VARBIND_OIDS.node]).toBe('lon-ast1');
    await expect(sendSnmpTrap({ community: 'public', version: '2c' }, 'not a host!', notice)).rejects.toThrow(/bad SNMP target/);
  });
});
