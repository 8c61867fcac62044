import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CampaignReport, ImportReport } from './leads/store.ts';
import type { Progress } from './runner/campaign-runner.ts';
import type { CampaignAction } from './runner/manager.ts';

export interface DialerCli {
  act(id: number, action: CampaignAction): Promise<unknown>;
  progress(id: number): Promise<Progress>;
  importLeads(id: number, csv: string): Promise<ImportReport>;
  results(id: number): Promise<string>;
  report(id: number): Promise<CampaignReport>;
  print(line: string): void;
}

const campaignId = (v: string) => {
  if (!/^[1-9][0-9]*$/.test(v)) throw new Error(`"${v}" is not a campaign id`);
  return Number(v);
};

/**
 * `acm dialer start|pause|stop|status|import|results|report` (`acm dialer campaigns list|get|add|…` and
 * `acm dialer dnc …` come from the resource kit). A start from the CLI marks
 * the campaign running; the server's runner takes it up at its next tick (and pauses it, with the
 * reason, if no agent is logged in or no server has the dialer's ARI application connected).
 */
export function registerCli(group: Command, d: DialerCli): void {
  group.description('outbound campaigns: leads, start/pause/stop, progress, results');
  for (const action of ['start', 'pause', 'stop'] as const) {
    group.command(`${action} <id>`).description(`${action} a campaign`)
      .action(async (id: string) => { await d.act(campaignId(id), action); d.print(`campaign ${id}: ${action} asked`); });
  }
  group.command('status <id>').description('dialled, answered, connected, abandoned and abandon %, leads left').option('--json')
    .action(async (id: string, o: { json?: boolean }) => {
      const p = await d.progress(campaignId(id));
      if (o.json) return d.print(JSON.stringify(p, null, 2));
      d.print(`state ${p.state}${p.stateReason ? ` (${p.stateReason})` : ''}`);
      d.print(`dialled ${p.dialled}  answered ${p.answered}  connected ${p.connected}  abandoned ${p.abandoned} (${p.abandonPercent ?? '-'} %)`);
      d.print(`in flight ${p.inFlight}  agents busy ${p.agentsBusy} free ${p.agentsFree}  leads left ${p.leadsLeft}${p.etaSeconds === null ? '' : `  eta ${p.etaSeconds}s`}`);
    });
  group.command('import <id> <file>').description('import leads from a CSV file (number, name, timezone, custom fields)')
    .action(async (id: string, file: string) => {
      const r = await d.importLeads(campaignId(id), await readFile(file, 'utf8'));
      d.print(`imported ${r.imported}, skipped ${r.skipped.length}, deferred ${r.deferred.length}`);
      for (const s of r.skipped) d.print(`  line ${s.line}: skipped: ${s.reason}`);
      for (const s of r.deferred) d.print(`  line ${s.line}: first dialled at ${s.nextAt}: ${s.reason}`);
    });
  group.command('results <id>').description('per-lead results as CSV on standard output')
    .action(async (id: string) => { process.stdout.write(await d.results(campaignId(id))); });
  group.command('report <id>').description('the campaign report (JSON)')
    .action(async (id: string) => d.print(JSON.stringify(await d.report(campaignId(id)), null, 2)));
}
