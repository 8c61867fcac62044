import type { Command } from 'commander';
import type { Principal } from '../../sdk/index.ts';
import type { AgentActions } from './agent-actions.ts';
import type { AgentBoard } from './agents.ts';

export interface CliDeps { actions: AgentActions; board: AgentBoard; print(line: string): void }

/**
 * `acm queues agents` and `acm queues agent login|logout|pause|unpause`; the queues' and
 * members' own commands (`acm queues queues list …`) come from the resource kit.
 */
export function registerCli(group: Command, operator: Principal, d: CliDeps): void {
  group.description('ACD queues and agents');
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
