/**
 * Minimal SIP UDP responder: answers OPTIONS with `200 OK` (RFC 3261 §8.2.6: Via, From, Call-ID
 * and CSeq copied, To copied with a tag added). Given the PBX state it also takes calls
 * (INVITE/ACK/BYE, sip-invite.ts). Other requests get `501 Not Implemented`; responses and
 * garbage are ignored.
 */
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import type { PbxState } from './state.ts';
import { parseSipRequest, SipCalls } from './sip-invite.ts';

export class SipUdpServer {
  private sock: dgram.Socket | undefined;
  private calls: SipCalls | undefined;
  port = 0;
  /** Number of SIP messages sent (answers, and BYEs of calls the simulator ends). */
  answered = 0;

  /** With the PBX state, INVITEs are taken as calls. */
  constructor(private readonly state?: PbxState) {}

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    const sock = dgram.createSocket('udp4');
    this.sock = sock;
    sock.on('message', (msg, rinfo) => {
      const text = msg.toString('utf8');
      const req = this.calls && parseSipRequest(text);
      const send = (t: string) => { this.answered++; sock.send(t, rinfo.port, rinfo.address); };
      if (req && this.calls!.handle(req, rinfo, send)) return;
      const reply = sipReply(text);
      if (!reply) return;
      this.answered++;
      sock.send(reply, rinfo.port, rinfo.address);
    });
    sock.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, host, () => resolve());
    });
    this.port = sock.address().port;
    if (this.state) this.calls = new SipCalls(this.state, { address: host, port: this.port });
    return this.port;
  }

  async stop(): Promise<void> {
    this.calls?.close();
    this.calls = undefined;
    const s = this.sock;
    this.sock = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** Build the reply to one SIP request, or undefined when it is not a request. */
export function sipReply(text: string): string | undefined {
  const [head] = text.split('\r\n\r\n');
  const lines = (head ?? '').split(/\r?\n/);
  const m = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const method = m[1];
  const hdrs = lines.slice(1);
  const pick = (names: string[]) => hdrs.filter((l) => names.includes(l.slice(0, l.indexOf(':')).trim().toLowerCase()));
  const via = pick(['via', 'v']);
  const from = pick(['from', 'f']);
  const to = pick(['to', 't']);
  const callId = pick(['call-id', 'i']);
  const cseq = pick(['cseq']);
  if (via.length === 0 || from.length === 0 || to.length === 0 || callId.length === 0 || cseq.length === 0) return undefined;
  let toLine = to[0] ?? '';
  if (!/;\s*tag=/i.test(toLine)) toLine += `;tag=${crypto.randomBytes(6).toString('hex')}`;
  const status = method === 'OPTIONS' ? '200 OK' : '501 Not Implemented';
  const out = [
    `SIP/2.0 ${status}`,
    ...via,
    ...from,
    toLine,
    ...callId,
    ...cseq,
    'Server: Asterisk PBX 20.20.1',
    'Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, MESSAGE, REFER',
    'Accept: application/sdp',
    'Content-Length: 0',
    '',
    '',
  ];
  return out.join('\r\n');
}
