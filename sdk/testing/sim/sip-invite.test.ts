import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../../../tests/asterisk/helpers.ts';
import { SimulatedAsterisk, type PbxState } from './index.ts';
import type { SimAmiEvent } from './state.ts';

/** The recorded exchange: each message with its direction (CRLF kept). */
function recorded(name: string): Array<{ dir: 'sent' | 'received'; text: string }> {
  return fixture(name).split(/^(>>> sent|<<< received)\r\n/m).slice(1).reduce<Array<{ dir: 'sent' | 'received'; text: string }>>((out, part, i, arr) => {
    if (i % 2 === 0) out.push({ dir: part === '>>> sent' ? 'sent' : 'received', text: arr[i + 1]!.replace(/\r\n\r\n$/, '\r\n\r\n') });
    return out;
  }, []);
}
const statusOf = (m: string) => m.split('\r\n')[0]!;
const headerNames = (m: string) => m.split('\r\n\r\n')[0]!.split('\r\n').slice(1).map((l) => l.slice(0, l.indexOf(':')));
const header = (m: string, name: string) => m.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim();

/** The recorded pjsip.conf (with [anonymous]) and the extension 6199 the call reached. */
const PJSIP_WITH_ANONYMOUS = /-----BEGIN FILE-----\r?\n([\s\S]*?)-----END FILE-----/.exec(fixture('sip-INVITE-anonymous-endpoint.notes.txt'))![1]!.replace(/\r\n/g, '\n');
const PJSIP_WITHOUT = PJSIP_WITH_ANONYMOUS.slice(0, PJSIP_WITH_ANONYMOUS.indexOf('; --- endpoint for unauthenticated calls'));
const EXTENSIONS = '[from-internal]\nexten => 6199,1,NoOp(anonymous test)\n same => n,Answer()\n same => n,Wait(2)\n same => n,Hangup()\n';

/** A bounded loopback UDP client. */
class Phone {
  readonly sock = dgram.createSocket('udp4');
  private queue: string[] = [];
  private waiting: ((m: string) => void) | undefined;
  constructor(private readonly port: number) {
    this.sock.on('message', (m) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (w) w(m.toString('utf8'));
      else this.queue.push(m.toString('utf8'));
    });
  }
  async open(): Promise<void> { await new Promise<void>((r) => this.sock.bind(0, '127.0.0.1', () => r())); }
  send(text: string): void { this.sock.send(text, this.port, '127.0.0.1'); }
  next(ms = 4000): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiting = undefined; reject(new Error('no SIP message')); }, ms);
      this.waiting = (m) => { clearTimeout(t); resolve(m); };
    });
  }
  close(): void { this.sock.close(); }
}

let sim: SimulatedAsterisk | undefined;
let phone: Phone | undefined;
afterEach(async () => {
  phone?.close();
  phone = undefined;
  await sim?.stop();
  sim = undefined;
});

async function start(pjsip: string, extensions = EXTENSIONS): Promise<{ state: PbxState; events: SimAmiEvent[] }> {
  sim = new SimulatedAsterisk();
  await sim.start({ sshPort: -1, sipPort: 0, authFailDelayMs: 10, registrations: {}, queues: {}, configFiles: { 'pjsip.conf': pjsip, 'extensions.conf': extensions } });
  const events: SimAmiEvent[] = [];
  sim.state.on('ami', (e: SimAmiEvent) => events.push(e));
  phone = new Phone(sim.ports.sip);
  await phone.open();
  return { state: sim.state, events };
}
const field = (e: SimAmiEvent | undefined, name: string) => e?.fields.find(([k]) => k === name)?.[1];

