import type { Command } from 'commander';
import type { Acm } from '../app.ts';
import { visibleClusterIds } from '../model/visible-clusters.ts';
import type { Principal } from '../../sdk/plugin.ts';
import type { WithAcm } from './batch-commands.ts';
import { printRows } from './output.ts';

/**
 * `acm verify [--cluster X] [--json]`: per server, each file's hash on the server against the
 * deployed revision and what Asterisk has loaded, module by module (see GET /api/verify).
 * Exit code 1 when any server is not `ok` (drift, restart-required, unreachable).
 */
export function registerVerifyCommand(
  program: Command, withAcm: WithAcm, operator: () => Principal, clusterIdByName: (acm: Acm, name: string) => Promise<number>,
): void {
  program.command('verify').description('what each server holds against its deployed revision: file hashes and loaded state (repair with commit --force)')
    .option('--cluster <name>').option('--wait <seconds>', 'wait for AMI connections', '10').option('--json')
    .action((o: { cluster?: string; wait: string; json?: boolean }) => withAcm(async (acm) => {
      await acm.connections.waitConnected(Number(o.wait) * 1000);
      const ids = await visibleClusterIds(acm, operator(), o.cluster ? await clusterIdByName(acm, o.cluster) : undefined);
      const clusters = [];
      for (const id of ids) clusters.push(await acm.commits.drift(id));
      if (o.json) console.log(JSON.stringify({ clusters }, null, 2));
      else {
        printRows(clusters.flatMap((c) => c.servers.map((s) => ({
          cluster: c.cluster, server: s.server, revision: c.revisionId, status: s.status,
          detail: [
            ...s.files.filter((f) => !f.ok).map((f) => `${f.name}: ${f.actual ? 'differs' : 'missing'}`),
            ...s.loaded, ...s.restart, ...(s.error ? [s.error] : []),
          ].join('; '),
        }))), ['cluster', 'server', 'revision', 'status', 'detail'], false);
      }
      if (clusters.some((c) => c.servers.some((s) => s.status !== 'ok'))) process.exitCode = 1;
    }, true, true));
}
