import type { Command } from 'commander';
import { NotFoundError, visibleTo, type Principal } from '../../sdk/index.ts';
import type { ServerHealth } from './history.ts';

export interface CliDeps {
  /** A round now (the CLI is its own process: it has no earlier round). */
  round(clusterId?: number): Promise<ServerHealth[]>;
  clusters(): Promise<{ id: number; name: string }[]>;
  print(line: string): void;
}

/** `acm monitoring health [--cluster X] [--json]`: each server's state and what is wrong. */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  group.description('server health: disks, memory, load, clock, services, Asterisk modules and trunks');
  group.command('health').description('one health round now: per server its state and the metrics that are not green')
    .option('--cluster <name>').option('--json').option('--all', 'every metric, green ones too')
    .action(async (o: { cluster?: string; json?: boolean; all?: boolean }) => {
      const cluster = o.cluster === undefined ? undefined : (await d.clusters()).find((c) => c.name === o.cluster);
      if (o.cluster !== undefined && !cluster) throw new NotFoundError(`no cluster "${o.cluster}"`);
      const rows = (await d.round(cluster?.id)).filter((h) => visibleTo(operator, h));
      if (o.json) return d.print(JSON.stringify(rows, null, 2));
      if (!rows.length) return d.print('no enabled servers');
      for (const h of rows) {
        d.print(`${h.cluster}/${h.name}: ${h.state}`);
        for (const m of h.metrics.filter((x) => o.all || x.state !== 'green')) d.print(`  ${m.state.padEnd(7)} ${m.label}: ${m.text}`);
      }
    });
}
