import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { seedSite } from './helpers/seed.ts';

let k: TestKernel;
let a: Awaited<ReturnType<typeof seedSite>>;
let b: Awaited<ReturnType<typeof seedSite>>;

beforeAll(async () => {
  k = await startTestKernel();
  a = await seedSite(k.admin, 'a');
  b = await seedSite(k.admin, 'b');
  for (let i = 0; i < 12; i++) {
    await k.admin.create('/api/extensions', { clusterId: a.cluster.id, groupId: a.group.id, name: `Agent ${String(i).padStart(2, '0')}`, extension: String(6100 + i), secret: 'sip-secret-123', mailbox: String(6100 + i), vmSecret: '4321' });
  }
  await k.admin.create('/api/extensions', { clusterId: b.cluster.id, name: 'Other Cluster', extension: '6100' });
}, 60_000);
afterAll(async () => { await k?.stop(); });

describe('CRUD', () => {
  it('creates with 201 and the id, and reads it back', async () => {
    const got = await k.admin.json('GET', `/api/clusters/${a.cluster.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: a.cluster.id, name: 'acl', siteId: a.site.id, tenantId: 1, vip: '10.0.0.10' });
  });

  it('never returns server or extension secrets', async () => {
    const server = (await k.admin.json('GET', `/api/servers/${a.servers[0]!.id}`)).body;
    expect(server).not.toHaveProperty('amiSecret');
    expect(server).not.toHaveProperty('sshPassword');
    expect(server).toMatchObject({ amiSecretSet: true, sshPasswordSet: true, sshPrivateKeySet: false });
    const list = await k.admin.json('GET', `/api/servers?clusterId=${a.cluster.id}`);
    expect(JSON.stringify(list.body)).not.toContain('topsecret');
    const ext = (await k.admin.json('GET', `/api/extensions?clusterId=${a.cluster.id}&pageSize=1`)).body.items[0];
    expect(ext).not.toHaveProperty('secret');
    expect(ext.secretSet).toBe(true);
  });

  it('paginates, sorts by any column and searches names and numbers', async () => {
    const p1 = (await k.admin.json('GET', `/api/extensions?clusterId=${a.cluster.id}&pageSize=5&sort=-extension`)).body;
    expect(p1.total).toBe(12);
    expect(p1.pageSize).toBe(5);
    expect(p1.items.map((e: any) => e.extension)).toEqual(['6111', '6110', '6109', '6108', '6107']);
    const p3 = (await k.admin.json('GET', `/api/extensions?clusterId=${a.cluster.id}&pageSize=5&page=3&sort=-extension`)).body;
    expect(p3.items.map((e: any) => e.extension)).toEqual(['6101', '6100']);
    const byName = (await k.admin.json('GET', '/api/extensions?q=agent%2003')).body;
    expect(byName.items.map((e: any) => e.name)).toEqual(['Agent 03']);
    const byNumber = (await k.admin.json('GET', '/api/extensions?q=6100&sort=clusterId')).body;
    expect(byNumber.items.map((e: any) => e.clusterId)).toEqual([a.cluster.id, b.cluster.id]);
    const literal = (await k.admin.json('GET', '/api/acls?q=aoff')).body;
    expect(literal.items.map((x: any) => x.name)).toEqual(['aoffice']);
    expect((await k.admin.json('GET', '/api/acls?q=a_ffice')).body.total).toBe(0);
    expect((await k.admin.json('GET', '/api/acls?q=%25')).body.total).toBe(0);
    const bad = await k.admin.json('GET', '/api/extensions?sort=secret');
    expect(bad.status).toBe(422);
    expect(bad.body.problems).toEqual([{ field: 'sort', message: 'cannot sort by "secret"' }]);
  });

  it('names each bad field with 422', async () => {
    const res = await k.admin.json('POST', '/api/extensions', {
      clusterId: a.cluster.id, name: 'Mallory', extension: '12a4', callerId: 'Alice <6101>\n[evil]', allow: 'ulaw,klingon', vmSecret: '12', colour: 'red',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = (res.body.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['allow', 'callerId', 'colour', 'extension', 'vmSecret']);
    const callerId = res.body.problems.find((p: any) => p.field === 'callerId');
    expect(callerId.message).toBe('must not contain a line break');
  });

  it('keeps extension numbers unique per cluster', async () => {
    const dup = await k.admin.json('POST', '/api/extensions', { clusterId: a.cluster.id, name: 'Dup', extension: '6100' });
    expect(dup.status).toBe(422);
    expect(dup.body.problems[0].field).toBe('extension');
    expect(dup.body.problems[0].message).toMatch(/"6100" is already used in this cluster/);
    const ok = await k.admin.json('POST', '/api/extensions', { clusterId: a.cluster.id, name: 'Feature', extension: '*97' });
    expect(ok.status).toBe(201);
    expect((await k.admin.json('DELETE', `/api/extensions/${ok.body.id}`)).status).toBe(204);
  });

  it('updates with PUT, re-validating the whole row', async () => {
    const ext = (await k.admin.json('GET', `/api/extensions?clusterId=${a.cluster.id}&q=6105`)).body.items[0];
    const upd = await k.admin.json('PUT', `/api/extensions/${ext.id}`, { callerId: 'Agent Five <6105>', dtmfMode: 'rfc4733' });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ callerId: 'Agent Five <6105>', dtmfMode: 'rfc4733', extension: '6105', secretSet: true });
    const clash = await k.admin.json('PUT', `/api/extensions/${ext.id}`, { extension: '6106' });
    expect(clash.status).toBe(422);
  });

  it('copies a row with overrides, without its secrets', async () => {
    const src = (await k.admin.json('GET', `/api/extensions?clusterId=${a.cluster.id}&q=6101`)).body.items[0];
    const copy = await k.admin.json('POST', `/api/extensions/${src.id}/copy`, { extension: '6150', name: 'New Hire', mailbox: '6150' });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ extension: '6150', name: 'New Hire', groupId: a.group.id, clusterId: a.cluster.id, secretSet: false });
    expect(copy.body.id).not.toBe(src.id);
    const again = await k.admin.json('POST', `/api/extensions/${src.id}/copy`, {});
    expect(again.status).toBe(422);
    const acl = await k.admin.json('POST', `/api/acls/${a.acl.id}/copy`, {});
    expect(acl.body.name).toBe('aoffice-copy');
  });

  it('refuses to delete a parent that still has children', async () => {
    const res = await k.admin.json('DELETE', `/api/clusters/${a.cluster.id}`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/still has 2 servers/);
  });

  it('records who changed what in the audit log, with before and after', async () => {
    const audit = (await k.admin.json('GET', '/api/audit?q=extension.update')).body;
    expect(audit.items[0]).toMatchObject({ username: 'admin', action: 'extension.update', target: 'extension' });
    expect(audit.items[0].before.callerId).toBeNull();
    expect(audit.items[0].after.callerId).toBe('Agent Five <6105>');
    expect(JSON.stringify(audit.items)).not.toContain('sip-secret-123');
  });

  it('finds changes in the audit log by the number and name people search for, not only by id', async () => {
    const byNumber = (await k.admin.json('GET', '/api/audit?q=6107')).body;
    expect(byNumber.items.map((e: { action: string }) => e.action)).toContain('extension.create');
    expect(byNumber.items.every((e: { label: string }) => e.label.includes('6107'))).toBe(true);
    expect(byNumber.items[0].label).toBe('6107 Agent 07');
    const byName = (await k.admin.json('GET', '/api/audit?q=other%20cluster')).body;
    expect(byName.items.map((e: { label: string }) => e.label)).toEqual(['6100 Other Cluster']);
  });

  it('404s for unknown ids and 422 for a missing parent', async () => {
    expect((await k.admin.json('GET', '/api/trunks/99999')).status).toBe(404);
    const orphan = await k.admin.json('POST', '/api/servers', { clusterId: 99999, name: 'x', host: '127.0.0.13' });
    expect(orphan.status).toBe(422);
    expect(orphan.body.problems).toEqual([{ field: 'clusterId', message: 'no cluster 99999' }]);
  });

  it('serves OpenAPI 3.1 generated from the same schemas', async () => {
    const doc = (await k.admin.json('GET', '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/extensions', '/api/extensions/{id}', '/api/extensions/{id}/copy', '/api/acls']));
    const ext = doc.components.schemas.ExtensionInput;
    expect(ext.required).toEqual(expect.arrayContaining(['clusterId', 'name', 'extension']));
    expect(ext.properties.dtmfMode.anyOf[0].enum).toContain('rfc4733');
    // A PUT names only what changes: nothing required, no defaults that would reset a stored value.
    const put = doc.paths['/api/trunks/{id}'].put.requestBody.content['application/json'].schema;
    expect(put).toEqual({ $ref: '#/components/schemas/TrunkInputPatch' });
    const patch = doc.components.schemas.TrunkInputPatch;
    expect(patch.required).toBeUndefined();
    expect(doc.components.schemas.TrunkInput.properties.register.default).toBe(false);
    expect(patch.properties.register).toEqual({ type: 'boolean' });
  });
});

describe('tenant and scope isolation', () => {
  let t2: { tenant: any; seed: Awaited<ReturnType<typeof seedSite>> };
  let tenantAdmin: ReturnType<TestKernel['client']>;
  let scoped: ReturnType<TestKernel['client']>;

  beforeAll(async () => {
    const tenant = await k.admin.create('/api/tenants', { name: 'hosted2' });
    t2 = { tenant, seed: await seedSite(k.admin, 'h', tenant.id) };
    await k.admin.create('/api/extensions', { clusterId: t2.seed.cluster.id, name: 'Hosted User', extension: '2001' });
    await k.admin.create('/api/users', { username: 'tadmin', password: 'tenant-admin-pw', role: 'admin', tenantId: 1 });
    await k.admin.create('/api/users', { username: 'desk', password: 'helpdesk-pw-1', role: 'helpdesk', tenantId: 1, scopes: [{ type: 'cluster', id: b.cluster.id }] });
    tenantAdmin = k.client();
    expect(await tenantAdmin.login('tadmin', 'tenant-admin-pw')).toBe(200);
    scoped = k.client();
    expect(await scoped.login('desk', 'helpdesk-pw-1')).toBe(200);
  });

  for (const things of ['sites', 'clusters', 'servers', 'groups', 'extensions', 'trunks', 'acls', 'tenants']) {
    it(`keeps other tenants' ${things} out of lists and item reads`, async () => {
      const all = (await k.admin.json('GET', `/api/${things}?pageSize=1000`)).body.items as { id: number; tenantId?: number }[];
      const foreign = all.filter((r) => (things === 'tenants' ? r.id : r.tenantId) === t2.tenant.id);
      expect(foreign.length).toBeGreaterThan(0);
      const mine = (await tenantAdmin.json('GET', `/api/${things}?pageSize=1000`)).body;
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine.items.every((r: any) => (things === 'tenants' ? r.id : r.tenantId) === 1)).toBe(true);
      expect((await tenantAdmin.json('GET', `/api/${things}/${foreign[0]!.id}`)).status).toBe(404);
    });
  }

  it('limits a cluster-scoped helpdesk user to that cluster', async () => {
    const exts = (await scoped.json('GET', '/api/extensions?pageSize=1000')).body.items as any[];
    expect(exts.map((e) => e.extension)).toEqual(['6100']);
    expect(exts.every((e) => e.clusterId === b.cluster.id)).toBe(true);
    const servers = (await scoped.json('GET', '/api/servers')).body.items as any[];
    expect(servers.map((s) => s.name)).toEqual(['bast1', 'bast2']);
    const outside = await scoped.json('POST', '/api/extensions', { clusterId: a.cluster.id, name: 'Sneaky', extension: '6199' });
    expect(outside.status).toBe(422);
    expect(outside.body.problems).toEqual([{ field: 'clusterId', message: `no cluster ${a.cluster.id}` }]);
    const inside = await scoped.json('POST', '/api/extensions', { clusterId: b.cluster.id, name: 'Allowed', extension: '6199' });
    expect(inside.status).toBe(201);
    expect((await scoped.json('POST', '/api/trunks', { clusterId: b.cluster.id, name: 'x', host: 'h' })).status).toBe(403);
  });

  it('keeps a tenant admin from creating rows in another tenant', async () => {
    const res = await tenantAdmin.json('POST', '/api/extensions', { clusterId: t2.seed.cluster.id, name: 'Cross', extension: '2002' });
    expect(res.status).toBe(422);
    expect((await tenantAdmin.json('POST', '/api/sites', { name: 'x', tenantId: t2.tenant.id })).status).toBe(422);
    expect((await tenantAdmin.json('POST', '/api/tenants', { name: 'mine' })).status).toBe(403);
  });
});
