import type { Command } from 'commander';
import type { Principal } from '../../sdk/index.ts';
import type { RoomView, Participant } from './api/index.ts';

export interface CliDeps {
  list(user: Principal, query: Record<string, unknown>): Promise<{ items: RoomView[]; total: number }>;
  create(user: Principal, body: Record<string, unknown>): Promise<RoomView>;
  remove(user: Principal, id: number): Promise<void>;
  participants(user: Principal, id: number): Promise<Participant[]>;
  print(line: string): void;
}

function table(rows: Record<string, unknown>[], cols: string[]): string[] {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cols), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))];
}

/** `acm conference list|add|delete|participants`, run as the console operator (`CliContext.operator`). */
export function registerCli(group: Command, operator: Principal, deps: CliDeps): void {
  group.description('ConfBridge rooms');
  group.command('list').description('list rooms').option('-q, --query <text>', 'search').option('--cluster <id>', 'only this cluster')
    .action(async (o: { query?: string; cluster?: string }) => {
      const page = await deps.list(operator, { q: o.query, clusterId: o.cluster, pageSize: 1000 });
      for (const l of table(page.items as unknown as Record<string, unknown>[], ['id', 'number', 'clusterId', 'startsAt', 'endsAt', 'recurrence', 'externalNumber', 'account', 'description', 'maxUsers', 'userPinSet', 'record', 'videoMode', 'open'])) deps.print(l);
    });
  group.command('add').description('book a room').requiredOption('--cluster <id>').requiredOption('--number <digits>')
    .requiredOption('--start <iso>', 'start, e.g. 2026-05-30T09:00:00Z').option('--end <iso>').option('--recurrence <r>', 'none|daily|weekly|monthly', 'none')
    .option('--duration <minutes>').option('--external <number>').option('--owner <name>').option('--account <name>')
    .option('--description <text>').option('--max-users <n>').option('--user-pin <digits>').option('--admin-pin <digits>')
    .option('--record', 'record the conference').option('--video <mode>', 'none|follow_talker|last_marked|first_marked', 'none')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const num = (v: unknown) => (v === undefined ? undefined : Number(v));
      const room = await deps.create(operator, {
        clusterId: num(o.cluster), number: o.number, startsAt: o.start, endsAt: o.end, recurrence: o.recurrence,
        durationMinutes: num(o.duration), externalNumber: o.external, owner: o.owner, account: o.account,
        description: o.description, maxUsers: num(o.maxUsers), userPin: o.userPin, adminPin: o.adminPin,
        record: o.record === true, videoMode: o.video,
      });
      deps.print(`room ${room.number} created (id ${room.id})`);
    });
  group.command('delete').description('delete a room').argument('<id>')
    .action(async (id: string) => {
      await deps.remove(operator, Number(id));
      deps.print(`room ${id} deleted`);
    });
  group.command('participants').description('who is in a room now (asks the servers)').argument('<id>')
    .action(async (id: string) => {
      const rows = await deps.participants(operator, Number(id));
      if (!rows.length) deps.print('nobody');
      else for (const l of table(rows as unknown as Record<string, unknown>[], ['channel', 'callerIdNum', 'callerIdName', 'admin', 'muted', 'talking', 'joinedAt'])) deps.print(l);
    });
}
