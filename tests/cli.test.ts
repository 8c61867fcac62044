import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { testDatabase } from '../sdk/testing/kernel.ts';
import { runAcm } from './helpers/cli.ts';
import { generateLicenseKeys } from '../core/licensing/license.ts';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import pino from 'pino';
import { createAcm } from '../core/app.ts';
import { AuditEventSchema } from '../core/model/entities.ts';

let db: Awaited<ReturnType<typeof testDatabase>>;

const acm = (args: string[], env: Record<string, string> = {}) => runAcm(db, args, env);

beforeAll(async () => { db = await testDatabase(); });
afterAll(async () => { await db?.drop(); });

describe('acm command line', () => {
  it('adds and lists core objects with --json, validating like the API', async () => {
    const site = await acm(['sites', 'add', '--set', 'name=tpa', '--json']);
    expect(site.code).toBe(0);
    const siteId = JSON.parse(site.stdout).id as number;
    const cluster = JSON.parse((await acm(['clusters', 'add', '--data', JSON.stringify({ siteId, name: 'tpa1' }), '--json'])).stdout);
    const ext = await acm(['extensions', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'name=Ann Lee', '--set', 'extension=6120', '--json']);
    expect(ext.code).toBe(0);
    expect(JSON.parse(ext.stdout)).toMatchObject({ name: 'Ann Lee', extension: '6120', clusterId: cluster.id });
    const bad = await acm(['extensions', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'name=Bad', '--set', 'extension=61x', '--set', 'allow=ulaw,nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('extension: digits, optionally with * or # as in feature codes');
    expect(bad.stderr).toMatch(/allow: unknown codec/);
    // The same Asterisk syntax as the API (issue 12: reserved names, hosts with a port, caller ID splitting arguments).
    const trunk = await acm(['trunks', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'name=anonymous', '--set', 'host=evil.com:5060']);
    expect(trunk.code).toBe(2);
    expect(trunk.stderr).toMatch(/name: "anonymous" is reserved/);
    expect(trunk.stderr).toMatch(/host: a host without ":port"/);
    const cid = await acm(['extensions', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'name=Eve', '--set', 'extension=6121', '--set', 'callerId="Eve" <1003,s>']);
    expect(cid.code).toBe(2);
    expect(cid.stderr).toMatch(/callerId: the number must be digits/);
    const list = await acm(['extensions', 'list', '-q', '6120', '--json']);
    expect(JSON.parse(list.stdout).map((e: any) => e.extension)).toEqual(['6120']);
  }, 120_000);

  it("runs a plugin's commands as the console operator: the write is audited and waits under that name", async () => {
    const site = JSON.parse((await acm(['sites', 'add', '--set', 'name=ops', '--json'])).stdout);
    const cluster = JSON.parse((await acm(['clusters', 'add', '--data', JSON.stringify({ siteId: site.id, name: 'ops1' }), '--json'])).stdout);
    const add = await acm(['conference', 'rooms', 'add', '--set', `clusterId=${cluster.id}`, '--set', 'number=8901', '--set', 'startsAt=2026-01-01T09:00:00Z', '--set', 'description=from the console', '--json']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const roomId = Number(JSON.parse(add.stdout).id);
    expect(roomId).toBeGreaterThan(0);
    // The same identity as the core's own commands (core/cli/operator.ts), not a name of the plugin's.
    const operator = `cli:${userInfo().username}`;
    const changes = JSON.parse((await acm(['changes', '--cluster', 'ops1', '--json'])).stdout) as { who: string; what: string }[];
    expect(changes.filter((c) => c.what.includes('conference.room')).map((c) => [c.what, c.who])).toEqual([[`create conference.room ${roomId}`, operator]]);
    const reader = await createAcm({ dbUrl: db.dbUrl, dataDir: db.dataDir, connectServers: false, logger: pino({ level: 'silent' }) });
    try {
      const audit = await reader.orm.em.fork().find(AuditEventSchema, { targetId: String(roomId), action: { $like: 'conference.room.%' } });
      expect(audit.map((e) => [e.action, e.username])).toEqual([['conference.room.create', operator]]);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it('manages users, plugins and the license', async () => {
    const add = await acm(['users', 'add', 'alice', '--role', 'helpdesk', '--scope', 'cluster:1'], { ACM_NEW_PASSWORD: 'alice-password-1' });
    expect(add.code).toBe(0);
    const users = JSON.parse((await acm(['users', 'list', '--json'])).stdout);
    expect(users.map((u: any) => [u.username, u.role])).toEqual([['admin', 'admin'], ['alice', 'helpdesk']]);
    const dis = await acm(['plugins', 'disable', 'status']);
    expect(dis.stdout).toContain('plugin status disabled');
    const plugins = JSON.parse((await acm(['plugins', 'list', '--json'])).stdout);
    expect(plugins.find((p: any) => p.id === 'status')).toMatchObject({ enabled: false, started: false });
    const keys = generateLicenseKeys();
    const keyFile = join(db.dataDir, 'vendor.key');
    writeFileSync(keyFile, keys.privateKeyPem);
    const issued = await acm(['license', 'issue', '--key', keyFile, '--customer', 'ACME', '--features', 'status,ha', '--days', '365', '--out', join(db.dataDir, 'acme.lic')]);
    expect(issued.code).toBe(0);
    const untrusted = await acm(['license', 'install', join(db.dataDir, 'acme.lic')]);
    expect(untrusted.code, untrusted.stderr).toBe(1);
    expect(untrusted.stderr).toContain('license signature is not valid for any trusted key');
    const installed = await acm(['license', 'install', join(db.dataDir, 'acme.lic')], { ACM_LICENSE_PUBLIC_KEYS: keys.publicKeyPem });
    expect(installed.code).toBe(0);
    const show = JSON.parse((await acm(['license', 'show', '--json'], { ACM_LICENSE_PUBLIC_KEYS: keys.publicKeyPem })).stdout);
    expect(show).toMatchObject({ type: 'full', customer: 'ACME', features: ['status', 'ha'], daysRemaining: 365 });
  }, 120_000);
});
