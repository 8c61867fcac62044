import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntitySchema, MikroORM } from '@mikro-orm/core';
import { openDatabase } from '../model/orm.ts';
import { Keyring } from '../crypto/secret-box.ts';
import { AclSchema, ClusterSchema, ExtensionSchema, GroupSchema, ServerSchema, SiteSchema, TenantSchema, TrunkSchema } from '../model/entities.ts';
import { loadSnapshot } from './load-snapshot.ts';
import { renderCluster } from './render/index.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';

describe('loadSnapshot', () => {
  let orm: MikroORM;
  beforeAll(async () => {
    orm = await openDatabase({ sqliteFile: ':memory:', secrets: Keyring.generate() });
    const s = tpa1();
    const em = orm.em.fork();
    const put = (schema: EntitySchema<any>, row: object) => {
      const { createdAt: _c, updatedAt: _u, ...rest } = row as { createdAt?: Date; updatedAt?: Date };
      em.create(schema, rest as any);
    };
    put(TenantSchema, s.tenant);
    put(SiteSchema, s.site);
    put(ClusterSchema, s.cluster);
    // Rows inserted in reverse: the loader must still order by id.
    for (const r of [...s.servers].reverse()) put(ServerSchema, r);
    for (const r of [...s.groups].reverse()) put(GroupSchema, r);
    for (const r of [...s.extensions].reverse()) put(ExtensionSchema, r);
    for (const r of [...s.trunks].reverse()) put(TrunkSchema, r);
    for (const r of [...s.acls].reverse()) put(AclSchema, r);
    // A second cluster's extension must not leak in.
    put(ClusterSchema, { id: 4, tenantId: 1, siteId: 1, name: 'tpa2' });
    put(ExtensionSchema, { id: 99, tenantId: 1, siteId: 1, clusterId: 4, name: 'Other', extension: '7001' });
    await em.flush();
  });
  afterAll(async () => { await orm?.close(true); });

  it('loads one cluster in id order and renders like the in-code fixture', async () => {
    const snap = await loadSnapshot(orm.em.fork(), 3);
    expect(snap.extensions.map((e) => e.id)).toEqual([12, 13, 14, 15, 16, 17]);
    expect(snap.servers.map((e) => e.id)).toEqual([5, 6]);
    expect(snap.groups.map((g) => g.name)).toEqual(['USSales', 'TechSupport', 'hotdesk']);
    expect(renderCluster(snap).map((f) => f.sha256)).toEqual(renderCluster(tpa1()).map((f) => f.sha256));
  });

  it('opens the sealed secret columns (the tables hold ciphertext, the snapshot plaintext)', async () => {
    const raw = await orm.em.getConnection().execute('select secret, vm_secret from extensions where id = 12') as { secret: string; vm_secret: string }[];
    expect(raw[0]!.secret).toMatch(/^enc:v1:[0-9a-f]{12}:/);
    expect(raw[0]!.vm_secret).toMatch(/^enc:v1:[0-9a-f]{12}:/);
    const snap = await loadSnapshot(orm.em.fork(), 3);
    const alice = snap.extensions.find((e) => e.id === 12)!;
    expect([alice.secret, alice.vmSecret]).toEqual(['Alice-6101-pw', '1234']);
    expect(snap.servers[0]!.amiSecret).toBe('ami-secret');
    expect(snap.trunks[0]!.secret).toBe('Trunk-A-secret');
  });
});
