import { HaEventSchema } from './entities.ts';
import type { HaDeps } from './deps.ts';
import type { StatusOf } from './node-status.ts';
import type { HaSync } from './sync-rounds.ts';
import { nodeProgram } from './node/main.ts';

/** `acm ha …`, run as the console operator (`CliContext.operator`). */
export function registerCli({ ctx, store, outbox }: HaDeps, collect: () => Promise<void>, statusOf: StatusOf, { syncGroup, syncView }: HaSync): void {
  ctx.cli.commands((group, cli) => {
    group.description('high availability (keepalived VRRP)');
    // The node agent's commands (check, notify, failover, verify, log) work the same under `acm ha`.
    // `log` on the acm host is the history of every node (below); `acm ha log --local` is this node's own.
    for (const cmd of nodeProgram().commands) if (cmd.name() !== 'log') group.addCommand(cmd);
    group.command('log').description('the HA history: state changes collected from every node and operator actions (--local: this node\'s own events.jsonl)')
      .option('-n, --lines <n>', 'last N', '50').option('-g, --group <name>', 'one HA group').option('--local', "this node's own history (node agent)")
      .option('-c, --config <file>', 'node config (with --local)', '/etc/acm-ha/node.json').option('--json')
      .action(async (o: { lines: string; group?: string; local?: boolean; config: string; json?: boolean }) => {
        const n = Math.min(Math.max(Number(o.lines) || 50, 1), 10_000);
        if (o.local) { await nodeProgram().parseAsync(['node', 'acm-ha', 'log', '--config', o.config, '--lines', String(n)]); return; }
        await collect().catch((e: Error) => console.error(`(collecting from the nodes failed: ${e.message}; showing what acm has)`));
        const groups = await store.groups(cli.operator);
        const chosen = o.group ? groups.filter((g) => g.name === o.group) : groups;
        if (o.group && !chosen.length) { console.error(`no HA group ${o.group}`); process.exitCode = 1; return; }
        const names = new Map(groups.map((g) => [g.id, g.name]));
        const rows = (await ctx.db.em().find(HaEventSchema, { groupId: { $in: chosen.map((g) => g.id) } }, { orderBy: { at: 'desc', id: 'desc' }, limit: n })).reverse();
        if (o.json) { console.log(JSON.stringify(rows.map((e) => ({ ...e, group: names.get(e.groupId ?? 0) ?? null, at: e.at.toISOString() })), null, 2)); return; }
        if (!rows.length) { console.log('no HA events recorded yet'); return; }
        for (const e of rows) console.log(`${e.at.toISOString()}  ${(names.get(e.groupId ?? 0) ?? '-').padEnd(12)}  ${(e.node ?? '-').padEnd(12)}  ${(e.instance ?? '-').padEnd(18)}  ${e.state.padEnd(13)}  ${e.message ?? ''}`);
      });
    group.command('status').description('every HA group: who holds each VIP, the state in plain words').option('--json')
      .action(async (o: { json?: boolean }) => {
        const st = await statusOf(await store.groups(cli.operator));
        if (o.json) { console.log(JSON.stringify(st, null, 2)); return; }
        for (const g of st) {
          console.log(`${g.name} (cluster ${g.clusterId}) ${g.timestamp}: ${g.words}`);
          for (const v of g.vips) console.log(`  ${v.kind} VIP ${v.address}/${v.prefix}: ${v.heldBy.join(', ') || 'NOT HELD'}`);
          console.log(`  replication: ${g.replication}`);
        }
      });
    group.command('sync').description('one file sync round of every group (active -> standby)').option('--full', 'compare every file (a full resync)').option('--json')
      .action(async (o: { full?: boolean; json?: boolean }) => {
        for (const g of await store.groups(cli.operator)) {
          const reports = await syncGroup(g, { full: !!o.full });
          const v = await syncView(g);
          if (o.json) { console.log(JSON.stringify({ ...v, reports }, null, 2)); continue; }
          console.log(`${g.name}: ${v.paused ?? `direction ${v.direction}`}`);
          for (const r of reports) console.log(`  ${r.root}: ${r.copied.length} copied, ${r.deleted.length} deleted, ${r.conflicts.length} conflict(s), ${r.orphans.length} orphan(s)${r.errors.length ? `, errors: ${r.errors.join('; ')}` : ''} (${r.ms} ms)`);
          for (const c of v.conflicts) console.log(`  CONFLICT ${c.path} on server ${c.peer}: ${c.reason}`);
        }
      });
    group.command('notifications').description('the notification outbox').option('-n, --lines <n>', 'last N', '50')
      .action(async (o: { lines: string }) => {
        const rows = (await outbox.list({ pageSize: Math.min(Number(o.lines) || 50, 1000) })).items;
        for (const r of rows.reverse()) console.log(`${r.createdAt}  ${r.status.padEnd(7)}  ${r.channel}:${r.target}  ${r.subject}${r.lastError ? `  (${r.lastError})` : ''}`);
      });
    group.command('events').description('state changes collected from the nodes').option('-n, --lines <n>', 'last N', '50')
      .action(async (o: { lines: string }) => {
        await collect().catch(() => {});
        const rows = await ctx.db.em().find(HaEventSchema, {}, { orderBy: { at: 'desc', id: 'desc' }, limit: Number(o.lines) || 50 });
        for (const e of rows.reverse()) console.log(`${e.at.toISOString()}  ${e.node ?? '-'}  ${e.instance ?? '-'}  ${e.state}  ${e.message ?? ''}`);
      });
  });
}
