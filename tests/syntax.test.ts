import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtensionSchema } from '../core/model/entities.ts';
import type { TestClient } from '../sdk/testing/kernel.ts';
import { startBatchKernel } from './helpers/batch-kernel.ts';
import { seedSite } from './helpers/seed.ts';

/**
 * Issue 12, facts 4, 5, 6, 9 and 10: every value Asterisk would misread is refused with 422 naming
 * the field, through the API and through CSV import (the same schema).
 */
let k: Awaited<ReturnType<typeof startBatchKernel>>;
let api: TestClient;
let a: Awaited<ReturnType<typeof seedSite>>;

beforeAll(async () => {
  k = await startBatchKernel();
  api = k.api;
  a = await seedSite(k.admin, 'a');
}, 60_000);
afterAll(async () => { await k?.stop(); });

const problemsOf = async (method: 'POST' | 'PUT', path: string, body: Record<string, unknown>) => {
  const res = await api.json(method, path, body);
  return { status: res.status, problems: (res.body?.problems ?? []) as { field: string; message: string }[] };
};

/** [resource, field, bad value, what the message says]; each is sent alone on an otherwise good row. */
const BAD: [string, string, unknown, RegExp][] = [
  // fact 4: the two recorded acl.conf lines, and what else main/acl.c misreads
  ['acls', 'rules.0.network', '::ffff:10.0.0.1/120', /IPv4-mapped/],
  ['acls', 'rules.0.network', '2001:db8::/255.255.0.0', /same address scheme/],
  ['acls', 'rules.0.network', '10.0.0.0/8,0.0.0.0/0', /one network per rule/],
  ['acls', 'rules.0.network', '!10.0.0.0/8', /inverts/],
  ['extensions', 'permit', '::ffff:10.0.0.1/120', /IPv4-mapped/],
  ['extensions', 'deny', '2001:db8::/255.255.0.0', /same address scheme/],
  // fact 5: names with a special meaning
  ['trunks', 'name', 'anonymous', /reserved/],
  ['trunks', 'name', 'transport-udp', /reserved/],
  ['trunks', 'name', 'grp-aSales', /grp-/],
  ['trunks', 'name', 'acm-mark-7', /acm-mark-/],
  ['trunks', 'name', 't7-itsp', /another tenant/],
  ['trunks', 'context', 'general', /reserved/],
  ['acls', 'name', 'general', /reserved/],
  ['groups', 'context', 'internal', /reserved/],
  ['groups', 'context', 'globals', /reserved/],
  ['groups', 'rights.0', 'general', /reserved/],
  ['extensions', 'context', 'globals', /reserved/],
  ['extensions', 'mailbox', '6150@zonemessages', /reserved/],
  ['extensions', 'musicOnHold', 'general', /reserved/],
  // fact 6: values that reach dialplan arguments
  ['extensions', 'callerId', '"Eve" <1003,s>', /digits/],
  ['extensions', 'callerId', 'Eve', /expected "Name" <number>/],
  ['extensions', 'cfwdTo', '1003,s', /digits/],
  // fact 9: byte limits Asterisk cuts at
  ['extensions', 'name', 'é'.repeat(80), /79 bytes/],
  ['extensions', 'callerId', `"${'é'.repeat(40)}" <6150>`, /79 bytes/],
  ['groups', 'name', 'g'.repeat(76), /75 characters/],
  ['trunks', 'outboundPatterns.0', `_9${'X'.repeat(78)}`, /79/],
  // fact 10: hosts
  ['trunks', 'host', 'evil.com:5060', /without ":port"/],
  ['trunks', 'host', '-evil', /must not start or end with "-"/],
  ['trunks', 'host', '[2001:db8::1]', /without brackets/],
  ['trunks', 'fromDomain', 'evil.com:5060', /without ":port"/],
  ['extensions', 'host', 'evil.com:5060', /without ":port"/],
  ['extensions', 'fromDomain', '-evil', /must not start or end with "-"/],
  ['extensions', 'fromDomain', `${'a'.repeat(60)}.${'b'.repeat(20)}`, /80/],
  ['servers', 'host', 'evil.com:22', /without ":port"/],
  // fact 8: the bind address
  ['clusters', 'sipBindAddress', '0.0.0.0:5060', /not an IP address/],
  ['clusters', 'sipBindAddress', 'sip.example.net', /not an IP address/],
];

