/**
 * Entry point of the node agent (`acm-ha`, see acm-ha.mjs): runs without acm's database, fast
 * enough for keepalived's track script every second. Exit codes: 0 ok, 1 check failed, 2 usage.
 */
import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failover, loadNodeConfig, recordNotify, runCheck, verify } from './agent.ts';

const DEFAULT_CONFIG = '/etc/acm-ha/node.json';

export function nodeProgram(print: (s: string) => void = (s) => console.log(s)): Command {
  const program = new Command('acm-ha').description('acm HA node agent (keepalived track/notify scripts)').exitOverride();
  const cfgOpt = (c: Command) => c.option('-c, --config <file>', 'node config rendered by acm', DEFAULT_CONFIG);
  cfgOpt(program.command('check').description('exit 0 when this node may hold the VIPs').option('-v, --verbose'))
    .action(async (o: { config: string; verbose?: boolean }) => {
      const r = await runCheck(await loadNodeConfig(o.config));
      if (o.verbose || !r.ok) for (const i of r.items) print(`${i.ok ? 'ok    ' : 'FAILED'} ${i.name}: ${i.detail} (${i.ms} ms)`);
      process.exitCode = r.ok ? 0 : 1;
    });
  cfgOpt(program.command('notify').description("keepalived's notify: TYPE NAME STATE [PRIORITY]").argument('<args...>'))
    .action(async (args: string[], o: { config: string }) => {
      await recordNotify(await loadNodeConfig(o.config), args);
    });
  cfgOpt(program.command('failover').description('move the services off this node (the peer takes the VIPs)'))
    .action(async (o: { config: string }) => {
      const r = await failover(await loadNodeConfig(o.config), { log: print });
      if (!r.released) { print('the VIPs were not released in time'); process.exitCode = 1; }
    });
  cfgOpt(program.command('verify').description('role, peers, VIPs, reachability and state in plain words'))
    .action(async (o: { config: string }) => {
      const r = await verify(await loadNodeConfig(o.config));
      for (const l of r.lines) print(l);
    });
  cfgOpt(program.command('log').description('state changes of this node').option('-n, --lines <n>', 'last N', '50'))
    .action(async (o: { config: string; lines: string }) => {
      const cfg = await loadNodeConfig(o.config);
      const text = await readFile(join(cfg.stateDir, 'events.jsonl'), 'utf8').catch(() => '');
      for (const l of text.trim().split('\n').filter(Boolean).slice(-Number(o.lines))) {
        const e = JSON.parse(l) as { at: string; instance: string; state: string };
        print(`${e.at}  ${e.instance}  ${e.state}`);
      }
    });
  return program;
}

/** Runs the agent on `argv` (process.argv form) and sets the exit code. */
export async function runNodeProgram(argv: string[] = process.argv): Promise<void> {
  try {
    await nodeProgram().parseAsync(argv);
  } catch (e) {
    const err = e as { exitCode?: number; code?: string; message: string };
    if (err.code?.startsWith('commander.')) process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    else { console.error(`acm-ha: ${err.message}`); process.exitCode = 2; }
  }
}

if (process.argv[1] && /node[/\\]main\.ts$/.test(process.argv[1])) await runNodeProgram();
