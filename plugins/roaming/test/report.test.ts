import { describe, expect, it } from 'vitest';
import type { ClusterSnapshotView, ExtensionView } from '../../../sdk/index.ts';
import { ReportQuery, roamingReport } from '../report.ts';

// The seed's roaming view: 6179 on sfo and ams with a mailbox on both, spelled "Eddie" and "Eddle".
const snap = (id: number, name: string, siteId: number, site: string, exts: Partial<ExtensionView>[]): ClusterSnapshotView => ({
  tenant: { id: 1, name: 'default' }, site: { id: siteId, tenantId: 1, name: site }, cluster: { id, tenantId: 1, siteId, name },
  servers: [], trunks: [], acls: [], groups: [{ id: 7, tenantId: 1, name: 'USSales' }, { id: 8, tenantId: 1, name: 'TechSupport' }],
  extensions: exts.map((e, i) => ({ id: id * 100 + i, tenantId: 1, siteId, clusterId: id, name: 'x', extension: '0', ...e })),
});
const tenant = [
  snap(1, 'tpa1', 1, 'tampa', [{ extension: '5200', name: 'TechSupport', groupId: 8 }, { extension: '6102', name: 'Dana West', groupId: 7 }]),
  snap(2, 'tpa2', 1, 'tampa', [{ extension: '5200', name: 'TechSupport', groupId: 8 }, { extension: '5020', name: 'Rob Lee' }]),
  snap(3, 'sfo', 2, 'sanfrancisco', [{ extension: '5020', name: 'Rob Lee' }, { extension: '6179', name: 'Eddie Cole', mailbox: '6179', groupId: 7 }]),
  snap(4, 'ams', 3, 'amsterdam', [{ extension: '6179', name: 'Eddle Cole', mailbox: '6179', groupId: 7 }]),
];
const q = (over: Record<string, unknown> = {}) => ReportQuery.parse(over);
const report = (over: Record<string, unknown> = {}) => roamingReport(tenant, new Set([400]), new Map([['5200', [2, 1]]]), q(over));

describe('the roaming report', () => {
  it('lists each number on several clusters, one row per extension, with the seed\'s duplicate and mismatch flagged', () => {
    const r = report();
    expect(r.total).toBe(6);
    expect(r.items.map((x) => `${x.number}@${x.cluster} ${x.roaming ? 'roam' : x.standard ? 'std' : '-'} ${x.flags.join('+') || 'ok'}`)).toEqual([
      '5020@sfo - ok', '5020@tpa2 - ok', '5200@tpa1 std ok', '5200@tpa2 std ok',
      '6179@ams roam duplicate-voicemail+name-mismatch', '6179@sfo - duplicate-voicemail+name-mismatch',
    ]);
    expect(r.items[4]).toMatchObject({ group: 'USSales', site: 'amsterdam', mailbox: '6179', name: 'Eddle Cole' });
    expect(r.items.map((x) => x.number)).not.toContain('6102');
  });

  it('filters by site, cluster, group, text and flag after the flags were set on the whole tenant', () => {
    expect(report({ siteId: '2' }).items.map((x) => `${x.number}:${x.flags.length}`)).toEqual(['5020:0', '6179:2']);
    expect(report({ clusterId: 4 }).items.map((x) => x.flags)).toEqual([['duplicate-voicemail', 'name-mismatch']]);
    expect(report({ groupId: 8 }).items.map((x) => x.cluster)).toEqual(['tpa1', 'tpa2']);
    expect(report({ q: 'eddle' }).items.map((x) => x.cluster)).toEqual(['ams']);
    expect(report({ flagged: 'true' }).total).toBe(2);
    expect(report({ pageSize: 4, page: 2 })).toMatchObject({ total: 6, page: 2, items: [{ number: '6179' }, { number: '6179' }] });
  });

  it('refuses a bad query naming the field', () => {
    expect(ReportQuery.safeParse({ siteId: 'x' }).error?.issues[0]?.path).toEqual(['siteId']);
    expect(ReportQuery.safeParse({ sort: 'name' }).success).toBe(false);
  });
});