const good = (): Record<string, Record<string, unknown>> => ({
  acls: { name: 'ok-acl', rules: [{ action: 'permit', network: '10.1.0.0/16' }] },
  extensions: { clusterId: a.cluster.id, name: 'Good', extension: '6150', secret: 'good-secret-1', mailbox: '6150', vmSecret: '4321' },
  trunks: { clusterId: a.cluster.id, name: 'ok-trunk', host: 'sip.example.net', outboundPatterns: ['_7NXXNXXXXXX'] },
  groups: { name: 'okGroup', context: 'okctx', rights: ['internal'] },
  servers: { clusterId: a.cluster.id, name: 'okast', host: '127.0.0.21' },
  clusters: { siteId: a.site.id, name: 'okcl' },
});

/** Sets `field` (a dotted path such as rules.0.network) in a copy of `body`. */
function withField(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const path = field.split('.');
  let at: any = copy;
  for (const p of path.slice(0, -1)) at = at[p];
  at[path.at(-1)!] = value;
  return copy;
}

describe('422 naming the field, through the API', () => {
  it.each(BAD)('POST %s with %s = %j', async (resource, field, value, message) => {
    const r = await problemsOf('POST', `/api/${resource}`, withField(good()[resource]!, field, value));
    expect(r.status).toBe(422);
    expect(r.problems).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('takes the good rows these are variations of, so each refusal is the one field', async () => {
    for (const [resource, body] of Object.entries(good())) {
      const res = await api.json('POST', `/api/${resource}`, body);
      expect(res.status, `${resource}: ${JSON.stringify(res.body)}`).toBe(201);
      expect((await api.json('DELETE', `/api/${resource}/${res.body.id}`)).status).toBe(204);
    }
  });

  it('refuses a bad value on PUT too, and keeps the stored row', async () => {
    const r = await problemsOf('PUT', `/api/trunks/${a.trunk.id}`, { host: 'evil.com:5060' });
    expect(r.status).toBe(422);
    expect(r.problems).toEqual([{ field: 'host', message: expect.stringMatching(/without ":port"/) }]);
    expect((await api.json('GET', `/api/trunks/${a.trunk.id}`)).body.host).toBe('sip.example.net');
  });

  it('takes the forms Asterisk reads as meant', async () => {
    const ext = await api.create('/api/extensions', {
      clusterId: a.cluster.id, name: 'Zoë Ångström', extension: '6151', secret: 'good-secret-2',
      callerId: '"Ångström, Zoë" <+4930123>', permit: '2001:db8::/32', deny: '10.0.0.0/255.0.0.0', host: '2001:db8::7', context: 'internal',
    });
    expect(ext).toMatchObject({ callerId: '"Ångström, Zoë" <+4930123>', permit: '2001:db8::/32', host: '2001:db8::7' });
    const cluster = await api.create('/api/clusters', { siteId: a.site.id, name: 'bindcl', sipBindAddress: '10.20.0.10' });
    expect(cluster.sipBindAddress).toBe('10.20.0.10');
    const put = await api.json('PUT', `/api/clusters/${cluster.id}`, { sipBindAddress: '::' });
    expect(put.status).toBe(200);
    expect((await api.json('GET', `/api/clusters/${cluster.id}`)).body.sipBindAddress).toBe('::');
  });
});

describe('422 naming the line and field, through CSV import', () => {
  const post = async (text: string) => {
    const res = await api.fetch('/api/extensions/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: text });
    return { status: res.status, body: JSON.parse(await res.text()) };
  };

  it('refuses each bad extension value of the issue, and writes nothing', async () => {
    const cases = BAD.filter(([resource]) => resource === 'extensions');
    const fields = [...new Set(cases.map(([, field]) => field))];
    const header = ['cluster', 'name', 'extension', ...fields.filter((f) => f !== 'name')];
    const quote = (v: unknown) => `"${String(v).replace(/"/g, '""')}"`;
    const lines = cases.map(([, field, value], i) => {
      const row: Record<string, unknown> = { cluster: a.cluster.name, name: `Csv ${i}`, extension: String(6200 + i), [field]: value };
      return header.map((h) => (row[h] === undefined ? '' : quote(row[h]))).join(',');
    });
    const before = await k.acm.orm.em.fork().count(ExtensionSchema, {});
    const res = await post([header.join(','), ...lines].join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual(cases.map(([, field, , message], i) => ({ field: `line ${i + 2}.${field}`, message: expect.stringMatching(message) })));
    expect(await k.acm.orm.em.fork().count(ExtensionSchema, {})).toBe(before);
  });
});
