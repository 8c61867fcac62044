import type { Command } from 'commander';
import type { Principal } from '../../sdk/index.ts';
import type { Participant } from './api/index.ts';

export interface CliDeps {
  participants(user: Principal, id: number): Promise<Participant[]>;
  print(line: string): void;
}

function table(rows: Record<string, unknown>[], cols: string[]): string[] {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))];
}

/**
 * `acm conference participants`, run as the console operator (`CliContext.operator`); the rooms'
 * own commands (`acm conference rooms list|get|add|update|delete|copy`) come from the resource kit.
 */
export function registerCli(group: Command, operator: Principal, deps: CliDeps): void {
  group.description('ConfBridge rooms');
  group.command('participants').description('who is in a room now (asks the servers)').argument('<id>')
    .action(async (id: string) => {
      const rows = await deps.participants(operator, Number(id));
      if (!rows.length) deps.print('nobody');
      else for (const l of table(rows as unknown as Record<string, unknown>[], ['channel', 'callerIdNum', 'callerIdName', 'admin', 'muted', 'talking', 'joinedAt'])) deps.print(l);
    });
}
