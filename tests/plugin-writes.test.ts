import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { waitUntil } from '../sdk/testing/wait.ts';
import { pluginWriter } from '../core/model/plugin-writes.ts';
import { AuditEventSchema, ChangeSetEntrySchema } from '../core/model/entities.ts';
import { RoomSchema, type Room } from '../plugins/conference/entities.ts';
import type { ConfigChange, PluginDb, Principal } from '../sdk/plugin.ts';
import { ConflictError, PluginError } from '../sdk/errors.ts';

import { MODEL_CHANGED_SUBJECT } from '../core/bus/subjects.ts';

/** ctx.db.write, driven directly: what one transaction holds, and what is published after it. */
let k: TestKernel;
let write: PluginDb['write'];
let clusters: Record<string, any>[];
const admin: Principal = { userId: 1, username: 'admin', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };
const published: { entity: string; clusterIds?: readonly number[] | null }[] = [];

const counts = async () => {
  const em = k.acm.orm.em.fork();
  return { rooms: await em.count(RoomSchema), changes: await em.count(ChangeSetEntrySchema), audit: await em.count(AuditEventSchema) };
};
const roomRow = (number: string, clusterId = clusters[0]!.id): Partial<Room> => ({
  tenantId: 1, siteId: clusters[0]!.siteId, clusterId, number, startsAt: new Date('2026-01-01T09:00:00Z'), recurrence: 'none', record: false, videoMode: 'none', open: false,
});
const change = (row: Room, clusterIds: ConfigChange['clusterIds']): ConfigChange => ({
  entity: 'conference.room', action: 'create', id: row.id, tenantId: row.tenantId, clusterIds, before: null, after: { number: row.number },
});

beforeAll(async () => {
  k = await startTestKernel({ plugins: ['conference'] });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  clusters = [await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon1' }), await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon2' })];
  write = pluginWriter('conference', { orm: k.acm.orm, bus: k.acm.bus, license: k.acm.license });
  k.acm.bus.subscribe<{ entity: string; clusterIds?: readonly number[] | null }>(MODEL_CHANGED_SUBJECT, (m) => published.push(m.data));
}, 60_000);

afterAll(async () => {
  await k?.stop();
});

