import type { ClusterSnapshot } from '../../core/commit/snapshot.ts';
import type { Extension, Trunk } from '../../core/model/entities.ts';

/** A realistic cluster, built in code: tenant default, site tampa, cluster tpa1. */
const at = new Date('2025-01-01T00:00:00Z');
const row = { createdAt: at, updatedAt: at };

function ext(id: number, fields: Partial<Extension> & Pick<Extension, 'extension' | 'name'>, tenantId = 1): Extension {
  return { ...row, id, tenantId, siteId: 1, clusterId: 3, ...fields };
}

function trunk(id: number, fields: Partial<Trunk> & Pick<Trunk, 'name'>, tenantId = 1): Trunk {
  return { ...row, id, tenantId, siteId: 1, clusterId: 3, register: false, qualify: true, ...fields };
}

export function tpa1(tenantId = 1): ClusterSnapshot {
  const tenant = tenantId === 1
    ? { ...row, id: 1, name: 'default', description: 'Default tenant', dialPrefix: null }
    : { ...row, id: tenantId, name: 'acme', description: 'Acme Corp', dialPrefix: '8' };
  return {
    tenant,
    site: { ...row, id: 1, tenantId, name: 'tampa', description: 'Tampa office', timezone: 'America/New_York' },
    cluster: { ...row, id: 3, tenantId, siteId: 1, name: 'tpa1', description: 'Tampa HA pair', vip: '10.20.0.10', asteriskConfigDir: '/etc/asterisk' },
    servers: [
      { ...row, id: 5, tenantId, siteId: 1, clusterId: 3, name: 'tpa1-a', host: '10.20.0.11', role: 'primary', sshPort: 22, sshUser: 'acm', sshPassword: 'ssh-secret', amiPort: 5038, amiUser: 'acm', amiSecret: 'ami-secret', sipPort: 5060, enabled: true },
      { ...row, id: 6, tenantId, siteId: 1, clusterId: 3, name: 'tpa1-b', host: '10.20.0.12', role: 'secondary', sshPort: 22, amiPort: 5038, sipPort: 5060, enabled: true },
    ],
    groups: [
      { ...row, id: 1, tenantId, name: 'USSales', description: 'US sales', context: null, rights: ['longdistance', 'internal', 'local'] },
      { ...row, id: 2, tenantId, name: 'TechSupport', description: 'Support desk', context: null, rights: ['internal', 'local', 'longdistance', 'international'] },
      { ...row, id: 3, tenantId, name: 'hotdesk', description: 'Hot desks', context: null, rights: ['internal'] },
    ],
    extensions: [
      ext(12, {
        groupId: 1, name: 'Alice Smith', extension: '6101', secret: 'Alice-6101-pw', mailbox: '6101', vmSecret: '1234',
        callGroup: '1', pickupGroup: '1', dtmfMode: 'rfc2833', nat: 'yes', qualify: 'yes', language: 'en',
        accountCode: 'sales', canReinvite: 'no', musicOnHold: 'sales-moh', acl: 'office-phones',
      }, tenantId),
      ext(13, {
        groupId: 1, name: 'Bob Jones, Jr.', extension: '6102', callerId: '"Bob Jones" <6102>', secret: 'Bob-6102-pw',
        mailbox: '6102', vmSecret: '5678', callGroup: '1', pickupGroup: '1,2', allow: 'g722,ulaw', disallow: 'all',
        cfwdSet: 'yes', cfwdTo: '918135550199', rtpTimeout: '60', rtpHoldTimeout: '300', encryption: 'yes',
      }, tenantId),
      ext(14, {
        groupId: 2, name: 'Carol Tech', extension: '6201', secret: 'Carol-6201-pw', mailbox: '6201@support', vmSecret: '2468',
        pickupGroup: '2', dtmfMode: 'info', canReinvite: 'nonat', qualify: '2000', deny: '0.0.0.0/0.0.0.0',
        permit: '10.20.0.0/255.255.0.0', callLimit: 2, restrictCid: 'yes',
      }, tenantId),
      ext(15, {
        groupId: 2, name: 'Dave Tech', extension: '6202', authUser: 'dave6202', secret: 'Dave-6202-pw',
        nat: 'force_rport,comedia', musicOnHold: 'default', fromDomain: 'pbx.example.com',
      }, tenantId),
      ext(16, { groupId: 3, name: 'Hot desk 1', extension: '6301', secret: 'Hotdesk-6301-pw', context: 'internal', canReinvite: 'update' }, tenantId),
      ext(17, {
        groupId: null, name: 'Lobby phone', extension: '6900', md5Secret: '0123456789abcdef0123456789abcdef',
        host: '10.20.5.50', port: '5060', qualify: 'no', allow: 'ulaw', nat: 'no',
      }, tenantId),
    ],
    trunks: [
      trunk(1, {
        name: 'carrier-a', host: 'sip.carrier-a.example', port: 5060, username: 'tpa1acct', secret: 'Trunk-A-secret',
        fromDomain: 'carrier-a.example', fromUser: 'tpa1acct', register: true, codecs: 'ulaw,alaw', acl: 'carriers',
        context: 'internal', dialPrefix: '9', outboundPatterns: ['_9NXXNXXXXXX', '_91NXXNXXXXXX', '_9011.', '_9911'],
      }, tenantId),
      trunk(2, {
        name: 'carrier-b', host: '203.0.113.20', port: 5080, transport: 'tcp', codecs: 'g729&ulaw', qualify: false,
        dialPrefix: '9', outboundPatterns: ['_91NXXNXXXXXX', '_9NXXNXXXXXX'], maxChannels: 23,
      }, tenantId),
    ],
    acls: [
      { ...row, id: 1, tenantId, name: 'office-phones', description: 'Phones on the office LAN', rules: [
        { action: 'deny', network: '0.0.0.0/0.0.0.0' }, { action: 'permit', network: '10.20.0.0/16' }, { action: 'permit', network: '192.168.50.0/255.255.255.0' },
      ] },
      { ...row, id: 2, tenantId, name: 'carriers', description: 'Carrier signalling addresses', rules: [
        { action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '198.51.100.0/24' }, { action: 'permit', network: '203.0.113.20' },
      ] },
    ],
  };
}
