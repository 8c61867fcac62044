/**
 * The plugin end to end through the API: enabled on a test kernel, a seeded set of weak and
 * strong accounts audited (each finding asserted, and no others), alerts ingested and routed,
 * the CLI and the status tile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliContext, startTestKernel, type TestKernel } from '../../sdk/testing/kernel.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');


const SECRETS = ['Vq7#pL2m!xR9tZk4', '12345678', '6103carol', 'Shared#Secret2024', 'eve6105x', 'Tq9!vB3nW7#kLp0z'];

let k: TestKernel;
let cluster: Record<string, any>;

beforeAll(async () => {
  k = await startTestKernel();
  const en = await k.admin.json('POST', '/api/plugins/enable', { id: 'security' });
  expect(en.status, JSON.stringify(en.body)).toBe(200);
  const site = await k.admin.create('/api/sites', { name: 'secsite' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'sec1' });
  await k.admin.create('/api/acls', { name: 'office', rules: [{ action: 'deny', network: '0.0.0.0/0' }, { action: 'permit', network: '10.0.0.0/8' }] });
  await k.admin.create('/api/acls', { name: 'leaky', rules: [{ action: 'permit', network: '10.0.0.0/8' }] });
  await k.admin.create('/api/groups', { name: 'Sales', context: 'sales', rights: ['internal'] });
  await k.admin.create('/api/groups', { name: 'Intl', context: 'intl', rights: ['internal', 'international'] });
  await k.admin.create('/api/groups', { name: 'Guest', context: 'guest', rights: ['internal', 'local'] });
  const ext = (extension: string, name: string, more: Record<string, unknown>) => k.admin.create('/api/extensions', { clusterId: cluster.id, extension, name, ...more });
  await ext('6101', 'Strong Alice', { secret: SECRETS[0], acl: 'office', mailbox: '6101', vmSecret: '739214' });
  await ext('6102', 'Bob', { secret: SECRETS[1], mailbox: '6102', vmSecret: '1234' });
  await ext('6103', 'Carol', { secret: SECRETS[2], acl: 'leaky', mailbox: '6103' });
  await ext('6104', 'Dave', { secret: SECRETS[3], acl: 'office', mailbox: '6104', vmSecret: '6104' });
  await ext('6105', 'Eve', { authUser: 'eve6105x', secret: SECRETS[4], permit: '10.1.0.0/16' });
  await ext('6106', 'Frank', { acl: 'office' });
  await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'itsp-good', host: 'sip.example.net', username: 'acct991', secret: SECRETS[5], acl: 'office', register: true });
  await k.admin.create('/api/trunks', { clusterId: cluster.id, name: 'itsp-bad', host: 'sip.example.org', username: 'acct2', secret: SECRETS[3], context: 'intl' });
}, 60_000);

afterAll(async () => { await k?.stop(); });

describe('config audit', () => {
  it('reports each weakness of the seeded accounts and nothing on the strong ones', async () => {
    const res = await k.admin.json('GET', '/api/plugins/security/audit');
    expect(res.status).toBe(200);
    const got = (res.body.findings as any[]).map((f) => `${f.object.type} ${f.object.name}: ${f.rule} (${f.severity})`).sort();
    expect(got).toEqual([
      'context guest: context.guest-outbound (critical)',
      'extension 6102: acl.none (medium)',
      'extension 6102: password.numeric (high)',
      'extension 6102: password.short (medium)',
      'extension 6102: voicemail.pin-default (high)',
      'extension 6103: acl.permits-any (high)',
      'extension 6103: password.contains-username (high)',
      'extension 6103: password.short (medium)',
      'extension 6103: voicemail.pin-empty (high)',
      'extension 6104: password.reused (high)',
      'extension 6104: voicemail.pin-extension (high)',
      'extension 6105: acl.permits-any (high)',
      'extension 6105: password.equals-username (critical)',
      'extension 6105: password.short (medium)',
      'extension 6106: password.missing (high)',
      'trunk itsp-bad: acl.none (medium)',
      'trunk itsp-bad: context.unauth-outbound (critical)',
      'trunk itsp-bad: password.reused (high)',
    ]);
    expect(res.body.summary).toEqual({ critical: 3, high: 10, medium: 5, low: 0 });
    // Critical first.
    expect(res.body.findings[0].severity).toBe('critical');
    for (const f of res.body.findings) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
      expect(f.cluster).toBe('sec1');
    }
    const reused = res.body.findings.find((f: any) => f.rule === 'password.reused' && f.object.name === '6104');
    expect(reused.message).toContain('trunk itsp-bad');
    // No secret, PIN or password ever appears in an answer.
    const text = JSON.stringify(res.body);
    for (const s of [...SECRETS, '739214']) expect(text).not.toContain(s);
  });

  it('filters by cluster and refuses what is not there', async () => {
    expect((await k.admin.json('GET', `/api/plugins/security/audit?clusterId=${cluster.id}`)).body.findings.length).toBe(18);
    expect((await k.admin.json('GET', '/api/plugins/security/audit?clusterId=9999')).status).toBe(404);
    const bad = await k.admin.json('GET', '/api/plugins/security/audit?clusterId=abc');
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.problems).toEqual([{ field: 'clusterId', message: expect.any(String) }]);
  });

  it('answers a bad query or path value with 422 naming each field, as the core does', async () => {
    const q = await k.admin.json('GET', '/api/plugins/security/alerts?minLevel=99&limit=0');
    expect(q.status).toBe(422);
    expect(q.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['limit', 'minLevel']);
    const path = await k.admin.json('GET', '/api/plugins/security/servers/abc/posture');
    expect(path.status).toBe(422);
    expect(path.body.problems).toEqual([{ field: 'id', message: expect.any(String) }]);
    const blacklist = await k.admin.json('POST', '/api/plugins/security/blacklist', { clusterId: 0, address: '203.0.113.9' });
    expect(blacklist.status).toBe(422);
    expect(blacklist.body.problems.map((p: { field: string }) => p.field)).toEqual(['clusterId']);
  });

  it('needs a session', async () => {
    expect((await k.client().json('GET', '/api/plugins/security/audit')).status).toBe(401);
  });

  it('`acm security audit --json` prints the same findings and flags criticals in the exit code', async () => {
    // The plugin's own commands and its resources' (`targets`, `blacklist`) register one after another.
    const regs = (k.acm as any).kernel.cliRegistrars().filter((r: any) => r.id === 'security');
    expect(regs.length).toBeGreaterThan(0);
    const program = new Command().exitOverride();
    for (const reg of regs) reg.register(program, cliContext());
    expect(program.commands.map((c) => c.name()).sort()).toEqual(['alerts', 'audit', 'blacklist', 'targets']);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
    const before = process.exitCode;
    try {
      await program.parseAsync(['audit', '--json'], { from: 'user' });
      const out = JSON.parse(lines.join('\n'));
      expect(out.findings.length).toBe(18);
      expect(out.summary.critical).toBe(3);
      expect(process.exitCode).toBe(2);
      lines.length = 0;
      await program.parseAsync(['audit'], { from: 'user' });
      expect(lines.at(-1)).toMatch(/^18 findings in \d+ clusters: 3 critical, 10 high, 5 medium, 0 low$/);
      expect(lines.join('\n')).not.toContain(SECRETS[1]);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
  });
});

describe('alert ingest and routing', () => {
  it('takes Wazuh JSON, OSSEC syslog and alerts.log text, reports bad lines by number and loses none', async () => {
    const text = [fixture('wazuh-alerts.json').trim(), 'this is not an alert', fixture('ossec-syslog.txt').trim(), '', fixture('ossec-alerts.log').trim()].join('\n');
    const res = await k.admin.fetch('/api/plugins/security/alerts', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
    expect(res.status).toBe(200);
    const body = await res.json() as any;
    expect(body.errors).toEqual([{ line: 5, error: expect.stringMatching(/not an OSSEC syslog alert/) }]);
    expect(body.accepted).toBe(4 + 3 + 2);
    expect(body.alerts.map((a: any) => a.line)).toEqual([1, 2, 3, 4, 6, 7, 8, 10, 17]);
    // Routing: level >= 5 to the NOC, >= 7 notified.
    expect(body.alerts.map((a: any) => [a.level, a.noc, a.notified])).toEqual([
      [5, true, false], [10, true, true], [3, false, false], [7, true, true], [7, true, true], [4, false, false], [10, true, true], [4, false, false], [7, true, true],
    ]);
  });

  it('deduplicates the same alert within the window and counts it', async () => {
    const line = fixture('wazuh-alerts.json').split('\n')[1]!;
    const first = await k.admin.json('POST', '/api/plugins/security/alerts', { text: line });
    expect(first.body.deduplicated).toBe(1); // already seen in the previous test
    const noc = await k.admin.json('GET', '/api/plugins/security/alerts?view=noc');
    expect(noc.status).toBe(200);
    const brute = (noc.body as any[]).filter((a) => a.ruleId === '5712' && a.srcIp === '203.0.113.45');
    expect(brute).toHaveLength(1);
    expect(brute[0]).toMatchObject({ count: 2, level: 10, source: 'wazuh', location: '/var/log/auth.log', noc: true, notified: true });
    expect((noc.body as any[]).every((a) => a.level >= 5)).toBe(true);
    const all = await k.admin.json('GET', '/api/plugins/security/alerts?minLevel=0&limit=1000');
    expect((all.body as any[]).some((a) => a.level < 5)).toBe(true);
  });

  it('refuses a body that is not alert text', async () => {
    const notText = await k.admin.json('POST', '/api/plugins/security/alerts', { nothing: 1 });
    expect(notText.status).toBe(422);
    expect(notText.body.problems).toEqual([{ field: 'text', message: 'send alerts as text/plain (one per line), or JSON {"text": "…"}' }]);
    const allBad = await k.admin.fetch('/api/plugins/security/alerts', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x\ny\n' });
    expect(allBad.status).toBe(422);
    expect(((await allBad.json()) as any).errors.map((e: any) => e.line)).toEqual([1, 2]);
  });

  it('shows alerts in the Security status tile', async () => {
    const tiles = await k.admin.json('GET', '/api/plugins/status/tiles');
    expect(tiles.status).toBe(200);
    const tile = (tiles.body as any[]).find((t) => t.id === 'security');
    expect(tile).toMatchObject({ title: 'Security', state: 'red' });
    expect(tile.summary).toMatch(/alerts for the NOC/);
  });

  it('status lists servers with posture (none collected) and alert counts', async () => {
    const st = await k.admin.json('GET', '/api/plugins/security/status');
    expect(st.status).toBe(200);
    expect(st.body.alerts.noc).toBeGreaterThan(0);
    expect(st.body.servers).toEqual([]);
  });
});
