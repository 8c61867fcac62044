import { expect } from 'vitest';
import type { TestClient } from '../../sdk/testing/kernel.ts';

/** Creates a row through the API and returns it; fails the test with the problem details otherwise. */
export async function create(c: TestClient, things: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await c.json('POST', `/api/${things}`, body);
  if (res.status !== 201) expect.fail(`POST /api/${things} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** One site with a cluster of two servers, two groups, an ACL and a trunk. */
export async function seedSite(c: TestClient, prefix: string, tenantId?: number) {
  const site = await create(c, 'sites', { name: `${prefix}site`, ...(tenantId ? { tenantId } : {}) });
  const cluster = await create(c, 'clusters', { siteId: site.id, name: `${prefix}cl`, vip: '10.0.0.10' });
  const servers = [
    await create(c, 'servers', { clusterId: cluster.id, name: `${prefix}ast1`, host: '127.0.0.11', amiUser: 'acm', amiSecret: 'topsecret1', sshPassword: 'sshpass' }),
    await create(c, 'servers', { clusterId: cluster.id, name: `${prefix}ast2`, host: '127.0.0.12', amiUser: 'acm', amiSecret: 'topsecret2' }),
  ];
  const group = await create(c, 'groups', { name: `${prefix}Sales`, context: `${prefix}sales`, ...(tenantId ? { tenantId } : {}) });
  const acl = await create(c, 'acls', { name: `${prefix}office`, rules: [{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.0.0.0/8' }], ...(tenantId ? { tenantId } : {}) });
  const trunk = await create(c, 'trunks', { clusterId: cluster.id, name: `${prefix}itsp`, host: 'sip.example.net', register: true, username: 'acct', secret: 'trunksecret' });
  return { site, cluster, servers, group, acl, trunk };
}
