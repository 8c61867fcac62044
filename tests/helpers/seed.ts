import type { TestClient } from '../../sdk/testing/kernel.ts';

/** One site with a cluster of two servers, two groups, an ACL and a trunk. */
export async function seedSite(c: TestClient, prefix: string, tenantId?: number) {
  const site = await c.create('/api/sites', { name: `${prefix}site`, ...(tenantId ? { tenantId } : {}) });
  const cluster = await c.create('/api/clusters', { siteId: site.id, name: `${prefix}cl`, vip: '10.0.0.10' });
  const servers = [
    await c.create('/api/servers', { clusterId: cluster.id, name: `${prefix}ast1`, host: '127.0.0.11', amiUser: 'acm', amiSecret: 'topsecret1', sshPassword: 'sshpass' }),
    await c.create('/api/servers', { clusterId: cluster.id, name: `${prefix}ast2`, host: '127.0.0.12', amiUser: 'acm', amiSecret: 'topsecret2' }),
  ];
  const group = await c.create('/api/groups', { name: `${prefix}Sales`, context: `${prefix}sales`, ...(tenantId ? { tenantId } : {}) });
  const acl = await c.create('/api/acls', { name: `${prefix}office`, rules: [{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.0.0.0/8' }], ...(tenantId ? { tenantId } : {}) });
  const trunk = await c.create('/api/trunks', { clusterId: cluster.id, name: `${prefix}itsp`, host: 'sip.example.net', register: true, username: 'acct', secret: 'trunksecret' });
  return { site, cluster, servers, group, acl, trunk };
}
