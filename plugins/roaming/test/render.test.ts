import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshotView } from '../../../sdk/index.ts';
import { goldenDir } from '../../../sdk/testing/golden.ts';
import { fallbackStep, keyFiles, renderDundi, renderIax, renderRoamingDialplan } from '../render.ts';
import type { RoamingPlan } from '../plan.ts';
import type { RoamingKey } from '../entities.ts';
import { entityId, peerName } from '../names.ts';

const golden = goldenDir(join(import.meta.dirname, 'golden'));
const settings = { iaxPort: 4569, dundiPort: 4520, keysDir: '/var/lib/asterisk/keys', ringSeconds: 20 };

const snapshot = (tenantId = 1): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 3, tenantId, name: 'amsterdam' },
  cluster: { id: 3, tenantId, siteId: 3, name: 'ams', vip: '127.0.0.3', sipBindAddress: '127.0.0.3' },
  servers: [{ id: 30, tenantId, siteId: 3, clusterId: 3, name: 'ams-ast1', host: '127.0.0.1', enabled: true }],
  groups: [], trunks: [], acls: [],
  extensions: [{ id: 79, tenantId, siteId: 3, clusterId: 3, name: 'Eddie', extension: '6179' }],
});
const key = (id: number, clusterId: number, state: RoamingKey['state']): RoamingKey =>
  ({ id, tenantId: 1, clusterId, state, publicKey: `PUB ${id}\n`, privateKey: `PRIVATE ${id}\n`, fingerprint: 'f'.repeat(32), createdAt: new Date(0), updatedAt: new Date(0) });

const plan = (p = ''): RoamingPlan => ({
  self: { name: `${p}acm-ams`, signsWith: `${p}acm-c3-k3`, keys: [key(3, 3, 'active')] },
  peers: [
    { cluster: { id: 1, tenantId: 1, siteId: 1, name: 'tpa1' }, name: `${p}acm-tpa1`, host: '127.0.0.1', signsWith: `${p}acm-c1-k1`, accepted: [`${p}acm-c1-k1`, `${p}acm-c1-k4`], publicKeys: [{ name: `${p}acm-c1-k1`, pem: 'PUB 1\n' }, { name: `${p}acm-c1-k4`, pem: 'PUB 4\n' }] },
    { cluster: { id: 2, tenantId: 1, siteId: 1, name: 'tpa2' }, name: `${p}acm-tpa2`, host: '127.0.0.2', signsWith: `${p}acm-c2-k2`, accepted: [`${p}acm-c2-k2`], publicKeys: [{ name: `${p}acm-c2-k2`, pem: 'PUB 2\n' }] },
  ],
  published: [{ number: '6179', weight: 0, why: 'roaming extension 6179' }, { number: '5200', weight: 30, why: 'standard number 5200' }],
  remote: ['6102'],
  fallback: new Map([[79, '6179']]),
  problems: [],
});

describe('roaming files', () => {
  it('iax.conf: a friend per linked cluster, RSA both ways, every current key of the peer accepted', () => {
    const text = renderIax(snapshot(), plan(), settings);
    golden('iax-roaming.conf', text);
    expect(text).toContain('inkeys = acm-c1-k1:acm-c1-k4\n');
    expect(text.match(/^\[acm-tpa\d\]$/gm)).toEqual(['[acm-tpa1]', '[acm-tpa2]']);
  });

  it('dundi.conf: our entity id, one mapping per weight, symmetric peers named by entity id', () => {
    const text = renderDundi(snapshot(), plan(), settings);
    golden('dundi-roaming.conf', text);
    expect(text).toContain('roaming => roaming-pub-30,30,IAX2,acm-ams/${NUMBER},nopartial\n');
    expect(text).toContain('[02:ac:00:00:00:02]\nmodel = symmetric\nhost = 127.0.0.2\n');
  });

  it('dialplan: lookups for numbers of other sites, answers tried in order, incoming calls marked', () => {
    const text = renderRoamingDialplan(snapshot(), plan(), settings);
    golden('extensions-roaming.conf', text);
    expect(text).toContain('[roaming-lookup]\nexten => 6102,1,Gosub(roaming-dial,s,1(6102))\n');
    expect(text).toContain('[roaming-in]\nexten => 6179,1,Set(ACM_ROAMED=1)\n same => n,Goto(internal,6179,1)\n');
    expect(fallbackStep(snapshot(), '6179')).toBe('GosubIf($["${ACM_ROAMED}" = ""]?roaming-dial,s,1(6179))');
  });

  it('a hosted tenant: every name and context prefixed', () => {
    const text = [renderIax(snapshot(2), plan('t2-'), settings), renderDundi(snapshot(2), plan('t2-'), settings), renderRoamingDialplan(snapshot(2), plan('t2-'), settings)].join('');
    expect(text).toContain('[t2-roaming-lookup]');
    expect(text).toContain('include => t2-roaming-lookup');
    expect(text).toContain('t2-roaming => t2-roaming-pub-0,0,IAX2,t2-acm-ams/${NUMBER},nopartial');
    expect(text).toContain('context = t2-roaming-in');
    expect(text).not.toMatch(/^\[roaming|context = roaming|\(roaming-|^roaming =>/m);
  });

  it('no key yet or no link: empty files (the validator says why)', () => {
    const none = { ...plan(), self: { ...plan().self, signsWith: null } };
    for (const r of [renderIax, renderDundi, renderRoamingDialplan]) expect(r(snapshot(), none, settings)).not.toMatch(/^\[/m);
    expect(keyFiles(snapshot(), { ...plan(), peers: [] }, settings)).toEqual([]);
  });

  it('key files: the own pair with the private key secret, the peers\' public keys, on every server', () => {
    const files = keyFiles(snapshot(), plan(), settings);
    expect(files.map((f) => f.path)).toEqual(['acm-c3-k3.key', 'acm-c3-k3.pub', 'acm-c1-k1.pub', 'acm-c1-k4.pub', 'acm-c2-k2.pub'].map((n) => `/var/lib/asterisk/keys/${n}`));
    expect(files[0]).toMatchObject({ serverId: 30, content: 'PRIVATE 3\n', secrets: ['PRIVATE 3\n'] });
    expect(files.slice(1).every((f) => !f.secrets && !String(f.content).includes('PRIVATE'))).toBe(true);
  });

  it('names: entity ids from the cluster id, peer names that fit what chan_iax2 shows', () => {
    expect(entityId(1)).toBe('02:ac:00:00:00:01');
    expect(entityId(0x01020304)).toBe('02:ac:01:02:03:04');
    expect(peerName({ id: 1, name: 'default' }, { id: 5, name: 'tpa1' })).toBe('acm-tpa1');
    expect(peerName({ id: 1, name: 'default' }, { id: 5, name: 'Amsterdam_Main' })).toBe('acm-c5');
  });

  it('refuses a number that is not digits', () => {
    expect(() => renderRoamingDialplan(snapshot(), { ...plan(), remote: ['61)02'] }, settings)).toThrow(/not digits/);
  });
});
