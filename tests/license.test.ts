import { afterEach, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { generateLicenseKeys, issueLicense, type LicensePayload } from '../core/licensing/license.ts';


const DAY = 86_400_000;
let k: TestKernel | undefined;
afterEach(async () => { await k?.stop(); k = undefined; });

/** A clock the test moves. */
function clock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => { t += ms; } };
}

const payload = (over: Partial<LicensePayload> = {}): LicensePayload => ({
  id: 'lic-1', customer: 'ACME Corp', type: 'full', features: ['*'], maxExtensions: null,
  issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: null, ...over,
});

describe('licensing', () => {
  it('starts a 30-day evaluation on first start', async () => {
    const c = clock();
    k = await startTestKernel({ now: c.now });
    const lic = (await k.admin.json('GET', '/api/license')).body;
    expect(lic).toMatchObject({ type: 'evaluation', daysRemaining: 30, valid: true, writable: true, features: ['*'] });
  });

  it('turns configuration read-only when the evaluation expires, keeping reads and data', async () => {
    const c = clock();
    k = await startTestKernel({ now: c.now });
    const site = await k.admin.create('/api/sites', { name: 'tpa' });
    c.advance(31 * DAY);
    const lic = (await k.admin.json('GET', '/api/license')).body;
    expect(lic).toMatchObject({ type: 'evaluation', daysRemaining: 0, valid: false, writable: false });
    const denied = await k.admin.json('POST', '/api/sites', { name: 'sfo' });
    expect(denied.status).toBe(403);
    expect(denied.body.type).toBe('urn:acm:license-read-only');
    expect(denied.body.detail).toMatch(/configuration is read-only: license expired on/);
    expect((await k.admin.json('PUT', `/api/sites/${site.id}`, { description: 'x' })).status).toBe(403);
    expect((await k.admin.json('DELETE', `/api/sites/${site.id}`)).status).toBe(403);
    const list = await k.admin.json('GET', '/api/sites');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: any) => s.name)).toEqual(['tpa']);
    // Plugins keep running (monitoring never stops).
    expect(k.acm.kernel.isActive('status')).toBe(true);
    expect((await k.admin.json('GET', '/api/plugins/status/tiles')).status).toBe(200);
  });

  it('installs a signed license and refuses a tampered one', async () => {
    const keys = generateLicenseKeys();
    const c = clock();
    k = await startTestKernel({ now: c.now, licenseKeys: [keys.publicKeyPem] });
    const text = issueLicense(keys.privateKeyPem, payload({ expiresAt: '2026-03-02T00:00:00.000Z', features: ['status', 'ha'] }));
    const tampered = text.replace('ACME Corp', 'ACME Corq');
    const bad = await k.admin.fetch('/api/license', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: tampered });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toBe('license signature is not valid for any trusted key');
    const other = generateLicenseKeys();
    const foreign = await k.admin.fetch('/api/license', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: issueLicense(other.privateKeyPem, payload()) });
    expect(foreign.status).toBe(400);
    const ok = await k.admin.fetch('/api/license', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ type: 'full', customer: 'ACME Corp', daysRemaining: 60, features: ['status', 'ha'], writable: true });
    expect(k.acm.license.allows('ha')).toBe(true);
    expect(k.acm.license.allows('fax')).toBe(false);
  });

  it('enforces the licensed number of extensions', async () => {
    const keys = generateLicenseKeys();
    k = await startTestKernel({ licenseKeys: [keys.publicKeyPem] });
    await k.acm.license.install(k.acm.orm.em.fork(), issueLicense(keys.privateKeyPem, payload({ maxExtensions: 2 })));
    const site = await k.admin.create('/api/sites', { name: 's' });
    const cl = await k.admin.create('/api/clusters', { siteId: site.id, name: 'c' });
    await k.admin.create('/api/extensions', { clusterId: cl.id, name: 'One', extension: '100' });
    await k.admin.create('/api/extensions', { clusterId: cl.id, name: 'Two', extension: '101' });
    const third = await k.admin.json('POST', '/api/extensions', { clusterId: cl.id, name: 'Three', extension: '102' });
    expect(third.status).toBe(403);
    expect(third.body.detail).toBe('the license allows 2 extensions');
  });
});
