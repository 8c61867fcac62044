import type { Command } from 'commander';
import { NotFoundError, type Principal } from '../../sdk/index.ts';
import type { QueueSummaryView } from './api/index.ts';
import type { AgentActions } from './agent-actions.ts';
import type { AgentBoard } from './agents.ts';

export interface CliDeps {
  actions: AgentActions;
  board: AgentBoard;
  /** Per queue, live (QueueStats over the board). */
  summary(clusterId?: number): QueueSummaryView[];
  /** QueueStatus of every connected server: a CLI process has heard no event yet. */
  resync(): Promise<void>;
  clusters(): Promise<{ id: number; name: string }[]>;
  print(line: string): void;
}

/** Columns of `acm queues summary`, padded to the widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

/**
 * `acm queues summary`, `acm queues agents` and `acm queues agent login|logout|pause|unpause`;
 * the queues' and members' own commands (`acm queues queues list …`) come from the resource kit.
 */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  group.description('ACD queues and agents');
  group.command('summary').description('per queue, live: calls waiting, longest wait, service level, answered/abandoned, agents')
    .option('--cluster <name>').option('--json')
    .action(async (o: { cluster?: string; json?: boolean }) => {
      const clusters = await d.clusters();
      const cluster = o.cluster === undefined ? undefined : clusters.find((c) => c.name === o.cluster);
      if (o.cluster !== undefined && !cluster) throw new NotFoundError(`no cluster "${o.cluster}"`);
      await d.resync();
      const rows = d.summary(cluster?.id);
      if (o.json) return d.print(JSON.stringify(rows, null, 2));
      if (!rows.length) return d.print('no queues seen');
      const name = new Map(clusters.map((c) => [c.id, c.name]));
      for (const line of table([
        ['CLUSTER', 'QUEUE', 'WAITING', 'LONGEST', 'SL%', 'ANSWERED', 'ABANDONED', 'AVAILABLE', 'PAUSED', 'BUSY', 'LOGGED-IN'],
        ...rows.map((q) => [name.get(q.clusterId) ?? String(q.clusterId), q.queue, String(q.callers), `${q.longestWaitSeconds}s`, q.serviceLevelPercent === null ? '-' : String(q.serviceLevelPercent),
          String(q.answered), String(q.abandoned), String(q.available), String(q.paused), String(q.busy), String(q.loggedIn)]),
      ])) d.print(line);
    });
  group.command('agents').description('queue members, live').option('--cluster <id>').option('--json')
    .action((o: { cluster?: string; json?: boolean }) => {
      const rows = d.board.list(o.cluster ? Number(o.cluster) : undefined);
      if (o.json) return d.print(JSON.stringify(rows, null, 2));
      if (!rows.length) return d.print('no queue members');
      for (const a of rows) d.print(`${a.queue}  ${a.interface}  ${a.state}${a.pausedReason ? ` (${a.pausedReason})` : ''}  since ${a.since}  calls ${a.callsTaken}`);
    });
  const agent = group.command('agent').description('log an extension in to a queue, out of it, pause or resume it');
  const run = (name: string, fn: (o: Record<string, string>) => Promise<{ servers: number }>) =>
    agent.command(name).requiredOption('--queue <id>').requiredOption('--extension <id>').option('--penalty <n>').option('--reason <reason>')
      .action(async (o: Record<string, string>) => d.print(`${name}: done on ${(await fn(o)).servers} server(s)`));
  const ids = (o: Record<string, string>) => ({ queueId: Number(o.queue), extensionId: Number(o.extension) });
  run('login', (o) => d.actions.login(operator, { ...ids(o), ...(o.penalty ? { penalty: Number(o.penalty) } : {}) }));
  run('logout', (o) => d.actions.logout(operator, ids(o)));
  run('pause', (o) => d.actions.pause(operator, { ...ids(o), reason: o.reason }, true));
  run('unpause', (o) => d.actions.pause(operator, ids(o), false));
}
