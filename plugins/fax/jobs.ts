import type { Command } from 'commander';
import { visibleTo, type EntityManager, type Principal } from '../../sdk/index.ts';
import { FaxJobSchema, type FaxJob } from './entities.ts';

/** The newest jobs the user may see (their tenant, then their cluster scopes), for the API and the CLI. */
export async function listJobs(em: EntityManager, user: Principal, limit = 500): Promise<FaxJob[]> {
  const rows = await em.find(FaxJobSchema, user.tenantId === null ? {} : { tenantId: user.tenantId }, { orderBy: { id: 'desc' }, limit });
  return rows.filter((r) => visibleTo(user, { tenantId: r.tenantId, clusterId: r.clusterId ?? undefined }));
}

/** `acm fax list`; numbers and senders come from the resource kit (`acm fax numbers …`). */
export function registerCli(group: Command, operator: Principal, em: () => EntityManager, print: (l: string) => void): void {
  group.description('fax gateway: fax numbers, allowed senders and the fax log');
  group.command('list').description('the fax log, newest first').option('--json')
    .action(async (o: { json?: boolean }) => {
      const jobs = await listJobs(em(), operator);
      if (o.json) return print(JSON.stringify(jobs, null, 2));
      for (const j of jobs) {
        print(`${j.id}\t${j.direction}\t${j.status}\t${j.remoteNumber ?? '-'}\t${j.localNumber ?? '-'}\t${j.pages ?? 0} p\t${j.reason ?? ''}`);
      }
    });
}
