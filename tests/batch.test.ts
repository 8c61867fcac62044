import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { ExtensionSchema, ChangeSetEntrySchema, AuditEventSchema } from '../core/model/entities.ts';
import { progressBar, registerBatchCommands } from '../core/cli/batch-commands.ts';
import { BATCH_PROGRESS_SUBJECT, compressNumbers } from '../core/batch/batch.ts';
import type { Acm } from '../core/app.ts';
import type { Principal } from '../sdk/plugin.ts';
import type { TestClient } from '../sdk/testing/kernel.ts';
import { seedSite } from './helpers/seed.ts';
import { startBatchKernel } from './helpers/batch-kernel.ts';

let k: Awaited<ReturnType<typeof startBatchKernel>>;
let api: TestClient;
let a: Awaited<ReturnType<typeof seedSite>>;
let b: Awaited<ReturnType<typeof seedSite>>;
let tpl: Record<string, any>;
let tplMailbox: Record<string, any>;

const extCount = async (where: Record<string, unknown> = {}) => k.acm.orm.em.fork().count(ExtensionSchema, where);

beforeAll(async () => {
  k = await startBatchKernel({ maxExtensions: 1000 });
  api = k.api;
  a = await seedSite(k.admin, 'a');
  b = await seedSite(k.admin, 'b');
  tpl = await k.admin.create('/api/extensions', {
    clusterId: a.cluster.id, groupId: a.group.id, name: 'Template', extension: '5999', allow: 'ulaw,alaw', disallow: 'all',
    language: 'en', secret: 'template-secret-1', vmSecret: '1234', callerId: 'Template <5999>', phoneMac: '00:11:22:33:44:55',
  });
  tplMailbox = await k.admin.create('/api/extensions', {
    clusterId: a.cluster.id, groupId: a.group.id, name: 'Template VM', extension: '5998', mailbox: '5998', vmSecret: '4321', dtmfMode: 'rfc4733',
  });
  expect((await k.admin.json('PUT', `/api/groups/${a.group.id}`, { templateExtensionId: tplMailbox.id })).status).toBe(200);
}, 60_000);
afterAll(async () => { await k?.stop(); });

