/**
 * The SDK's resource kit as a plugin gets it: one declaration (the conference plugin's rooms)
 * behaves like a core object — OpenAPI, scope, moves counted on both clusters, copy — and a
 * declaration the kit cannot honour is refused at setup, naming the plugin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { defineResource, EntitySchema, z, type PluginCli, type PluginHttp } from '../sdk/index.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import { definePluginResource } from '../core/kernel/plugin-resources.ts';
import { CrudService } from '../core/model/crud-service.ts';
import type { ResourceDef } from '../core/model/resources.ts';

const ROOMS = '/api/plugins/conference/rooms';
let k: TestKernel;
const clusters: Record<string, any>[] = [];

async function create(path: string, body: unknown) {
  const res = await k.admin.json('POST', path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

beforeAll(async () => {
  k = await startTestKernel({ plugins: ['conference'] });
  const site = await create('/api/sites', { name: 'kit' });
  for (const name of ['kit-a', 'kit-b']) clusters.push(await create('/api/clusters', { siteId: site.id, name }));
});
afterAll(() => k?.stop());

describe('a declared plugin resource', () => {
  it('is in the OpenAPI document under its plugin, with its input and patch schemas', async () => {
    const doc = (await k.admin.json('GET', '/api/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith(ROOMS))).toEqual([ROOMS, `${ROOMS}/{id}`, `${ROOMS}/{id}/copy`]);
    expect(doc.components.schemas.ConferenceRoomInput.required).toEqual(expect.arrayContaining(['clusterId', 'number', 'startsAt']));
    expect(doc.components.schemas.ConferenceRoomInputPatch.required).toBeUndefined();
    expect(doc.paths[ROOMS].get.tags).toEqual(['conference.rooms']);
  });

  it('is seen and written only within the caller\'s scope', async () => {
    const [a, b] = clusters as [Record<string, any>, Record<string, any>];
    await create(ROOMS, { clusterId: a.id, number: '7101', startsAt: '2026-01-01T09:00:00Z' });
    const inB = await create(ROOMS, { clusterId: b.id, number: '7102', startsAt: '2026-01-01T09:00:00Z' });
    await create('/api/users', { username: 'kit-desk', password: 'kit-desk-pw-1', role: 'admin', tenantId: 1, scopes: [{ type: 'cluster', id: a.id }] });
    const desk = k.client();
    expect(await desk.login('kit-desk', 'kit-desk-pw-1')).toBe(200);
    expect((await desk.json('GET', ROOMS)).body.items.map((r: any) => r.number)).toEqual(['7101']);
    expect((await desk.json('GET', `${ROOMS}/${inB.id}`)).status).toBe(404);
    const outside = await desk.json('POST', ROOMS, { clusterId: b.id, number: '7103', startsAt: '2026-01-01T09:00:00Z' });
    expect(outside.status).toBe(422);
    expect(outside.body.problems).toEqual([{ field: 'clusterId', message: `no cluster ${b.id}` }]);
  });

  it('counts a room moved to another cluster as a change of both', async () => {
    const [a, b] = clusters as [Record<string, any>, Record<string, any>];
    const room = await create(ROOMS, { clusterId: a.id, number: '7110', startsAt: '2026-01-01T09:00:00Z' });
    const moved = await k.admin.json('PUT', `${ROOMS}/${room.id}`, { clusterId: b.id });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ clusterId: b.id, siteId: b.siteId, number: '7110' });
    for (const c of [a, b]) {
      const items = (await k.admin.json('GET', `/api/changes?clusterId=${c.id}&pageSize=100`)).body.items as Record<string, any>[];
      expect(items.filter((i) => i.entity === 'conference.room' && i.entityId === room.id && i.action === 'update')).toHaveLength(1);
    }
  });

  it('copies a room: every field but the copy\'s own, and what the body names', async () => {
    const [a] = clusters as [Record<string, any>];
    const room = await create(ROOMS, { clusterId: a.id, number: '7120', startsAt: '2026-01-01T09:00:00Z', externalNumber: '+441234567', maxUsers: 7, userPin: '4711' });
    const copy = await k.admin.json('POST', `${ROOMS}/${room.id}/copy`, { number: '7121' });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ number: '7121', clusterId: a.id, maxUsers: 7, userPinSet: true, externalNumber: null });
    const again = await k.admin.json('POST', `${ROOMS}/${room.id}/copy`, {});
    expect(again.status).toBe(422);
    expect(again.body.problems[0]).toMatchObject({ field: 'number' });
  });
});

describe('a declaration the kit refuses', () => {
  const Row = new EntitySchema<{ id: number; tenantId: number; siteId: number; clusterId: number; code: string; createdAt: Date; updatedAt: Date }>({
    name: 'KitTestRow', tableName: 'kit_test_rows',
    properties: {
      id: { type: 'integer', primary: true }, tenantId: { type: 'integer' }, siteId: { type: 'integer' }, clusterId: { type: 'integer' },
      code: { type: 'string' }, createdAt: { type: 'datetime' }, updatedAt: { type: 'datetime' },
    },
  });
  const NoCluster = new EntitySchema<{ id: number; tenantId: number; code: string; createdAt: Date; updatedAt: Date }>({
    name: 'KitTestFlat', tableName: 'kit_test_flat',
    properties: { id: { type: 'integer', primary: true }, tenantId: { type: 'integer' }, code: { type: 'string' }, createdAt: { type: 'datetime' }, updatedAt: { type: 'datetime' } },
  });
  const input = z.strictObject({ clusterId: z.number().int(), code: z.string() });
  const manifest = { permissions: ['kit.row:read', 'kit.row:write'] };
  const plugin = () => {
    const routes: string[] = [];
    const http: PluginHttp = { route: (method, path) => { routes.push(`${method} ${path}`); } };
    const cli: PluginCli = { commands: (register) => register(new Command('kit'), { operator: undefined as never }) };
    return { id: 'kit', manifest, http, cli, crud: {} as CrudService, defs: [] as ResourceDef[], routes };
  };
  const rows = defineResource({ name: 'rows', singular: 'row', entity: Row, input, parent: 'cluster', search: ['code'] });

  it('mounts the six routes of a good one', () => {
    const p = plugin();
    definePluginResource(p, rows);
    expect(p.routes).toEqual(['GET /rows', 'POST /rows', 'GET /rows/:id', 'PUT /rows/:id', 'DELETE /rows/:id', 'POST /rows/:id/copy']);
    expect(p.defs.map((d) => [d.changeEntity, d.path, d.schemaName, d.permission])).toEqual([['kit.row', '/api/plugins/kit/rows', 'KitRowInput', 'kit.row']]);
  });

  it.each([
    ['a name declared twice', (p: ReturnType<typeof plugin>) => { definePluginResource(p, rows); definePluginResource(p, rows); }, /resource "rows" is declared twice/],
    ['a permission not in the manifest', (p: ReturnType<typeof plugin>) => definePluginResource(p, { ...rows, permission: 'kit.other' }), /needs permission "kit.other:read" in the manifest/],
    ['the provider parent', (p: ReturnType<typeof plugin>) => definePluginResource(p, { ...rows, parent: 'provider' }), /cannot use the provider parent/],
    ['an entity without its parent\'s columns', (p: ReturnType<typeof plugin>) => definePluginResource(p, { ...rows, entity: NoCluster as never }), /names columns its entity lacks: siteId, clusterId/],
    ['a search column that does not exist', (p: ReturnType<typeof plugin>) => definePluginResource(p, { ...rows, search: ['nope'] }), /lacks: nope/],
    ['a parent resource it has not declared', (p: ReturnType<typeof plugin>) => {
      const other = definePluginResource(plugin(), rows);
      definePluginResource(p, { ...rows, name: 'kids', parent: { resource: other, column: 'clusterId' } });
    }, /names a parent resource this plugin has not declared/],
  ])('refuses %s, naming the plugin', (_what, run, message) => {
    expect(() => run(plugin())).toThrow(/^plugin "kit": resource "(rows|kids)" /);
    expect(() => run(plugin())).toThrow(message);
  });
});
