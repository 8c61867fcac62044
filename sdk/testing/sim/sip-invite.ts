/**
 * Incoming calls for the simulated res_pjsip (recorded: sip-INVITE-anonymous-endpoint*.txt,
 * ami-ev-anonymous-endpoint*.txt). The endpoint of an INVITE is the one named like the From user
 * (res_pjsip_endpoint_identifier_user), else an endpoint named `anonymous`
 * (res_pjsip_endpoint_identifier_anonymous): it takes every unauthenticated call, with no
 * security event. With neither the request gets `401 Unauthorized` and the security events
 * InvalidAccountID + ChallengeSent. An identified endpoint with `auth` is always challenged
 * (digest answers are not checked). Accepted calls get 100 Trying, a channel
 * `PJSIP/<endpoint>-<n>` in the endpoint's context, and 200 OK; the simulator hangs up with a
 * BYE after the extension's Wait() time (capped at 30 s), or on the caller's BYE.
 */
import crypto from 'node:crypto';
import type { PbxState, SimChannel } from './state.ts';

export interface SipRequest {
  method: string;
  uri: string;
  headers: Array<[string, string]>;
  body: string;
}

export type SipSend = (text: string) => void;

interface Dialog {
  channel: SimChannel;
  invite: SipRequest;
  toTag: string;
  final: string;
  send: SipSend;
  timer?: NodeJS.Timeout;
  cseq: number;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };
const MAX_HOLD_MS = 30_000;

export function parseSipRequest(text: string): SipRequest | undefined {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const lines = head.split(/\r?\n/);
  const m = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Array<[string, string]> = [];
  for (const l of lines.slice(1)) {
    const colon = l.indexOf(':');
    if (colon <= 0) continue;
    const name = l.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[name] ?? name, l.slice(colon + 1).trim()]);
  }
  return { method: m[1]!, uri: m[2]!, headers, body: split < 0 ? '' : text.slice(split + 4) };
}

const all = (r: SipRequest, name: string) => r.headers.filter(([n]) => n === name).map(([, v]) => v);
const one = (r: SipRequest, name: string) => all(r, name)[0] ?? '';
/** The user part of a SIP URI or name-addr (`"Name" <sip:user@host>;tag=x`). */
export const sipUser = (v: string) => /sips?:([^@;>]+)@/.exec(v)?.[1] ?? '';
const displayName = (v: string) => /^\s*"([^"]*)"/.exec(v)?.[1] ?? /^\s*([^<"]+?)\s*</.exec(v)?.[1] ?? '';

export class SipCalls {
  private readonly dialogs = new Map<string, Dialog>();

  constructor(private readonly state: PbxState, private readonly local: { address: string; port: number }) {}

  /** Handles INVITE, ACK and BYE; false for any other method. */
  handle(req: SipRequest, from: { address: string; port: number }, send: SipSend): boolean {
    if (req.method === 'INVITE') this.invite(req, from, send);
    else if (req.method === 'BYE') this.bye(req, send);
    else if (req.method !== 'ACK') return false;
    return true;
  }

  /** Hang up every call (server stop). */
  close(): void {
    for (const d of this.dialogs.values()) this.end(d, false);
  }

  private get userAgent(): string {
    return this.state.pjsip.list('global')[0]?.options.user_agent ?? 'Asterisk PBX 20.20.1';
  }

