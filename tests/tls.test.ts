import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import pino from 'pino';
import { createAcm, type Acm } from '../core/app.ts';
import WebSocket from 'ws';
import { createHttpApp, listen } from '../core/http/server.ts';
import { attachEvents } from '../core/http/events.ts';
import { TlsConfigError, tlsSettings, type TlsSettings } from '../core/http/tls.ts';
import { startTestKernel, testDatabase, TEST_ADMIN_PASSWORD } from '../sdk/testing/kernel.ts';

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One HTTPS request that trusts only `ca` (the certificate acm generated). */
function httpsRequest(port: number, ca: Buffer, path: string, o: { method?: string; body?: unknown; cookie?: string } = {}): Promise<Answer> {
  return new Promise((resolveReq, reject) => {
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = https.request({
      host: '127.0.0.1', port, path, method: o.method ?? 'GET', ca, servername: 'localhost',
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(o.cookie ? { cookie: o.cookie } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolveReq({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A plain-HTTP request to the same port: resolves with the status, or the error a TLS-only port gives. */
function plainRequest(port: number): Promise<number | string> {
  return new Promise((done) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/api/health', timeout: 3000 }, (res) => {
      res.resume();
      done(res.statusCode!);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'acm-tls-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the certificate acm serves with', () => {
  it('generates a self-signed one on first start (0600 files) and reuses it after', async () => {
    const dataDir = join(dir, 'gen');
    const first = (await tlsSettings({ env: {}, dataDir }))!;
    expect(first.source).toBe('generated');
    for (const f of ['cert.pem', 'key.pem']) expect(statSync(join(dataDir, 'tls', f)).mode & 0o777).toBe(0o600);
    const x509 = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // The fingerprint printed at start is the one openssl (and a browser) shows.
    const openssl = execFileSync('openssl', ['x509', '-in', join(dataDir, 'tls', 'cert.pem'), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    expect(openssl.trim().split('=')[1]).toBe(first.fingerprint);
    const again = (await tlsSettings({ env: {}, dataDir }))!;
    expect(again).toMatchObject({ source: 'reused', fingerprint: first.fingerprint });
    // Once expired, it is replaced by a new one.
    const later = (await tlsSettings({ env: {}, dataDir, now: () => new Date(first.notAfter.getTime() + 1000) }))!;
    expect(later.source).toBe('generated');
    expect(later.fingerprint).not.toBe(first.fingerprint);
  }, 60_000);

  it('takes ACM_TLS_CERT and ACM_TLS_KEY, refusing half a configuration or a key of another certificate', async () => {
    const a = (await tlsSettings({ env: {}, dataDir: join(dir, 'a') }))!;
    const b = (await tlsSettings({ env: {}, dataDir: join(dir, 'b') }))!;
    const given = await tlsSettings({ env: { ACM_TLS_CERT: a.certFile, ACM_TLS_KEY: join(dir, 'a', 'tls', 'key.pem') }, dataDir: join(dir, 'unused') });
    expect(given).toMatchObject({ source: 'given', fingerprint: a.fingerprint });
    await expect(tlsSettings({ env: { ACM_TLS_CERT: a.certFile }, dataDir: join(dir, 'unused') })).rejects.toThrow('give both ACM_TLS_CERT and ACM_TLS_KEY');
    await expect(tlsSettings({ env: { ACM_TLS_KEY: a.certFile }, dataDir: join(dir, 'unused') })).rejects.toBeInstanceOf(TlsConfigError);
    const wrong = await tlsSettings({ env: { ACM_TLS_CERT: a.certFile, ACM_TLS_KEY: join(dir, 'b', 'tls', 'key.pem') }, dataDir: join(dir, 'unused') }).catch((e: Error) => e);
    expect(wrong).toBeInstanceOf(TlsConfigError);
    expect((wrong as Error).message).toContain('the key does not belong to the certificate');
    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await expect(tlsSettings({ env: { ACM_TLS_CERT: notPem, ACM_TLS_KEY: notPem }, dataDir: join(dir, 'unused') })).rejects.toBeInstanceOf(TlsConfigError);
    expect(b.fingerprint).not.toBe(a.fingerprint);
  }, 60_000);

  it('is plain HTTP only when asked: ACM_HTTP=1 or the demo', async () => {
    expect(await tlsSettings({ env: { ACM_HTTP: '1' }, dataDir: join(dir, 'http') })).toBeUndefined();
    expect(await tlsSettings({ env: {}, dataDir: join(dir, 'demo'), demo: true })).toBeUndefined();
    expect((await tlsSettings({ env: { ACM_HTTP: '0' }, dataDir: join(dir, 'http0') }))?.source).toBe('generated');
  }, 60_000);
});

describe('acm over HTTPS', () => {
  let acm: Acm;
  let server: Server;
  let tls: TlsSettings;
  let port: number;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await testDatabase();
    drop = db.drop;
    tls = (await tlsSettings({ env: {}, dataDir: db.dataDir }))!;
    acm = await createAcm({ dbUrl: db.dbUrl, dataDir: db.dataDir, adminPassword: TEST_ADMIN_PASSWORD, connectServers: false, logger: pino({ level: 'silent' }) });
    server = await listen(createHttpApp(acm), 0, '127.0.0.1', tls);
    attachEvents(server, acm);
    port = (server.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    server?.closeAllConnections();
    await acm?.close();
    await drop?.();
  });

  it('answers over TLS with HSTS, and sets the session cookie Secure, HttpOnly and SameSite=Strict', async () => {
    const health = await httpsRequest(port, tls.cert, '/api/health');
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const login = await httpsRequest(port, tls.cert, '/api/auth/login', { method: 'POST', body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = login.headers['set-cookie']![0]!;
    expect(cookie.split('; ').map((p) => p.toLowerCase()).slice(1).sort()).toEqual([expect.stringMatching(/^expires=/), 'httponly', 'path=/', 'samesite=strict', 'secure']);
    const session = cookie.split(';')[0]!;
    expect((await httpsRequest(port, tls.cert, '/api/auth/me', { cookie: session })).status).toBe(200);
    // Live events ride the same TLS port (wss://).
    const ws = new WebSocket(`wss://127.0.0.1:${port}/api/events`, { ca: tls.cert, headers: { cookie: session } });
    const hello = await new Promise<{ type: string }>((ok, fail) => {
      ws.once('message', (m: Buffer) => ok(JSON.parse(m.toString()) as { type: string }));
      ws.once('error', fail);
    });
    ws.close();
    expect(hello.type).toBe('hello');
    const logout = await httpsRequest(port, tls.cert, '/api/auth/logout', { method: 'POST', cookie: session });
    expect(logout.status).toBe(204);
    expect(logout.headers['set-cookie']![0]!.toLowerCase()).toContain('; secure');
  });

  it('refuses a client that does not trust the certificate, and plain HTTP', async () => {
    await expect(httpsRequest(port, Buffer.from(''), '/api/health').catch((e: NodeJS.ErrnoException) => { throw new Error(e.code); }))
      .rejects.toThrow(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
    const plain = await plainRequest(port);
    expect(plain).toMatch(/^E[A-Z]+$/); // a connection error (ECONNRESET), never an HTTP answer
  });

  it('over plain HTTP (tests, demo) sends no HSTS and no Secure flag', async () => {
    const k = await startTestKernel();
    try {
      const res = await k.client().json('POST', '/api/auth/login', { username: 'admin', password: TEST_ADMIN_PASSWORD });
      expect(res.status).toBe(200);
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('set-cookie')!.toLowerCase()).not.toContain('secure');
      expect(res.headers.get('set-cookie')!.toLowerCase()).toContain('httponly');
    } finally {
      await k.stop();
    }
  }, 60_000);
});

describe('acm serve', () => {
  const freePort = () => new Promise<number>((r) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => r(p));
    });
  });

  it('without a certificate generates one, serves HTTPS only, and prints its fingerprint', async () => {
    const dataDir = join(dir, 'serve');
    const port = await freePort();
    const child = spawn(process.execPath, [resolve(import.meta.dirname, '..', 'bin', 'acm.mjs'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      env: { ...process.env, ACM_DATA_DIR: dataDir, ACM_ADMIN_PASSWORD: 'serve-admin-password', ACM_LOG_LEVEL: 'warn', ACM_HTTP: '', ACM_TLS_CERT: '', ACM_TLS_KEY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`acm serve did not start: ${out}`)), 60_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/SHA-256 fingerprint .*\n/.test(out)) { clearTimeout(timer); ok(); }
        });
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => fail(new Error(`acm serve exited ${code}: ${out}`)));
      });
      const cert = readFileSync(join(dataDir, 'tls', 'cert.pem'));
      expect(out).toContain(`acm is running at https://127.0.0.1:${port}/`);
      expect(out).toContain(`(self-signed, generated)`);
      expect(out).toContain(`SHA-256 fingerprint ${new X509Certificate(cert).fingerprint256}`);
      const health = await httpsRequest(port, cert, '/api/health');
      expect(health.status).toBe(200);
      expect(health.headers['strict-transport-security']).toContain('max-age=');
      expect(await plainRequest(port)).toMatch(/^E[A-Z]+$/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
    }
  }, 90_000);
});
