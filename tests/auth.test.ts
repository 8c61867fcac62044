import { afterEach, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { startTestKernel, TEST_ADMIN_PASSWORD, type TestKernel } from '../sdk/testing/kernel.ts';

let k: TestKernel | undefined;
afterEach(async () => { await k?.stop(); k = undefined; });

const fastLockout = {
  auth: {
    account: { freeAttempts: 3, baseMs: 60_000, maxMs: 600_000, windowMs: 3_600_000, maxKeys: 1000 },
    address: { freeAttempts: 6, baseMs: 60_000, maxMs: 600_000, windowMs: 3_600_000, maxKeys: 1000 },
  },
};

describe('login', () => {
  it('sets an HttpOnly, SameSite session cookie and /api/auth/me answers', async () => {
    k = await startTestKernel();
    const res = await fetch(`${k.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^acm_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie.toLowerCase()).toContain('httponly');
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    const me = await k.admin.json('GET', '/api/auth/me');
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('answers every failure with the same 401 body', async () => {
    k = await startTestKernel();
    const c = k.client();
    const bodies = [];
    for (const body of [
      { username: 'admin', password: 'wrong' },
      { username: 'nobody', password: 'wrong' },
      { username: 'admin' },
      'not json at all',
    ]) {
      const res = await c.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(res.status).toBe(401);
      bodies.push(await res.text());
    }
    // Malformed JSON fails in the body parser before the route; it must still look identical.
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ type: 'urn:acm:unauthorized', title: 'Unauthorized', status: 401, detail: 'Authentication required', instance: '/api/auth/login' });
  });

  it('locks an account after repeated failures (429 with Retry-After), also for unknown names', async () => {
    k = await startTestKernel(fastLockout);
    const c = k.client();
    for (const user of ['admin', 'ghost']) {
      for (let i = 0; i < 3; i++) expect(await c.login(user, 'wrong')).toBe(401);
      const locked = await c.json('POST', '/api/auth/login', { username: user, password: user === 'admin' ? TEST_ADMIN_PASSWORD : 'x' });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const audit = await k.admin.json('GET', '/api/audit?q=auth.login');
    const actions = (audit.body.items as { action: string }[]).map((a) => a.action);
    expect(actions.filter((a) => a === 'auth.login.failed')).toHaveLength(6);
    expect(actions).toContain('auth.login.locked');
  });

  it('locks a client address that tries many accounts', async () => {
    k = await startTestKernel(fastLockout);
    const c = k.client();
    for (let i = 0; i < 6; i++) expect(await c.login(`user${i}`, 'wrong')).toBe(401);
    expect(await c.login('admin', TEST_ADMIN_PASSWORD)).toBe(429);
  });

  it('requires the TOTP code once enabled', async () => {
    k = await startTestKernel();
    const { body } = await k.admin.json('POST', '/api/auth/totp');
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(body.secret), digits: 6, period: 30, algorithm: 'SHA1' });
    const c = k.client();
    expect(await c.login('admin', TEST_ADMIN_PASSWORD)).toBe(401);
    expect(await c.login('admin', TEST_ADMIN_PASSWORD, '000000' === totp.generate() ? '111111' : '000000')).toBe(401);
    expect(await c.login('admin', TEST_ADMIN_PASSWORD, totp.generate())).toBe(200);
  });

  it('logs out and the cookie stops working', async () => {
    k = await startTestKernel();
    expect((await k.admin.json('GET', '/api/sites')).status).toBe(200);
    expect((await k.admin.fetch('/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await k.admin.json('GET', '/api/sites')).status).toBe(401);
  });

  it('issues API tokens for scripts', async () => {
    k = await startTestKernel();
    const { status, body } = await k.admin.json('POST', '/api/auth/tokens', { name: 'backup-script' });
    expect(status).toBe(201);
    expect(body.token).toMatch(/^acm_/);
    const res = await fetch(`${k.url}/api/sites`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(res.status).toBe(200);
    const bad = await fetch(`${k.url}/api/sites`, { headers: { authorization: 'Bearer acm_forged' } });
    expect(bad.status).toBe(401);
  });

  it('answers 401 without a session and 403 without the permission', async () => {
    k = await startTestKernel();
    expect((await k.client().json('GET', '/api/extensions')).status).toBe(401);
    expect((await k.admin.json('POST', '/api/users', { username: 'viv', password: 'viewer-password', role: 'viewer' })).status).toBe(201);
    const viewer = k.client();
    expect(await viewer.login('viv', 'viewer-password')).toBe(200);
    expect((await viewer.json('GET', '/api/extensions')).status).toBe(200);
    const denied = await viewer.json('POST', '/api/sites', { name: 'nope' });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toBe('missing permission core.site:write');
    expect((await viewer.json('POST', '/api/plugins/disable', { id: 'status' })).status).toBe(403);
  });

  it('health needs no login', async () => {
    k = await startTestKernel();
    const res = await fetch(`${k.url}/api/health`);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('users', () => {
  it('changes role, scope and password, ending the user\'s sessions, and refuses to lose the last admin', async () => {
    k = await startTestKernel();
    const created = await k.admin.json('POST', '/api/users', { username: 'bea', password: 'bea-password-1', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('passwordHash');
    const bea = k.client();
    expect(await bea.login('bea', 'bea-password-1')).toBe(200);
    expect((await bea.json('POST', '/api/sites', { name: 'x' })).status).toBe(403);
    const upd = await k.admin.json('PUT', `/api/users/${created.body.id}`, { role: 'admin', password: 'bea-password-2' });
    expect(upd.body).toMatchObject({ role: 'admin', username: 'bea' });
    expect((await bea.json('GET', '/api/sites')).status).toBe(401);
    expect(await bea.login('bea', 'bea-password-1')).toBe(401);
    expect(await bea.login('bea', 'bea-password-2')).toBe(200);
    expect((await bea.json('POST', '/api/sites', { name: 'x' })).status).toBe(201);
    const me = (await k.admin.json('GET', '/api/auth/me')).body;
    expect((await k.admin.json('DELETE', `/api/users/${me.userId}`)).status).toBe(409);
    expect((await bea.json('PUT', `/api/users/${created.body.id}`, { role: 'viewer' })).status).toBe(200);
    const last = await k.admin.json('PUT', `/api/users/${me.userId}`, { role: 'viewer' });
    expect(last.status).toBe(409);
    expect(last.body.detail).toBe('this is the last enabled admin');
    expect((await k.admin.json('DELETE', `/api/users/${created.body.id}`)).status).toBe(204);
    expect((await k.admin.json('GET', `/api/users/${created.body.id}`)).status).toBe(404);
  });
});