describe('SIP INVITE without authentication (FACTS 8)', () => {
  it('an endpoint named anonymous takes the call: 100, 200, PJSIP/anonymous-00000000 in from-internal, BYE after Wait(2)', async () => {
    const rec = recorded('sip-INVITE-anonymous-endpoint.txt');
    const { events } = await start(PJSIP_WITH_ANONYMOUS);
    phone!.send(rec[0]!.text);
    const trying = await phone!.next();
    const ok = await phone!.next();
    expect([statusOf(trying), statusOf(ok)]).toEqual([statusOf(rec[1]!.text), statusOf(rec[2]!.text)]);
    expect(headerNames(trying)).toEqual(headerNames(rec[1]!.text));
    expect(headerNames(ok)).toEqual(headerNames(rec[2]!.text));
    for (const h of ['Call-ID', 'From', 'CSeq', 'Server', 'Allow', 'Supported']) expect(header(ok, h), h).toBe(header(rec[2]!.text, h));
    expect(header(ok, 'Contact')).toBe(`<sip:127.0.0.1:${sim!.ports.sip}>`); // recorded: the server's 5060
    expect(header(ok, 'To')).toMatch(/^<sip:6199@127\.0\.0\.1>;tag=[0-9a-f-]{36}$/);
    expect(header(trying, 'Via')).toMatch(/;rport=\d+;received=127\.0\.0\.1;branch=z9hG4bK-25393-1-0$/);
    expect(ok.split('\r\n\r\n')[1]).toMatch(/^v=0\r\n[\s\S]*m=audio \d+ RTP\/AVP 0\r\na=rtpmap:0 PCMU\/8000\r\n/);

    const created = events.find((e) => e.name === 'Newchannel');
    expect(Object.fromEntries(created!.fields.filter(([k]) => ['Channel', 'ChannelState', 'CallerIDNum', 'CallerIDName', 'Context', 'Exten'].includes(k))))
      .toEqual({ Channel: 'PJSIP/anonymous-00000000', ChannelState: '4', CallerIDNum: '5550100', CallerIDName: 'Unknown Caller', Context: 'from-internal', Exten: '6199' });
    const recordedNewchannel = fixture('ami-ev-anonymous-endpoint.txt').split(/\r?\n\r?\n/).find((b) => b.startsWith('Event: Newchannel'))!;
    const recordedValues = Object.fromEntries(recordedNewchannel.split(/\r?\n/).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
    expect(created!.fields.map(([k]) => k)).toEqual(Object.keys(recordedValues).filter((k) => !['Event', 'Privilege', 'Timestamp', 'SystemName'].includes(k)));
    for (const k of ['Channel', 'ChannelState', 'CallerIDNum', 'CallerIDName', 'Context', 'Exten', 'Priority']) expect(field(created, k), k).toBe(recordedValues[k]);
    expect(events.filter((e) => e.privilege === 'security')).toEqual([]);

    phone!.send(rec[3]!.text); // ACK
    const bye = await phone!.next(3500);
    expect(statusOf(bye)).toBe(statusOf(rec[4]!.text)); // to the caller's Contact
    expect(headerNames(bye)).toEqual(headerNames(rec[4]!.text));
    expect(header(bye, 'Reason')).toBe('Q.850;cause=16');
    expect(field(events.find((e) => e.name === 'Hangup'), 'Cause')).toBe('16');
  });

  it('without it: 401 with InvalidAccountID + ChallengeSent and the "No matching endpoint" NOTICE, no channel', async () => {
    const rec = recorded('sip-INVITE-anonymous-endpoint-removed-401.txt');
    const { state, events } = await start(PJSIP_WITHOUT);
    phone!.send(rec[0]!.text);
    const res = await phone!.next();
    expect(statusOf(res)).toBe('SIP/2.0 401 Unauthorized');
    expect(headerNames(res)).toEqual(headerNames(rec[1]!.text));
    expect(header(res, 'To')).toBe(header(rec[1]!.text, 'To')); // tagged with the Via branch
    expect(header(res, 'WWW-Authenticate')).toMatch(/^Digest realm="asterisk",nonce="\d+\/[0-9a-f]{32}",opaque="[0-9a-f]{16}",algorithm=MD5,qop="auth"$/);

    const security = events.filter((e) => e.privilege === 'security');
    const recordedSecurity = fixture('ami-ev-anonymous-endpoint-removed-401.txt').split(/\r?\n\r?\n/)
      .filter((b) => /^Event: (InvalidAccountID|ChallengeSent)/.test(b))
      .map((b) => b.split(/\r?\n/).map((l) => l.split(': ')[0]!).filter((k) => !['Event', 'Privilege', 'Timestamp', 'SystemName'].includes(k)));
    expect(security.map((e) => e.name)).toEqual(['InvalidAccountID', 'ChallengeSent']);
    expect(security.map((e) => e.fields.map(([k]) => k))).toEqual(recordedSecurity);
    expect(security.map((e) => field(e, 'AccountID'))).toEqual(['5550100', '<unknown>']);
    expect(field(security[0], 'SessionID')).toBe('1-25403@127.0.0.1');
    expect(state.log.join('\n')).toContain(`Request 'INVITE' from '"Unknown Caller" <sip:5550100@127.0.0.1>' failed for '127.0.0.1:${phone!.sock.address().port}' (callid: 1-25403@127.0.0.1) - No matching endpoint found`);
    expect(events.some((e) => e.name === 'Newchannel')).toBe(false);
    expect(state.channels.size).toBe(0);
  });

  it('why acm refuses the name: a trunk rendered as [anonymous] lets any caller dial out from its context', async () => {
    // What acm rendered for a trunk named "anonymous" before the refusal (issue 12, fact 5).
    const trunk = [
      '[transport-udp]', 'type = transport', 'protocol = udp', 'bind = 127.0.0.1:5060', '',
      '[anonymous]', 'type = endpoint', 'transport = transport-udp', 'context = internal', 'disallow = all', 'allow = ulaw',
      'outbound_auth = anonymous', 'aors = anonymous', '',
      '[anonymous]', 'type = auth', 'auth_type = userpass', 'username = carrier-user', 'password = carrier-secret', '',
      '[anonymous]', 'type = aor', 'contact = sip:sip.carrier.example:5060', '',
    ].join('\n');
    const { events } = await start(trunk, '[internal]\nexten => _9011.,1,Dial(PJSIP/${FILTER(0-9*#+,${EXTEN:1})}@anonymous)\n');
    const invite = recorded('sip-INVITE-anonymous-endpoint.txt')[0]!.text
      .replaceAll('sip:6199@', 'sip:9011442071234567@').replaceAll('5550100', 'attacker').replace(/Call-ID: \S+/, 'Call-ID: fraud-1@127.0.0.1');
    phone!.send(invite);
    expect(statusOf(await phone!.next())).toBe('SIP/2.0 100 Trying');
    expect(statusOf(await phone!.next())).toBe('SIP/2.0 200 OK');
    const created = events.find((e) => e.name === 'Newchannel');
    expect([field(created, 'Channel'), field(created, 'Context'), field(created, 'Exten')]).toEqual(['PJSIP/anonymous-00000000', 'internal', '9011442071234567']);
    expect(events.filter((e) => e.privilege === 'security')).toEqual([]);
  });

  it('a retransmitted INVITE gets the same answer and no second channel; an unknown extension gets 404', async () => {
    const rec = recorded('sip-INVITE-anonymous-endpoint.txt');
    const { state } = await start(PJSIP_WITH_ANONYMOUS);
    phone!.send(rec[0]!.text);
    await phone!.next();
    const ok = await phone!.next();
    phone!.send(rec[0]!.text);
    expect(await phone!.next()).toBe(ok);
    expect(state.channels.size).toBe(1);
    phone!.send(rec[0]!.text.replaceAll('sip:6199@', 'sip:6198@').replace(/Call-ID: \S+/, 'Call-ID: other@127.0.0.1'));
    expect(statusOf(await phone!.next())).toBe('SIP/2.0 404 Not Found');
    expect(state.channels.size).toBe(1);
  });
});
