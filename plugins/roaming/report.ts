import { z, type ClusterSnapshotView } from '../../sdk/index.ts';

/** One extension of a number found on several clusters or sites (the seed's roaming view). */
export interface ReportRow {
  number: string;
  extensionId: number;
  name: string;
  tenantId: number;
  clusterId: number;
  cluster: string;
  siteId: number;
  site: string;
  groupId: number | null;
  group: string | null;
  roaming: boolean;
  /** A standard number answered here. */
  standard: boolean;
  mailbox: string | null;
  /** `duplicate-voicemail`: the number has a mailbox on more than one cluster; `name-mismatch`: its extensions differ in name. */
  flags: ('duplicate-voicemail' | 'name-mismatch')[];
}

export const ReportQuery = z.strictObject({
  siteId: z.coerce.number().int().positive().optional(),
  clusterId: z.coerce.number().int().positive().optional(),
  groupId: z.coerce.number().int().positive().optional(),
  /** Number or name, case-insensitive substring. */
  q: z.string().max(80).optional(),
  /** Only numbers with a flag. */
  flagged: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(50),
});
export type ReportQuery = z.output<typeof ReportQuery>;

/**
 * Every number present on more than one cluster or site of a tenant, one row per extension,
 * sorted by number then cluster. Flags are worked out on the whole tenant before any filter, so
 * filtering to one site still shows that its 6179 clashes with another site's.
 */
export function roamingReport(snapshots: readonly ClusterSnapshotView[], roamers: ReadonlySet<number>, standard: ReadonlyMap<string, readonly number[]>, q: ReportQuery) {
  const byNumber = new Map<string, ReportRow[]>();
  for (const s of snapshots) {
    const groups = new Map(s.groups.map((g) => [g.id, g.name]));
    for (const e of s.extensions) {
      const row: ReportRow = {
        number: e.extension, extensionId: e.id, name: e.name, tenantId: s.tenant.id, clusterId: s.cluster.id, cluster: s.cluster.name, siteId: s.site.id, site: s.site.name,
        groupId: e.groupId ?? null, group: e.groupId ? groups.get(e.groupId) ?? null : null, roaming: roamers.has(e.id),
        standard: standard.get(e.extension)?.includes(s.cluster.id) ?? false, mailbox: e.mailbox || null, flags: [],
      };
      byNumber.set(`${s.tenant.id}|${e.extension}`, [...(byNumber.get(`${s.tenant.id}|${e.extension}`) ?? []), row]);
    }
  }
  const rows: ReportRow[] = [];
  for (const list of byNumber.values()) {
    if (list.length < 2) continue;
    const boxes = list.filter((r) => r.mailbox);
    const names = new Set(list.map((r) => r.name.trim().toLowerCase()));
    for (const r of list) {
      if (boxes.length > 1 && r.mailbox) r.flags.push('duplicate-voicemail');
      if (names.size > 1) r.flags.push('name-mismatch');
    }
    rows.push(...list);
  }
  const needle = q.q?.toLowerCase();
  const shown = rows.filter((r) => (q.siteId === undefined || r.siteId === q.siteId) && (q.clusterId === undefined || r.clusterId === q.clusterId)
    && (q.groupId === undefined || r.groupId === q.groupId) && (!needle || r.number.includes(needle) || r.name.toLowerCase().includes(needle))
    && (q.flagged === undefined || (q.flagged === 'true') === (r.flags.length > 0)));
  shown.sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : a.extensionId - b.extensionId));
  return { items: shown.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: shown.length, page: q.page, pageSize: q.pageSize };
}