describe('ctx.db.write', () => {
  it('writes the row, one ChangeSet entry per cluster and one audit event together, then publishes', async () => {
    const before = await counts();
    published.length = 0;
    const row = await write({ user: admin, ip: '192.0.2.7' }, async ({ em, changed }) => {
      const r = em.create(RoomSchema, roomRow('8701') as Room);
      await em.flush();
      changed(change(r, clusters.map((c) => c.id)));
      expect(published).toEqual([]); // not before the transaction commits
      return r;
    });
    const em = k.acm.orm.em.fork();
    const entries = await em.find(ChangeSetEntrySchema, { entity: 'conference.room', entityId: row.id }, { orderBy: { id: 'asc' } });
    expect(entries.map((e) => [e.clusterId, e.action, e.username, e.revisionId ?? null])).toEqual(clusters.map((c) => [c.id, 'create', 'admin', null]));
    const [event] = await em.find(AuditEventSchema, { action: 'conference.room.create', targetId: String(row.id) });
    expect(event).toMatchObject({ target: 'conference.room', username: 'admin', ip: '192.0.2.7', after: { number: '8701' } });
    expect(await counts()).toEqual({ rooms: before.rooms + 1, changes: before.changes + 2, audit: before.audit + 1 });
    expect(published).toEqual([{ entity: 'conference.room', tenantId: 1, clusterIds: clusters.map((c) => c.id) }]);
  });

  it('null is one tenant-wide entry; [] is audited only', async () => {
    const em = k.acm.orm.em.fork();
    const [wide, none] = await write({ user: admin }, async ({ em: tx, changed }) => {
      const a = tx.create(RoomSchema, roomRow('8702') as Room);
      const b = tx.create(RoomSchema, roomRow('8703') as Room);
      await tx.flush();
      changed(change(a, null));
      changed(change(b, []));
      return [a, b];
    });
    expect((await em.find(ChangeSetEntrySchema, { entity: 'conference.room', entityId: wide!.id })).map((e) => e.clusterId ?? null)).toEqual([null]);
    expect(await em.count(ChangeSetEntrySchema, { entity: 'conference.room', entityId: none!.id })).toBe(0);
    expect(await em.count(AuditEventSchema, { action: 'conference.room.create', targetId: String(none!.id) })).toBe(1);
  });

  it('a failure after the row and its change were staged writes nothing and publishes nothing', async () => {
    const before = await counts();
    published.length = 0;
    await expect(write({ user: admin }, async ({ em, changed }) => {
      const r = em.create(RoomSchema, roomRow('8704') as Room);
      await em.flush();
      changed(change(r, [clusters[0]!.id]));
      await em.flush();
      throw new Error('refused after the flush');
    })).rejects.toThrow('refused after the flush');
    expect(await counts()).toEqual(before);
    expect(published).toEqual([]);
  });

  it('the table’s unique key answers 409, with nothing written', async () => {
    const before = await counts();
    await expect(write({ user: admin }, async ({ em, changed }) => {
      const r = em.create(RoomSchema, roomRow('8705') as Room);
      await em.flush();
      changed(change(r, [clusters[0]!.id]));
      em.create(RoomSchema, roomRow('8705') as Room);
      await em.flush();
    })).rejects.toBeInstanceOf(ConflictError);
    expect(await counts()).toEqual(before);
  });

  it('refuses a change named for another plugin, or of a row not flushed yet', async () => {
    const before = await counts();
    await expect(write({ user: admin }, async ({ em, changed }) => {
      const r = em.create(RoomSchema, roomRow('8706') as Room);
      await em.flush();
      changed({ ...change(r, [clusters[0]!.id]), entity: 'ha.group' });
    })).rejects.toThrow(PluginError);
    await expect(write({ user: admin }, async ({ em, changed }) => {
      changed(change(em.create(RoomSchema, roomRow('8706') as Room), [clusters[0]!.id]));
    })).rejects.toThrow(/no id yet; call changed\(\) after em.flush\(\)/);
    expect(await counts()).toEqual(before);
  });

  it('tells browsers of the tenant over /api/events that the changes waiting changed; not other tenants, not audit-only writes', async () => {
    const other = await k.admin.create('/api/tenants', { name: 'othertenant' });
    await k.admin.create('/api/users', { username: 'outsider', password: 'outsider-pass', role: 'admin', tenantId: other.id });
    const outsider = k.client();
    expect(await outsider.login('outsider', 'outsider-pass')).toBe(200);
    const tokens = [
      (await k.admin.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string,
      (await outsider.json('POST', '/api/auth/tokens', { name: 'ws' })).body.token as string,
    ];
    const open = (t: string) => new Promise<{ ws: WebSocket; msgs: any[] }>((resolve, reject) => {
      const ws = new WebSocket(`${k.url.replace('http', 'ws')}/api/events?token=${t}`);
      const msgs: any[] = [];
      ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
      ws.on('open', () => resolve({ ws, msgs }));
      ws.on('error', reject);
    });
    const [mine, theirs] = [await open(tokens[0]!), await open(tokens[1]!)];
    try {
      await waitUntil(() => mine.msgs.length && theirs.msgs.length, 'hello messages');
      const rooms = async (number: string, clusterIds: number[]) => write({ user: admin }, async ({ em, changed }) => {
        const r = em.create(RoomSchema, roomRow(number) as Room);
        await em.flush();
        changed(change(r, clusterIds));
      });
      await rooms('8707', []);
      await rooms('8708', [clusters[0]!.id]);
      await waitUntil(() => mine.msgs.some((m) => m.type === 'changes'), 'the changes message');
      await new Promise((r) => setTimeout(r, 100));
      expect(mine.msgs.filter((m) => m.type === 'changes')).toEqual([{ type: 'changes' }]);
      expect(theirs.msgs.filter((m) => m.type === 'changes')).toEqual([]);
    } finally {
      mine.ws.close();
      theirs.ws.close();
    }
  });
});
