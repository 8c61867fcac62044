import type { Command } from 'commander';
import type { Principal } from '../../sdk/index.ts';
import { keyView, type KeyManager } from './keys.ts';
import type { LinkStatus } from './api/index.ts';
import type { ReportRow } from './report.ts';

export interface CliDeps {
  keys: KeyManager;
  report(query: Record<string, unknown>): Promise<{ items: ReportRow[]; total: number }>;
  /** Asks every connected server for its IAX2 and DUNDi peers now. */
  links(): Promise<LinkStatus[]>;
  print(line: string): void;
}

/**
 * `acm roaming keys list|rotate|activate`; links, roamers and standard numbers have the resource
 * kit's commands (`acm roaming links add --clusterId 1 --peerClusterId 2` …).
 */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  group.description('inter-site links, roaming extensions, standard numbers and their keys');
  group.command('report').description('numbers on several clusters or sites: group, cluster, roam flag, voicemail, name; duplicate voicemail and name mismatches flagged')
    .option('--site <id>').option('--cluster <id>').option('--group <id>').option('--flagged', 'only numbers with a flag').option('--json')
    .action(async (o: { site?: string; cluster?: string; group?: string; flagged?: boolean; json?: boolean }) => {
      const r = await d.report({ siteId: o.site, clusterId: o.cluster, groupId: o.group, ...(o.flagged ? { flagged: 'true' } : {}), pageSize: '1000' });
      if (o.json) return d.print(JSON.stringify(r, null, 2));
      if (!r.items.length) return d.print('no number is on more than one cluster or site');
      const rows = [['NUMBER', 'NAME', 'GROUP', 'CLUSTER', 'SITE', 'ROAM', 'VOICEMAIL', 'FLAGS'],
        ...r.items.map((x) => [x.number, x.name, x.group ?? '-', x.cluster, x.site, x.roaming ? 'yes' : x.standard ? 'standard' : 'no', x.mailbox ?? '-', x.flags.join(',') || '-'])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
      for (const row of rows) d.print(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
      if (r.total > r.items.length) d.print(`(${r.items.length} of ${r.total})`);
    });
  group.command('status').description('each inter-site link as every connected server sees it: IAX2 and DUNDi qualify states').option('--json')
    .action(async (o: { json?: boolean }) => {
      const rows = await d.links();
      if (o.json) return d.print(JSON.stringify(rows, null, 2));
      if (!rows.length) return d.print('no linked cluster connected');
      for (const r of rows) d.print(`${r.server.padEnd(16)} → cluster ${String(r.peerClusterId).padEnd(4)} IAX ${r.iax.padEnd(11)} DUNDI ${r.dundi}`);
    });
  const keys = group.command('keys').description('RSA keys of the linked clusters (res_crypto)');
  keys.command('list').description('every key: cluster, state, fingerprint (the Sum `keys show` prints) and age').option('--json')
    .action(async (o: { json?: boolean }) => {
      const rows = (await d.keys.list()).map((k) => keyView(k));
      if (o.json) return d.print(JSON.stringify(rows, null, 2));
      if (!rows.length) return d.print('no keys: link two clusters first');
      for (const k of rows) d.print(`cluster ${k.clusterId}  key ${k.id}  ${k.state.padEnd(8)}  ${k.fingerprint}  ${k.ageDays} day(s)`);
    });
  keys.command('rotate <clusterId>').description('a new key for the cluster, accepted by its peers from the next commit; it still signs with the old one')
    .action(async (clusterId: string) => {
      const k = await d.keys.rotate({ user: operator }, Number(clusterId));
      d.print(`key ${k.id} of cluster ${k.clusterId} is next (${k.fingerprint}): commit, then acm roaming keys activate ${k.clusterId}`);
    });
  keys.command('activate <clusterId>').description('the cluster signs with its next key from the next commit; the old one stays accepted until the following rotation')
    .action(async (clusterId: string) => {
      const k = await d.keys.activate({ user: operator }, Number(clusterId));
      d.print(`key ${k.id} of cluster ${k.clusterId} is active (${k.fingerprint}): commit to switch`);
    });
}
