import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';

import { pluginRoot } from './helpers/plugin-root.ts';

/** A validator that warns of extensions without a mailbox and refuses one called "Blocked". */
const LINT = `ctx.extend(sdk.commitValidators, 'lint', {
  validate: (s) => s.extensions.flatMap((e) => [
    ...(e.mailbox ? [] : [{ object: 'extension ' + e.extension, field: 'mailbox', message: 'has no mailbox', severity: 'warning' }]),
    ...(e.name === 'Blocked' ? [{ object: 'extension ' + e.extension, message: 'is blocked', severity: 'error' }] : []),
  ]),
});`;

let k: TestKernel;
let root: ReturnType<typeof pluginRoot>;
let cluster: Record<string, any>;

beforeAll(async () => {
  root = pluginRoot([{ id: 'lint', setup: LINT }], 'name: test\nplugins:\n  lint: true\n');
  k = await startTestKernel({ rootDir: root.dir, site: root.site });
  const site = await k.admin.create('/api/sites', { name: 'tpa' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'tpa1' });
}, 60_000);

afterAll(async () => {
  await k?.stop();
  root?.remove();
});

describe('validator warnings', () => {
  it('come back with each revision of the commit (and of a dry run) without blocking it', async () => {
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Alice', extension: '6101', secret: 'alice-secret-1' });
    const warnings = [{ field: 'tpa1: extension 6101 (mailbox)', message: 'has no mailbox (lint)' }];
    const dry = await k.admin.json('POST', '/api/commit', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.revisions).toMatchObject([{ cluster: 'tpa1', status: 'changed', dryRun: true, warnings }]);
    const res = await k.admin.json('POST', '/api/commit', {});
    expect(res.status).toBe(200);
    expect(res.body.revisions).toMatchObject([{ cluster: 'tpa1', status: 'deployed', warnings }]);
  });

  it('are left out when there are none; errors still refuse the commit', async () => {
    const alice = (await k.admin.json('GET', '/api/extensions?q=6101')).body.items[0];
    expect((await k.admin.json('PUT', `/api/extensions/${alice.id}`, { mailbox: '6101', vmSecret: '908172' })).status).toBe(200);
    const res = await k.admin.json('POST', '/api/commit', {});
    expect(res.body).toMatchObject({ revisions: [{ status: 'deployed' }] });
    expect(res.body.revisions[0]).not.toHaveProperty('warnings');
    await k.admin.create('/api/extensions', { clusterId: cluster.id, name: 'Blocked', extension: '6102', secret: 'blocked-secret-1', mailbox: '6102', vmSecret: '918273' });
    const refused = await k.admin.json('POST', '/api/commit', {});
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([{ field: 'tpa1: extension 6102', message: 'is blocked (lint)' }]);
  });
});
