/**
 * Health probes of `acm ha check`, each bounded by a timeout and free of shell strings:
 * SIP OPTIONS over UDP (RFC 3261), AMI Login+Ping, TCP/ICMP reachability, interface state.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

export interface ProbeResult { ok: boolean; detail: string; ms: number }

const hex = (n: number) => randomBytes(n).toString('hex');
const hostPart = (h: string) => (net.isIPv6(h) ? `[${h}]` : h);

/** An RFC 3261 OPTIONS request (out of dialog, §11.1) from `local` to `target`. */
export function optionsRequest(o: { host: string; port: number; localHost: string; localPort: number; branch: string; tag: string; callId: string; cseq: number }): string {
  const target = `sip:${hostPart(o.host)}:${o.port}`;
  const local = `${hostPart(o.localHost)}:${o.localPort}`;
  return [
    `OPTIONS ${target} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local};branch=${o.branch};rport`,
    'Max-Forwards: 70',
    `From: "acm ha check" <sip:acm-ha@${hostPart(o.localHost)}>;tag=${o.tag}`,
    `To: <${target}>`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} OPTIONS`,
    `Contact: <sip:acm-ha@${local}>`,
    'Accept: application/sdp',
    'User-Agent: acm-ha-check',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** The status code of a response to our request (same Call-ID and CSeq), else undefined. */
export function responseStatus(text: string, callId: string, cseq: number): number | undefined {
  const lines = text.split(/\r?\n/);
  const m = /^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '');
  if (!m) return undefined;
  const value = (names: string[]) => { const l = lines.find((x) => names.includes(x.slice(0, x.indexOf(':')).trim().toLowerCase())); return l ? l.slice(l.indexOf(':') + 1).trim() : undefined; };
  if (value(['call-id', 'i']) !== callId) return undefined;
  if (!new RegExp(`^${cseq}\\s+OPTIONS$`, 'i').test(value(['cseq']) ?? '')) return undefined;
  return Number(m[1]);
}

/**
 * Sends OPTIONS and waits for a final response (any 2xx–6xx proves a live SIP stack; 1xx is
 * ignored). Retransmits on timer E (T1 = 500 ms, doubling) until `timeoutMs`.
 */
export function sipOptions(host: string, port: number, timeoutMs = 1500): Promise<ProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (!net.isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535) {
      resolve({ ok: false, detail: `bad SIP target ${host}:${port}`, ms: 0 });
      return;
    }
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const callId = `${hex(8)}@acm-ha`;
    const ids = { branch: `z9hG4bK${hex(8)}`, tag: hex(4), callId, cseq: 1 };
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (r: Omit<ProbeResult, 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      sock.close();
      resolve({ ...r, ms: Date.now() - started });
    };
    const deadline = setTimeout(() => finish({ ok: false, detail: `no answer to SIP OPTIONS from ${host}:${port} in ${timeoutMs} ms` }), timeoutMs);
    sock.on('error', (e) => finish({ ok: false, detail: `SIP OPTIONS to ${host}:${port}: ${e.message}` }));
    sock.on('message', (msg) => {
      const status = responseStatus(msg.toString('utf8'), callId, 1);
      if (status !== undefined && status >= 200) finish({ ok: true, detail: `SIP OPTIONS ${host}:${port} answered ${status}` });
    });
    sock.bind(0, net.isIPv6(host) ? '::' : '0.0.0.0', () => {
      const local = sock.address();
      const localHost = host.startsWith('127.') || host === '::1' ? host : local.address === '0.0.0.0' || local.address === '::' ? host : local.address;
      const req = Buffer.from(optionsRequest({ host, port, localHost, localPort: local.port, ...ids }));
      let interval = 500;
      const send = () => {
        if (done) return;
        sock.send(req, port, host, () => {});
        timer = setTimeout(send, interval);
        interval = Math.min(interval * 2, 4000);
      };
      send();
    });
  });
}

const AMI_SAFE = /^[^\r\n]{1,200}$/;

/** Logs in to AMI and sends Ping; ok on `Response: Success`. */
export function amiPing(o: { host: string; port: number; username: string; secret: string }, timeoutMs = 1500): Promise<ProbeResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    if (!AMI_SAFE.test(o.username) || !AMI_SAFE.test(o.secret)) {
      resolve({ ok: false, detail: 'AMI credentials must be one line', ms: 0 });
      return;
    }
    let buf = '';
    let stage: 'banner' | 'login' | 'ping' = 'banner';
    let done = false;
    const sock = net.connect({ host: o.host, port: o.port });
    const finish = (ok: boolean, detail: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (ok) sock.end('Action: Logoff\r\nActionID: acm-ha-3\r\n\r\n');
      sock.destroy();
      resolve({ ok, detail, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false, `no AMI Pong from ${o.host}:${o.port} in ${timeoutMs} ms (at ${stage})`), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('error', (e) => finish(false, `AMI ${o.host}:${o.port}: ${e.message}`));
    sock.on('close', () => finish(false, `AMI ${o.host}:${o.port} closed the connection at ${stage}`));
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (stage === 'banner') {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        if (!buf.startsWith('Asterisk Call Manager')) return finish(false, `not an AMI banner: ${buf.slice(0, nl).slice(0, 60)}`);
        buf = buf.slice(nl + 2);
        stage = 'login';
        sock.write(`Action: Login\r\nActionID: acm-ha-1\r\nUsername: ${o.username}\r\nSecret: ${o.secret}\r\nEvents: off\r\n\r\n`);
      }
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 4);
        const fields = new Map(frame.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
        if (stage === 'login' && fields.get('actionid') === 'acm-ha-1') {
          if (fields.get('response') !== 'Success') return finish(false, `AMI login refused: ${fields.get('message') ?? ''}`);
          stage = 'ping';
          sock.write('Action: Ping\r\nActionID: acm-ha-2\r\n\r\n');
        } else if (stage === 'ping' && fields.get('actionid') === 'acm-ha-2') {
          return finish(fields.get('response') === 'Success', `AMI Ping ${o.host}:${o.port}: ${fields.get('response')} ${fields.get('ping') ?? ''}`.trim());
        }
      }
    });
  });
}

/**
 * Whether a host answers: with a port, a TCP connect (a refusal also proves the host is up);
 * without, one ICMP echo (`ping -c1 -W<s> -n ADDR`, arguments only, the address checked first).
 */
export function reach(address: string, port?: number | null, timeoutMs = 1000): Promise<ProbeResult> {
  const started = Date.now();
  const done = (ok: boolean, detail: string): ProbeResult => ({ ok, detail, ms: Date.now() - started });
  if (!net.isIP(address)) return Promise.resolve(done(false, `not an IP address: ${JSON.stringify(address).slice(0, 60)}`));
  if (port) {
    return new Promise((resolve) => {
      const s = net.connect({ host: address, port, timeout: timeoutMs });
      const end = (ok: boolean, detail: string) => { s.destroy(); resolve(done(ok, detail)); };
      s.once('connect', () => end(true, `${address}:${port} reachable (TCP)`));
      s.once('timeout', () => end(false, `${address}:${port} unreachable (TCP timeout)`));
      s.once('error', (e: NodeJS.ErrnoException) => end(e.code === 'ECONNREFUSED', e.code === 'ECONNREFUSED' ? `${address} reachable (TCP refused)` : `${address}:${port} unreachable (${e.code})`));
    });
  }
  const wait = String(Math.max(1, Math.round(timeoutMs / 1000)));
  return new Promise<ProbeResult>((resolve) => {
    execFile('ping', [net.isIPv6(address) ? '-6' : '-4', '-c1', `-W${wait}`, '-n', address], { timeout: timeoutMs + 1000 }, (err) => {
      // Without a ping binary: a TCP connect to the echo port (a refusal proves the host is up).
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') { resolve(reach(address, 7, timeoutMs)); return; }
      resolve(done(!err, err ? `${address} unreachable (no ICMP echo reply)` : `${address} reachable (ICMP)`));
    });
  });
}

export const IFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

/** Whether a network interface exists and is administratively up (IFF_UP) with a carrier. */
export async function interfaceUp(name: string): Promise<ProbeResult> {
  const started = Date.now();
  if (!IFACE_NAME.test(name)) return { ok: false, detail: `bad interface name ${JSON.stringify(name).slice(0, 30)}`, ms: 0 };
  try {
    const flags = parseInt((await readFile(`/sys/class/net/${name}/flags`, 'utf8')).trim(), 16);
    const carrier = (await readFile(`/sys/class/net/${name}/carrier`, 'utf8').catch(() => '0')).trim();
    const ok = (flags & 1) === 1 && carrier === '1';
    return { ok, detail: `interface ${name} ${ok ? 'up' : (flags & 1) ? 'has no carrier' : 'down'}`, ms: Date.now() - started };
  } catch {
    return { ok: false, detail: `interface ${name} not found`, ms: Date.now() - started };
  }
}