describe('batch configuration', () => {
  it('validates a good batch and counts numbers × clusters, writing nothing', async () => {
    const before = await extCount();
    const res = await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '6100', to: '6149', clusterIds: [a.cluster.id, b.cluster.id] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ valid: true, problems: [], count: 100 });
    expect(await extCount()).toBe(before);
  });

  it('rejects insane ranges', async () => {
    const order = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '6200', to: '6100', clusterIds: [a.cluster.id] })).body;
    expect(order.valid).toBe(false);
    expect(order.problems).toEqual([{ field: 'to', message: '6100 is below 6200' }]);
    const len = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '100', to: '1000', clusterIds: [a.cluster.id] })).body;
    expect(len.problems[0].field).toBe('to');
    expect(len.problems[0].message).toMatch(/same length/);
    const big = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '100000', to: '105000', clusterIds: [a.cluster.id, b.cluster.id] })).body;
    expect(big.problems[0].message).toMatch(/more than 10000 extensions/);
    const digits = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '61a0', to: '6199', clusterIds: [a.cluster.id] })).body;
    expect(digits.problems.map((p: any) => p.field)).toEqual(['from']);
    const both = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, templateGroupId: a.group.id, from: '1', to: '2', clusterIds: [a.cluster.id] })).body;
    expect(both.problems[0].field).toBe('templateGroupId');
    const missing = (await api.json('POST', '/api/batch/validate', { templateExtensionId: 99999, from: '6100', to: '6101', clusterIds: [a.cluster.id, 4242] })).body;
    expect(missing.problems).toEqual([
      { field: 'templateExtensionId', message: 'no extension 99999' },
      { field: 'clusterIds.1', message: 'no cluster 4242' },
    ]);
  });

  it('checks the numbers against the dialplan: parking lot, feature codes and trunk patterns', async () => {
    const park = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '690', to: '730', clusterIds: [a.cluster.id] })).body;
    expect(park.valid).toBe(false);
    const messages = park.problems.map((p: any) => p.message).join('\n');
    expect(messages).toContain('number 700 would collide with the park extension of parking lot parking');
    expect(messages).toContain('numbers 701-720 would collide with the spaces 701-720 of parking lot parking');
    expect(await extCount({ extension: { $in: ['690', '730'] } })).toBe(0);
    expect((await k.admin.json('PUT', `/api/trunks/${b.trunk.id}`, { outboundPatterns: ['_9NXXXXX'] })).status).toBe(200);
    const trunk = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '9199998', to: '9200001', clusterIds: [a.cluster.id, b.cluster.id] })).body;
    expect(trunk.problems).toEqual([{ field: 'clusterIds.1', message: 'cluster bcl: numbers 9200000-9200001 would collide with outbound pattern _9NXXXXX of trunk bitsp' }]);
  });

  it('is all or nothing: one number taken in one cluster creates nothing anywhere', async () => {
    await k.admin.create('/api/extensions', { clusterId: b.cluster.id, name: 'Squatter', extension: '6305' });
    const before = await extCount();
    const body = { templateExtensionId: tpl.id, from: '6300', to: '6309', clusterIds: [a.cluster.id, b.cluster.id], namePattern: 'Agent {n}' };
    const v = (await api.json('POST', '/api/batch/validate', body)).body;
    expect(v).toEqual({ valid: false, count: 20, problems: [{ field: 'clusterIds.1', message: 'cluster bcl: number 6305 is already used' }] });
    const res = await api.json('POST', '/api/batch/submit', body);
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual(v.problems);
    expect(await extCount()).toBe(before);
    expect(await extCount({ clusterId: a.cluster.id, extension: { $gte: '6300', $lte: '6309' } })).toBe(0);
  });

  it('creates every extension with fresh secrets, a ChangeSet entry and an audit entry each, reporting progress', async () => {
    const em = k.acm.orm.em.fork();
    const changesBefore = await em.count(ChangeSetEntrySchema, {});
    const auditBefore = await em.count(AuditEventSchema, { action: 'extension.create' });
    const events: { done: number; total: number }[] = [];
    const off = k.acm.bus.subscribe<{ done: number; total: number }>(BATCH_PROGRESS_SUBJECT, (m) => { events.push(m.data); });
    const res = await api.json('POST', '/api/batch/submit', { templateExtensionId: tpl.id, from: '6400', to: '6659', clusterIds: [a.cluster.id, b.cluster.id], namePattern: 'Agent {n} ({cluster})' });
    off();
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: 520 });
    expect(events.at(-1)).toMatchObject({ done: 520, total: 520 });
    expect(events.length).toBeGreaterThan(2);
    const rows = await k.acm.orm.em.fork().find(ExtensionSchema, { extension: { $gte: '6400', $lte: '6659' } }, { orderBy: { clusterId: 'asc', extension: 'asc' } });
    expect(rows).toHaveLength(520);
    const first = rows[0]!;
    expect(first).toMatchObject({ name: 'Agent 6400 (acl)', clusterId: a.cluster.id, groupId: a.group.id, allow: 'ulaw,alaw', disallow: 'all', language: 'en', callerId: null, phoneMac: null, mailbox: null });
    const secrets = new Set(rows.map((r) => r.secret));
    expect(secrets.size).toBe(520);
    expect(secrets.has('template-secret-1')).toBe(false);
    for (const r of rows) {
      expect(r.secret!.length).toBeGreaterThanOrEqual(20);
      expect(r.vmSecret).toMatch(/^[0-9]{6}$/);
    }
    expect(await em.count(ChangeSetEntrySchema, {})).toBe(changesBefore + 520);
    expect(await em.count(AuditEventSchema, { action: 'extension.create' })).toBe(auditBefore + 520);
    const listed = (await k.admin.json('GET', `/api/extensions?clusterId=${b.cluster.id}&q=Agent%206659`)).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ secretSet: true, vmSecretSet: true, extension: '6659' });
    expect(listed[0]).not.toHaveProperty('secret');
  });

  it('takes a group\'s template extension, giving each a mailbox of its own; one cluster only then', async () => {
    const two = (await api.json('POST', '/api/batch/validate', { templateGroupId: a.group.id, from: '6700', to: '6701', clusterIds: [a.cluster.id, b.cluster.id] })).body;
    expect(two.valid).toBe(false);
    expect(two.problems[0]).toMatchObject({ field: 'clusterIds' });
    expect(two.problems[0].message).toMatch(/mailbox/);
    const clash = (await api.json('POST', '/api/batch/validate', { templateGroupId: a.group.id, from: '5997', to: '5998', clusterIds: [b.cluster.id] })).body;
    expect(clash.problems).toEqual([{ field: 'from', message: 'mailboxes 5998 already exist in this tenant' }]);
    const res = await api.json('POST', '/api/batch/submit', { templateGroupId: a.group.id, from: '6700', to: '6704', clusterIds: [a.cluster.id] });
    expect(res.status).toBe(201);
    const rows = await k.acm.orm.em.fork().find(ExtensionSchema, { extension: { $gte: '6700', $lte: '6704' } }, { orderBy: { extension: 'asc' } });
    expect(rows.map((r) => [r.name, r.mailbox, r.groupId, r.dtmfMode])).toEqual(
      ['6700', '6701', '6702', '6703', '6704'].map((n) => [`Extension ${n}`, n, a.group.id, 'rfc4733']),
    );
    expect(rows.every((r) => r.vmSecret !== '4321')).toBe(true);
  });

  it('names a bad name pattern once, not once per row', async () => {
    const res = (await api.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '6800', to: '6850', clusterIds: [a.cluster.id], namePattern: 'Agent {n}\n[evil]' })).body;
    expect(res.valid).toBe(false);
    expect(res.problems).toHaveLength(1);
    expect(res.problems[0].field).toBe('acl/6800.namePattern');
    expect(res.problems[0].message).toMatch(/line break.*\(and 50 more like it\)/);
  });

  it('needs the extension write permission and keeps a scoped user in scope', async () => {
    await k.admin.create('/api/users', { username: 'viewer1', password: 'viewer-password-1', role: 'viewer', tenantId: 1 });
    await k.admin.create('/api/users', { username: 'deskb', password: 'helpdesk-pw-11', role: 'helpdesk', tenantId: 1, scopes: [{ type: 'cluster', id: b.cluster.id }] });
    const v = k.apiClient();
    expect(await v.login('viewer1', 'viewer-password-1')).toBe(200);
    expect((await v.json('POST', '/api/batch/validate', { templateExtensionId: tpl.id, from: '6900', to: '6901', clusterIds: [a.cluster.id] })).status).toBe(403);
    const desk = k.apiClient();
    expect(await desk.login('deskb', 'helpdesk-pw-11')).toBe(200);
    const out = await desk.json('POST', '/api/batch/submit', { templateExtensionId: tpl.id, from: '6900', to: '6901', clusterIds: [a.cluster.id] });
    expect(out.status).toBe(422);
    // Neither the template (cluster a) nor cluster a is visible to a user scoped to cluster b.
    expect(out.body.problems).toEqual([
      { field: 'templateExtensionId', message: `no extension ${tpl.id}` },
      { field: 'clusterIds.0', message: `no cluster ${a.cluster.id}` },
    ]);
    const own = await k.admin.create('/api/extensions', { clusterId: b.cluster.id, name: 'B template', extension: '5990', allow: 'ulaw' });
    const ok = await desk.json('POST', '/api/batch/submit', { templateExtensionId: own.id, from: '6900', to: '6901', clusterIds: [b.cluster.id] });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ created: 2 });
  });

  it('runs from the command line: acm batch validate|submit by names', async () => {
    const logs: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => { logs.push(x.join(' ')); });
    try {
      const program = new Command('acm').exitOverride();
      const operator = (): Principal => ({ userId: 0, username: 'cli:test', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true });
      registerBatchCommands(program, <T>(fn: (acm: Acm) => Promise<T>) => fn(k.acm), operator);
      await program.parseAsync(['node', 'acm', 'batch', 'validate', '--template-group', 'aSales', '--from', '7000', '--to', '7009', '--cluster', 'acl']);
      expect(logs.at(-1)).toBe('valid: 10 extension(s) would be created');
      await program.parseAsync(['node', 'acm', 'batch', 'submit', '--template-group', 'aSales', '--from', '7000', '--to', '7009', '--cluster', 'acl', '--name-pattern', 'Seat {i}']);
      expect(logs.at(-1)).toMatch(/^created 10 extension\(s\)/);
      await expect(program.parseAsync(['node', 'acm', 'batch', 'submit', '--template-group', 'aSales', '--from', '7000', '--to', '7000', '--cluster', 'nope'])).rejects.toMatchObject({ problems: [{ field: 'cluster.0', message: 'no cluster "nope"' }] });
    } finally {
      spy.mockRestore();
    }
    const seat = await k.acm.orm.em.fork().findOneOrFail(ExtensionSchema, { clusterId: a.cluster.id, extension: '7009' });
    expect(seat.name).toBe('Seat 10');
  });

  it('stays within the license\'s extension quota, creating nothing beyond it', async () => {
    const before = await extCount();
    const res = await api.json('POST', '/api/batch/submit', { templateExtensionId: tpl.id, from: '8000', to: '8999', clusterIds: [a.cluster.id] });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('the license allows 1000 extensions');
    expect(await extCount()).toBe(before);
  });

  it('draws a progress bar on a terminal only', () => {
    const tty = { isTTY: true, text: '', write(x: string) { this.text += x; return true; } };
    const bar = progressBar('creating', tty as unknown as NodeJS.WriteStream, 10);
    bar.update(0, 10);
    bar.update(5, 10);
    bar.update(10, 10);
    bar.done();
    expect(tty.text).toBe('\rcreating [          ]   0% (0/10)\rcreating [#####     ]  50% (5/10)\rcreating [##########] 100% (10/10)\n');
    const pipe = { isTTY: false, text: '', write(x: string) { this.text += x; return true; } };
    const quiet = progressBar('creating', pipe as unknown as NodeJS.WriteStream);
    quiet.update(5, 10);
    quiet.done();
    expect(pipe.text).toBe('');
  });

  it('compresses number lists for messages', () => {
    expect(compressNumbers(['6100', '6101', '6102', '6110', '0700', '0701'])).toBe('0700-0701, 6100-6102, 6110');
  });
});
