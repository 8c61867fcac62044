import { afterEach, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/mysql';
import { dbKind } from '../core/model/orm.ts';
import { coreOwner, ownerOrmOptions, schemaOwners } from '../core/model/schema-owners.ts';
import { testDatabase } from '../sdk/testing/kernel.ts';

let drop: (() => Promise<void>) | undefined;
afterEach(async () => { await drop?.(); drop = undefined; });

const PLACED = 'ha_Migration20261202065940_placed';
const UNDER = ['ha_nodes', 'ha_vips', 'ha_sync_paths', 'ha_notify_targets'] as const;

/** Rows stored before HA rows carried their placement get it from their group, groups theirs from their cluster (SQLite, and MariaDB with ACM_TEST_MYSQL). */
it('the HA placement migration fills in the tenant, site and cluster of rows that exist', async () => {
  const ha = (await schemaOwners()).find((o) => o.id === 'ha')!;
  const db = await testDatabase();
  drop = db.drop;
  const orm = await MikroORM.init(ownerOrmOptions(ha, { url: db.dbUrl, dataDir: db.dataDir }));
  try {
    const kind = dbKind(db.dbUrl);
    const names = ha.migrations[kind].map((m) => m.name);
    const migrator = orm.getMigrator();
    await migrator.up({ migrations: coreOwner.migrations[kind].map((m) => m.name) });
    await migrator.up({ migrations: names.slice(0, names.indexOf(PLACED)) });
    const sql = (orm.em.getConnection() as AbstractSqlConnection);
    const at = "'2026-11-01 10:00:00'";
    await sql.execute(`insert into clusters (id, tenant_id, site_id, name, created_at, updated_at) values (3, 7, 5, 'lon', ${at}, ${at})`);
    const group = (id: number, clusterId: number) => `insert into ha_groups (id, tenant_id, cluster_id, name, services, trunks, created_at, updated_at) values (${id}, 7, ${clusterId}, 'g${id}', '[]', '[]', ${at}, ${at})`;
    await sql.execute(group(1, 3));
    // A group whose cluster is gone, and a node whose group is: kept, placed nowhere (0).
    await sql.execute(group(2, 99));
    const rows: Record<(typeof UNDER)[number], (groupId: number) => string> = {
      ha_nodes: (g) => `(group_id, server_id, priority, interface, source_address, created_at, updated_at) values (${g}, 1, 100, 'eth0', '10.0.0.1', ${at}, ${at})`,
      ha_vips: (g) => `(group_id, kind, address, prefix, virtual_router_id, created_at, updated_at) values (${g}, 'voice', '10.0.0.9', 24, 51, ${at}, ${at})`,
      ha_sync_paths: (g) => `(group_id, path, excludes, created_at, updated_at) values (${g}, '/etc/asterisk', '[]', ${at}, ${at})`,
      ha_notify_targets: (g) => `(group_id, type, target, enabled, created_at, updated_at) values (${g}, 'syslog', 'logs:514', 1, ${at}, ${at})`,
    };
    for (const t of UNDER) await sql.execute(`insert into ${t} ${rows[t](1)}`);
    await sql.execute(`insert into ha_nodes ${rows.ha_nodes(42).replace("'10.0.0.1'", "'10.0.0.2'")}`);

    await migrator.up({ to: PLACED });
    const placed = async (table: string) => (await sql.execute(`select tenant_id, site_id, cluster_id from ${table} order by id`))
      .map((r: Record<string, unknown>) => [r.tenant_id, r.site_id, r.cluster_id].map(Number));
    expect(await placed('ha_groups')).toEqual([[7, 5, 3], [7, 0, 99]]);
    for (const t of UNDER) expect(await placed(t), t).toEqual(t === 'ha_nodes' ? [[7, 5, 3], [0, 0, 0]] : [[7, 5, 3]]);
    // What else the rows held is kept.
    expect(await sql.execute('select group_id, source_address from ha_nodes order by id')).toEqual([
      { group_id: 1, source_address: '10.0.0.1' }, { group_id: 42, source_address: '10.0.0.2' },
    ]);
  } finally {
    await orm.close(true);
  }
});
