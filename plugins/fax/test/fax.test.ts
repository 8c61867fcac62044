/**
 * The fax plugin's first part: fax numbers and allowed senders through the kit's API (every bad
 * field a 422, tenant isolation), and the rendered ReceiveFAX/SendFAX contexts deployed by a
 * commit to a simulated Asterisk 20, whose dialplan then holds them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSnapshotView } from '../../../sdk/index.ts';
import { Command } from 'commander';
import { cliContext, startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import { waitUntil } from '../../../sdk/testing/wait.ts';
import { renderFaxDialplan } from '../render.ts';
import type { FaxNumber } from '../entities.ts';

const P = '/api/plugins/fax';
let k: TestKernel;
let sim: SimulatedAsterisk;
const ids: Record<string, number> = {};

beforeAll(async () => {
  k = await startTestKernel({ plugins: ['fax'], connectServers: true });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  ids.cluster = (await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' })).id;
  ({ sim } = await simulatedServer(k, ids.cluster!, { name: 'tpa1-ast1' }));
}, 60_000);
afterAll(async () => { await k?.stop(); await sim?.stop(); });

describe('fax numbers and senders', () => {
  it('creates a number with its e-mail list, normalised', async () => {
    const n = await k.admin.create(`${P}/numbers`, { clusterId: ids.cluster, number: '+15551230001', label: 'Sales fax', emails: ' a@example.com, b@example.org ' });
    expect(n).toMatchObject({ number: '+15551230001', emails: 'a@example.com,b@example.org', tenantId: 1 });
    ids.number = n.id;
  });

  it('refuses a number that is not dial syntax and bad addresses, naming each field', async () => {
    const r = await k.admin.json('POST', `${P}/numbers`, { clusterId: ids.cluster, number: '555,1)', emails: 'a@example.com,not an address' });
    expect(r.status).toBe(422);
    expect(r.body.problems.map((p: any) => p.field).sort()).toEqual(['emails', 'number']);
    const dup = await k.admin.json('POST', `${P}/numbers`, { clusterId: ids.cluster, number: '+15551230001', emails: 'c@example.com' });
    expect(dup.status).toBe(422);
    expect(dup.body.problems[0].field).toBe('number');
  });

  it('keeps senders per tenant and checks the address', async () => {
    expect((await k.admin.json('POST', `${P}/senders`, { email: 'boss@example.com' })).status).toBe(201);
    const bad = await k.admin.json('POST', `${P}/senders`, { email: 'boss@@example.com' });
    expect(bad.status).toBe(422);
    expect(bad.body.problems[0].field).toBe('email');
    const t2 = await k.admin.create('/api/tenants', { name: 'acme' });
    await k.admin.create('/api/users', { username: 'other', password: 'other-Password-1', role: 'admin', tenantId: t2.id });
    const other = k.client();
    expect(await other.login('other', 'other-Password-1')).toBe(200);
    expect((await other.json('GET', `${P}/senders`)).body.items).toEqual([]);
    expect((await other.json('GET', `${P}/numbers/${ids.number}`)).status).toBe(404);
    expect((await other.create(`${P}/senders`, { email: 'boss@example.com' })).tenantId).toBe(t2.id);
  });

  it('a commit deploys the inbound and outbound fax contexts and Asterisk loads them', async () => {
    const res = await k.admin.json('POST', '/api/commit', { clusterId: ids.cluster });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const out = (sim.ami.cli('dialplan show acm-fax-in') ?? []).join('\n');
    expect(out).toContain('ReceiveFAX(${ACM_FAX_FILE})');
    expect(out).toContain('+15551230001');
    expect((sim.ami.cli('dialplan show acm-fax-out') ?? []).join('\n')).toContain('SendFAX(${ACM_FAX_FILE})');
  });
});

/**
 * The receiving side of the recorded Asterisk 20 fax (tests/fixtures/asterisk20/ami-ev-fax.txt,
 * channel ;2), sent by the simulated server as recorded but with the spool file acm-fax-in names.
 * The simulator does not run ReceiveFAX itself yet: this replays what Asterisk sent.
 */