  private invite(req: SipRequest, from: { address: string; port: number }, send: SipSend): void {
    const callId = one(req, 'call-id');
    const known = this.dialogs.get(callId);
    if (known) { send(known.final); return; } // a retransmission
    const fromUser = sipUser(one(req, 'from'));
    const named = this.state.pjsip.get('endpoint', fromUser);
    const endpoint = named ?? this.state.pjsip.get('endpoint', 'anonymous');
    const security = (event: string, severity: string, extra: Array<[string, string]>) => this.state.emitAmi(event, 'security', [
      ['EventTV', new Date().toISOString().replace('Z', '+0000')], ['Severity', severity], ['Service', 'PJSIP'], ['EventVersion', '1'],
      ...extra.slice(0, 1), ['SessionID', callId], ['LocalAddress', `IPV4/UDP/${this.local.address}/${this.local.port}`],
      ['RemoteAddress', `IPV4/UDP/${from.address}/${from.port}`], ...extra.slice(1),
    ]);
    if (!endpoint || (named && this.state.endpointAuths(named.name).length > 0)) {
      if (!endpoint) {
        security('InvalidAccountID', 'Error', [['AccountID', fromUser]]);
        this.state.log.push(`NOTICE res_pjsip/pjsip_distributor.c: Request 'INVITE' from '${one(req, 'from').replace(/;tag=.*$/, '')}' failed for '${from.address}:${from.port}' (callid: ${callId}) - No matching endpoint found`);
      }
      security('ChallengeSent', 'Informational', [['AccountID', endpoint ? endpoint.name : '<unknown>'], ['Challenge', '']]);
      const nonce = `${Math.floor(Date.now() / 1000)}/${crypto.randomBytes(16).toString('hex')}`;
      const branch = /branch=([^;]+)/.exec(one(req, 'via'))?.[1] ?? crypto.randomBytes(6).toString('hex');
      send(this.response(req, from, '401 Unauthorized', branch, [], '', [
        ['WWW-Authenticate', `Digest realm="asterisk",nonce="${nonce}",opaque="${crypto.randomBytes(8).toString('hex')}",algorithm=MD5,qop="auth"`],
      ]));
      return;
    }
    const context = endpoint.options.context || 'default';
    const exten = sipUser(req.uri);
    const extension = this.state.dialplan.match(context, exten);
    if (!extension) {
      this.state.log.push(`NOTICE res_pjsip_session.c: Call from '${endpoint.name}' (UDP:${from.address}:${from.port}) to extension '${exten}' rejected because extension not found in context '${context}'.`);
      send(this.response(req, from, '404 Not Found', crypto.randomUUID()));
      return;
    }
    send(this.response(req, from, '100 Trying', undefined));
    const channel = this.state.newChannel({
      name: `PJSIP/${endpoint.name}-${this.state.newChannelSuffix()}`, endpoint: endpoint.name, state: 4,
      callerIdNum: fromUser, callerIdName: displayName(one(req, 'from')), context, exten,
    });
    const toTag = crypto.randomUUID();
    const sdp = answerSdp(req.body, this.local.address);
    const final = sdp
      ? this.response(req, from, '200 OK', toTag, [
        ['Contact', `<sip:${this.local.address}:${this.local.port}>`],
        ['Allow', 'OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, MESSAGE, INFO, REFER'],
        ['Supported', '100rel, timer, replaces, norefersub'],
      ], sdp)
      : this.response(req, from, '488 Not Acceptable Here', toTag);
    const dialog: Dialog = { channel, invite: req, toTag, final, send, cseq: 1000 + crypto.randomInt(8000) };
    this.dialogs.set(callId, dialog);
    send(final);
    if (!sdp) { this.end(dialog, false); return; }
    this.state.setChannelState(channel, 6);
    // Asterisk hangs up when the dialplan ends: after the extension's Wait() time, here.
    const waits = extension.priorities.filter((p) => p.app.toLowerCase() === 'wait').reduce((s, p) => s + (Number(p.data) || 0), 0);
    dialog.timer = setTimeout(() => this.end(dialog, true), Math.min(MAX_HOLD_MS, waits * 1000 || MAX_HOLD_MS));
  }

  private bye(req: SipRequest, send: SipSend): void {
    const dialog = this.dialogs.get(one(req, 'call-id'));
    send(this.plainResponse(req, dialog ? '200 OK' : '481 Call/Transaction Does Not Exist'));
    if (dialog) this.end(dialog, false);
  }

