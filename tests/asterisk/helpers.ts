/** Test helpers: raw AMI sockets and fixture access (fixtures are copies of real recordings). */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'asterisk20');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'latin1');
}

export function fixtureExists(name: string): boolean {
  return fs.existsSync(path.join(FIXTURES, name));
}

/** A raw TCP client that accumulates everything received. */
export class RawAmi {
  data = '';
  closed = false;
  private constructor(readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (this.data += d));
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => {});
  }

  static async connect(port: number): Promise<RawAmi> {
    const sock = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', () => resolve());
      sock.once('error', reject);
    });
    return new RawAmi(sock);
  }

  send(text: string): void {
    this.sock.write(text, 'latin1');
  }

  /** Wait until `pred(data)` or the timeout (bounded). */
  async waitFor(pred: (d: string) => boolean, timeoutMs = 2000): Promise<boolean> {
    const t0 = Date.now();
    while (!pred(this.data)) {
      if (Date.now() - t0 > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  /** Take everything received so far and clear the buffer. */
  take(): string {
    const d = this.data;
    this.data = '';
    return d;
  }

  close(): void {
    this.sock.destroy();
  }
}

export async function loginRaw(port: number, events = 'off'): Promise<RawAmi> {
  const c = await RawAmi.connect(port);
  await c.waitFor((d) => d.includes('\r\n'));
  c.send(`Action: Login\r\nActionID: l\r\nUsername: acmtest\r\nSecret: acmtest-Secret1\r\nEvents: ${events}\r\n\r\n`);
  await c.waitFor((d) => d.includes('Authentication accepted\r\n\r\n'));
  // FullyBooted / SuccessfulAuth may follow with events on.
  if (events === 'on') await c.waitFor((d) => d.includes('Event: SuccessfulAuth'), 500);
  else if (events.includes('system')) await c.waitFor((d) => d.includes('Status: Fully Booted\r\n\r\n'), 500);
  c.take();
  return c;
}

const VARYING = ['Timestamp', 'Uptime', 'LastReload', 'EventTV', 'SessionTV', 'SessionID', 'LocalAddress', 'RemoteAddress', 'CoreStartupDate', 'CoreStartupTime', 'CoreReloadDate', 'CoreReloadTime', 'LoginTime', 'ExpirationTime', 'RegExpire'];

/** Replace values that legitimately vary between runs. */
export function normalize(s: string): string {
  return s.replace(new RegExp(`^(${VARYING.join('|')}): [^\\r\\n]*`, 'gm'), '$1: <X>');
}

export function countFrames(s: string): number {
  return s.split('\r\n\r\n').length - 1;
}
