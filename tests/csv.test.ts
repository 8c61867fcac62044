import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtensionSchema } from '../core/model/entities.ts';
import { csvLine, EXPORT_COLUMNS, parseCsv, CsvSyntaxError } from '../core/batch/csv.ts';
import { registerBatchCommands } from '../core/cli/batch-commands.ts';
import type { Acm } from '../core/app.ts';
import type { Principal } from '../sdk/plugin.ts';
import type { TestClient } from '../sdk/testing/kernel.ts';
import { seedSite } from './helpers/seed.ts';
import { startBatchKernel } from './helpers/batch-kernel.ts';

let k: Awaited<ReturnType<typeof startBatchKernel>>;
let api: TestClient;
let a: Awaited<ReturnType<typeof seedSite>>;
let b: Awaited<ReturnType<typeof seedSite>>;
let tmp: string;

const extCount = async (where: Record<string, unknown> = {}) => k.acm.orm.em.fork().count(ExtensionSchema, where);
const postCsv = async (c: TestClient, text: string, query = '', type = 'text/csv') => {
  const res = await c.fetch(`/api/extensions/import${query}`, { method: 'POST', headers: { 'content-type': type }, body: text });
  const body = await res.text();
  return { status: res.status, body: body ? JSON.parse(body) : undefined };
};
const getCsv = async (c: TestClient, query = '') => {
  const res = await c.fetch(`/api/extensions/export.csv${query}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

beforeAll(async () => {
  k = await startBatchKernel();
  api = k.api;
  a = await seedSite(k.admin, 'a');
  b = await seedSite(k.admin, 'b');
  await k.admin.create('/api/extensions', { clusterId: a.cluster.id, name: 'Existing', extension: '6100', secret: 'existing-secret-1' });
  tmp = mkdtempSync(join(tmpdir(), 'acm-csv-'));
}, 60_000);
afterAll(async () => {
  await k?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('RFC 4180 reading', () => {
  it('reads quotes, commas and line breaks inside quoted fields, numbering records by their first line', () => {
    const recs = parseCsv('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",z\n\n3,,""\n');
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'two\nlines', 'z'] },
      { line: 6, fields: ['3', '', ''] },
    ]);
  });

  it('rejects broken quoting with the line', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow('line 2: a quoted field is not closed');
    expect(() => parseCsv('a,b\n1,x"y\n')).toThrow('line 2: a quote inside an unquoted field');
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow('line 2: text after a closing quote');
  });

  it('writes what it reads', () => {
    const values = ['plain', 'with, comma', 'with "quote"', 'multi\nline', ' edge ', '', null];
    const text = csvLine(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']) + csvLine(values);
    expect(parseCsv(text)[1]!.fields).toEqual(['plain', 'with, comma', 'with "quote"', 'multi\nline', ' edge ', '', '']);
  });
});

describe('CSV import', () => {
  const header = 'cluster,group,name,extension,mailbox,vmSecret,allow,callerId';

  it('dry-run validates every line and writes nothing', async () => {
    const before = await extCount();
    const text = `${header}\nacl,aSales,Ann Lee,6201,6201,1234,ulaw,\nacl,,"Lee, Bob",6202,,,"ulaw,alaw",\n`;
    const res = await postCsv(api, text, '?dryRun=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ valid: true, problems: [], count: 2 });
    expect(await extCount()).toBe(before);
  });

  it('reports every bad line by number with each bad field, and writes nothing', async () => {
    const before = await extCount();
    const lines = [
      header,
      'acl,aSales,Good One,6301,,,ulaw,', // 2
      'acl,aSales,Bad Codec,6302,,12,klingon,', // 3: vmSecret, allow
      'acl,,Good Two,6303,,,,', // 4
      'nocl,nogroup,Lost,63x4,,,,', // 5: cluster, extension
      'bcl,,Good Three,6305,,,,', // 6
      'bcl,bSales,Good Four,6306,,,,', // 7
      'acl,,Good Five,6307,,,,', // 8
      'acl,,Taken,6100,,,,', // 9: already used in this cluster
    ];
    const text = `${lines.join('\n')}\n`;
    for (const query of ['?dryRun=1', '']) {
      const res = await postCsv(api, text, query);
      expect(res.status).toBe(query ? 200 : 422);
      expect(res.body.problems.map((p: any) => p.field)).toEqual(['line 3.vmSecret', 'line 3.allow', 'line 5.cluster', 'line 5.extension', 'line 9.extension']);
      expect(res.body.problems.find((p: any) => p.field === 'line 9.extension').message).toMatch(/"6100" is already used in this cluster/);
      expect(res.body.problems.find((p: any) => p.field === 'line 5.cluster').message).toBe('no cluster "nocl"');
    }
    expect(await extCount()).toBe(before);
  });

  it('takes quoted commas and reports a line break inside a value (rejected by the schema, never written)', async () => {
    const before = await extCount();
    const text = `${header}\nacl,aSales,"Lee, Ann",6401,,,"ulaw,alaw",\nacl,,"Evil\nName",6402,,,,"Bob <6402>\n[evil]"\nacl,,Fine,6403,,,,\n`;
    const res = await postCsv(api, text);
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([
      { field: 'line 3.name', message: 'must not contain a line break' },
      { field: 'line 3.callerId', message: 'must not contain a line break' },
    ]);
    expect(await extCount()).toBe(before);
    // Without the bad line (the line after a multi-line record keeps its own number).
    const ok = await postCsv(api, `${header}\nacl,aSales,"Lee, Ann",6401,,,"ulaw,alaw","""Lee, Ann"" <6401>"\nacl,,Fine,6403,,,,\n`);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ created: 2 });
    const ann = await k.acm.orm.em.fork().findOneOrFail(ExtensionSchema, { clusterId: a.cluster.id, extension: '6401' });
    expect(ann).toMatchObject({ name: 'Lee, Ann', allow: 'ulaw,alaw', callerId: '"Lee, Ann" <6401>', groupId: a.group.id });
    expect(ann.secret!.length).toBeGreaterThanOrEqual(20);
    expect(ann.vmSecret).toMatch(/^[0-9]{6}$/);
  });

  it('checks the header, duplicates in the file, the dialplan, and the media type', async () => {
    const unknown = await postCsv(api, 'cluster,name,extension,colour\nacl,X,6501,red\n', '?dryRun=1');
    expect(unknown.body.problems).toEqual([{ field: 'line 1.colour', message: 'unknown column' }]);
    const noCluster = await postCsv(api, 'name,extension\nX,6501\n', '?dryRun=1');
    expect(noCluster.body.problems).toEqual([{ field: 'line 1', message: 'a cluster or clusterId column is required' }]);
    const dup = await postCsv(api, `cluster,name,extension\nacl,One,6502\n"acl",Two,6502\nacl,Park,700\nacl,Feature,*97\n${a.cluster.id},Short\n`, '?dryRun=1');
    expect(dup.body.problems).toEqual([
      { field: 'line 3.extension', message: '"6502" is also given by line 2' },
      { field: 'line 4.extension', message: 'number 700 would collide with the park extension of parking lot parking' },
      { field: 'line 5.extension', message: 'number *97 would collide with feature code *97 (voicemail main menu)' },
      { field: 'line 6', message: '2 fields, the header has 3' },
    ].sort((x, y) => x.field.localeCompare(y.field)));
    const byId = await postCsv(api, `clusterId,groupId,name,extension\n${b.cluster.id},${b.group.id},By Id,6503\n`, '?dryRun=1', 'text/plain');
    expect(byId.body).toEqual({ valid: true, problems: [], count: 1 });
    const json = await api.json('POST', '/api/extensions/import', { cluster: 'acl' });
    expect(json.status).toBe(415);
    const empty = await postCsv(api, '', '?dryRun=1');
    expect(empty.body.problems[0]).toMatchObject({ field: 'line 1' });
  });
});

describe('CSV export', () => {
  it('exports the same columns without secrets, filtered by cluster and scope', async () => {
    const all = await getCsv(api);
    expect(all.status).toBe(200);
    expect(all.type).toContain('text/csv');
    const recs = parseCsv(all.text);
    expect(recs[0]!.fields).toEqual([...EXPORT_COLUMNS]);
    expect(EXPORT_COLUMNS).not.toContain('secret');
    expect(EXPORT_COLUMNS).not.toContain('vmSecret');
    expect(all.text).not.toContain('existing-secret-1');
    const onlyB = parseCsv((await getCsv(api, `?clusterId=${b.cluster.id}`)).text).slice(1);
    expect(onlyB.every((r) => r.fields[0] === 'bcl')).toBe(true);
    await k.admin.create('/api/users', { username: 'deska', password: 'helpdesk-pw-12', role: 'helpdesk', tenantId: 1, scopes: [{ type: 'cluster', id: a.cluster.id }] });
    const desk = k.apiClient();
    expect(await desk.login('deska', 'helpdesk-pw-12')).toBe(200);
    const scoped = parseCsv((await getCsv(desk)).text).slice(1);
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((r) => r.fields[0] === 'acl')).toBe(true);
    // …and the scoped user cannot import into another cluster.
    const out = await postCsv(desk, 'cluster,name,extension\nbcl,Nope,6601\n');
    expect(out.status).toBe(422);
    expect(out.body.problems).toEqual([{ field: 'line 2.cluster', message: 'no cluster "bcl"' }]);
  });

  it('round-trips through import', async () => {
    const src = await k.admin.create('/api/clusters', { siteId: a.site.id, name: 'rt' });
    const rows = [
      { name: 'Round, Trip', extension: '6701', callerId: '"RT, one" <6701>', allow: 'ulaw,alaw', mailbox: '6701', language: 'en_US', callLimit: 2, groupId: a.group.id },
      { name: 'Plain', extension: '6702', dtmfMode: 'rfc4733', permit: '10.0.0.0/8', cfwdTo: '+4930123' },
    ];
    for (const r of rows) await k.admin.create('/api/extensions', { clusterId: src.id, ...r });
    const strip = (items: Record<string, unknown>[]) => items.map(({ id: _i, createdAt: _c, updatedAt: _u, secretSet: _s, vmSecretSet: _v, ...x }) => x);
    const list = async () => strip((await k.admin.json('GET', `/api/extensions?clusterId=${src.id}&sort=extension`)).body.items);
    const before = await list();
    const csv = (await getCsv(api, `?clusterId=${src.id}`)).text;
    for (const e of (await k.admin.json('GET', `/api/extensions?clusterId=${src.id}`)).body.items) {
      expect((await k.admin.json('DELETE', `/api/extensions/${e.id}`)).status).toBe(204);
    }
    const imported = await postCsv(api, csv);
    expect(imported).toEqual({ status: 201, body: { created: 2 } });
    expect(await list()).toEqual(before);
    expect((await getCsv(api, `?clusterId=${src.id}`)).text).toBe(csv);
  });

  it('runs from the command line: acm export extensions / acm import extensions [--dry-run]', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...x: unknown[]) => { out.push(x.join(' ')); });
    const error = vi.spyOn(console, 'error').mockImplementation((...x: unknown[]) => { err.push(x.join(' ')); });
    const program = new Command('acm').exitOverride();
    const operator = (): Principal => ({ userId: 0, username: 'cli:test', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true });
    registerBatchCommands(program, <T>(fn: (acm: Acm) => Promise<T>) => fn(k.acm), operator);
    const file = join(tmp, 'b.csv');
    try {
      await program.parseAsync(['node', 'acm', 'export', 'extensions', '--cluster', 'bcl', '--out', file]);
      expect(readFileSync(file, 'utf8').startsWith('cluster,group,name,extension')).toBe(true);
      const good = join(tmp, 'good.csv');
      writeFileSync(good, 'cluster,name,extension\nbcl,CLI One,6801\nbcl,CLI Two,6802\n');
      await program.parseAsync(['node', 'acm', 'import', 'extensions', good, '--dry-run']);
      expect(out.at(-1)).toBe('2 line(s) are valid; nothing was written (dry run)');
      expect(await extCount({ extension: { $in: ['6801', '6802'] } })).toBe(0);
      await program.parseAsync(['node', 'acm', 'import', 'extensions', good]);
      expect(out.at(-1)).toMatch(/^imported 2 extension\(s\)/);
      await program.parseAsync(['node', 'acm', 'import', 'extensions', good]);
      expect(process.exitCode).toBe(2);
      expect(err).toContain('  line 2.extension: "6801" is already used in this cluster (extension ' + (await k.acm.orm.em.fork().findOneOrFail(ExtensionSchema, { extension: '6801' })).id + ')');
    } finally {
      process.exitCode = 0;
      log.mockRestore();
      error.mockRestore();
    }
  });
});