  /** Hang up; with `sendBye` Asterisk ends the call (BYE to the caller's Contact). */
  private end(d: Dialog, sendBye: boolean): void {
    clearTimeout(d.timer);
    this.dialogs.delete(one(d.invite, 'call-id'));
    if (sendBye) {
      const target = /<([^>]+)>/.exec(one(d.invite, 'contact'))?.[1] ?? one(d.invite, 'contact');
      d.send([
        `BYE ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.local.address}:${this.local.port};rport;branch=z9hG4bKPj${crypto.randomUUID()}`,
        `From: ${one(d.invite, 'to')};tag=${d.toTag}`,
        `To: ${one(d.invite, 'from')}`,
        `Call-ID: ${one(d.invite, 'call-id')}`,
        `CSeq: ${d.cseq} BYE`,
        'Reason: Q.850;cause=16',
        'Max-Forwards: 70',
        `User-Agent: ${this.userAgent}`,
        'Content-Length:  0', '', '',
      ].join('\r\n'));
    }
    this.state.hangup(d.channel, 16);
  }

  /** A response as res_pjsip writes it: Via with rport/received, To with `toTag` (none for 100). */
  private response(
    req: SipRequest, from: { address: string; port: number }, status: string, toTag: string | undefined,
    extra: Array<[string, string]> = [], body = '', beforeServer: Array<[string, string]> = [],
  ): string {
    const via = all(req, 'via').map((v, i) => (i === 0 ? v.replace(/;rport(?=;|$)/, `;rport=${from.port};received=${from.address}`) : v));
    const to = one(req, 'to');
    return [
      `SIP/2.0 ${status}`, ...via.map((v) => `Via: ${v}`), `Call-ID: ${one(req, 'call-id')}`, `From: ${one(req, 'from')}`,
      `To: ${toTag && !/;\s*tag=/i.test(to) ? `${to};tag=${toTag}` : to}`, `CSeq: ${one(req, 'cseq')}`,
      ...beforeServer.map(([k, v]) => `${k}: ${v}`), `Server: ${this.userAgent}`,
      ...extra.map(([k, v]) => `${k}: ${v}`),
      ...(body ? ['Content-Type: application/sdp', `Content-Length: ${String(Buffer.byteLength(body)).padStart(5)}`] : ['Content-Length:  0']),
      '', body,
    ].join('\r\n');
  }

  private plainResponse(req: SipRequest, status: string): string {
    return [
      `SIP/2.0 ${status}`, ...all(req, 'via').map((v) => `Via: ${v}`), `Call-ID: ${one(req, 'call-id')}`, `From: ${one(req, 'from')}`,
      `To: ${one(req, 'to')}`, `CSeq: ${one(req, 'cseq')}`, `Server: ${this.userAgent}`, 'Content-Length:  0', '', '',
    ].join('\r\n');
  }
}

/** The SDP answer: PCMU if offered, else PCMA; undefined when neither is (488). */
function answerSdp(offer: string, address: string): string | undefined {
  const m = /^m=audio \d+ RTP\/AVP ([\d ]+)/m.exec(offer);
  const offered = (m?.[1] ?? '').trim().split(/\s+/);
  const pt = offered.includes('0') ? 0 : offered.includes('8') ? 8 : undefined;
  if (pt === undefined) return undefined;
  const session = /^o=\S+ (\d+) (\d+)/m.exec(offer);
  return [
    'v=0', `o=- ${session?.[1] ?? '0'} ${Number(session?.[2] ?? 0) + 2} IN IP4 ${address}`, 's=Asterisk', `c=IN IP4 ${address}`, 't=0 0',
    `m=audio ${10000 + 2 * crypto.randomInt(5000)} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${pt === 0 ? 'PCMU' : 'PCMA'}/8000`,
    'a=ptime:20', 'a=maxptime:140', 'a=sendrecv', '',
  ].join('\r\n');
}