function recordedReceive(file: string): [string, [string, string][]][] {
  const text = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/asterisk20/ami-ev-fax.txt'), 'utf8');
  return text.split(/\r\n\r\n/).filter((b) => b.startsWith('Event: ')).map((b) => b.split('\r\n').map((l) => {
    const i = l.indexOf(':');
    const [k, v] = [l.slice(0, i), l.slice(i + 1).replace(/^ /, '')];
    return [k, (k === 'FileName' || k === 'AppData') && v.includes('rx-') ? file : v] as [string, string];
  })).filter((f) => f.some(([k, v]) => k === 'Channel' && v.endsWith(';2')))
    .map((f) => [f[0]![1], f.slice(1).filter(([k]) => k !== 'Privilege')]);
}

describe('received faxes', () => {
  it('a fax received on a DID is logged as a job of its tenant with the caller, pages and status', async () => {
    for (const [name, fields] of recordedReceive('/var/spool/asterisk/fax/t1/in-15551230001-acm-ast20-1795420672.167.tif')) sim.state.emitAmi(name, 'call', fields);
    const jobs = await waitUntil(async () => { const b = (await k.admin.json('GET', `${P}/jobs`)).body; return b.items.length ? b.items : null; }, 'the received fax logged');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ tenantId: 1, clusterId: ids.cluster, direction: 'in', status: 'received', remoteNumber: '5550100', localNumber: '15551230001', pages: 1, faxStatus: 'SUCCESS', faxError: null });
    const other = k.client();
    expect(await other.login('other', 'other-Password-1')).toBe(200);
    expect((await other.json('GET', `${P}/jobs`)).body.items).toEqual([]);
  });

  it('a file naming another tenant than the server\'s is not logged', async () => {
    for (const [name, fields] of recordedReceive('/var/spool/asterisk/fax/t2/in-15551230001-x.tif')) sim.state.emitAmi(name, 'call', fields.map(([k, v]) => [k, k === 'Uniqueid' ? 'other-1' : v]));
    await new Promise((r) => setTimeout(r, 300));
    expect((await k.admin.json('GET', `${P}/jobs`)).body.items).toHaveLength(1);
  });
});

describe('acm fax list', () => {
  it('prints the log as the API has it', async () => {
    const out: string[] = [];
    const orig = console.log;
    console.log = (line: string) => out.push(line);
    try {
      const group = new Command('fax').exitOverride();
      for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === 'fax')) r.register(group, cliContext());
      await group.parseAsync(['list', '--json'], { from: 'user' });
    } finally {
      console.log = orig;
    }
    expect(JSON.parse(out.join('\n'))).toMatchObject([{ direction: 'in', status: 'received', localNumber: '15551230001', pages: 1 }]);
  });
});

describe('renderFaxDialplan', () => {
  const snap = (tenantId: number): ClusterSnapshotView => ({
    tenant: { id: tenantId, name: 'x' }, site: { id: 1, tenantId, name: 's' }, cluster: { id: 7, tenantId, siteId: 1, name: 'c' },
    servers: [], acls: [], groups: [], extensions: [], trunks: [],
  });
  const num = (n: Partial<FaxNumber>): FaxNumber => ({ id: 1, tenantId: 1, siteId: 1, clusterId: 7, number: '4000', emails: 'a@b.cd', createdAt: new Date(0), updatedAt: new Date(0), ...n });

  it('prefixes other tenants and spools per tenant', () => {
    const t = renderFaxDialplan(snap(7), [num({ tenantId: 7, number: '+4930123' })], '/var/spool/asterisk/fax');
    expect(t).toContain('[t7-acm-fax-in]');
    expect(t).toContain('exten => +4930123,1,Answer()');
    expect(t).toContain('Set(ACM_FAX_FILE=/var/spool/asterisk/fax/t7/in-4930123-${UNIQUEID}.tif)');
    expect(t).toContain('[t7-acm-fax-out]');
  });

  it('refuses a stored number or spool that would break the arguments', () => {
    expect(() => renderFaxDialplan(snap(1), [num({ number: '40,00' })], '/var/spool/fax')).toThrow(/cannot be an extension/);
    expect(() => renderFaxDialplan(snap(1), [], '/var/spool/fax)')).toThrow(/cannot go into/);
    expect(() => renderFaxDialplan(snap(1), [num({ label: 'x\n[evil]' })], '/var/spool/fax')).toThrow();
  });
});
