import type { Command } from 'commander';
import type { Principal } from '../../sdk/plugin.ts';
import { trustHostKey } from '../asterisk/host-key-pins.ts';
import { printObject } from './output.ts';
import type { WithAcm } from './batch-commands.ts';

/** `acm servers trust-host-key <id> [--fingerprint SHA256:…]`, next to the generic `acm servers` commands. */
export function registerServerCommands(program: Command, withAcm: WithAcm, operator: () => Principal): void {
  const servers = program.commands.find((c) => c.name() === 'servers');
  if (!servers) throw new Error('the servers command group is missing');
  servers.command('trust-host-key <id>').description('pin the SSH host key the server offers now (after a rebuild), or the one given')
    .option('--fingerprint <SHA256:...>', 'pin this key instead (e.g. from ssh-keygen -lf on the server)').option('--json')
    .action((id: string, o: { fingerprint?: string; json?: boolean }) => withAcm(async (acm) => {
      const op = operator();
      const t = await trustHostKey(acm.orm, Number(id), o.fingerprint === undefined ? {} : { fingerprint: o.fingerprint }, { username: op.username });
      if (o.json) printObject(t as unknown as Record<string, unknown>, true);
      else console.log(`server ${t.server}: host key ${t.fingerprint} pinned (was ${t.previous ?? 'none'})`);
    }));
}
