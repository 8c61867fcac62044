import type { SshService } from '../../sdk/index.ts';
import type { HostRound } from './metrics.ts';
import type { CommandResult } from './parse.ts';

/**
 * One host round: one SSH connection, the commands (by id) on channels of it side by side, all within
 * `timeoutMs` from the start (connect included). A command not answered by then is "no answer";
 * the connection is closed at the deadline, so a hung command does not outlive the round.
 */
export async function collectHost(ssh: SshService, serverId: number, commands: Readonly<Record<string, string>>, timeoutMs: number): Promise<HostRound> {
  const cmds = Object.entries(commands);
  const round: HostRound = { results: {} };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), timeoutMs); });
  let connected = false;
  const late = (cmd: string): CommandResult => ({ error: `no answer to '${cmd}' within ${timeoutMs / 1000} s` });
  try {
    const session = ssh.session(serverId, async (s) => {
      connected = true;
      await Promise.all(cmds.map(async ([id, cmd]) => {
        const sent = Date.now();
        const run = s.exec(cmd).then((r): CommandResult => r, (err: Error): CommandResult => ({ error: `'${cmd}': ${err.message}` }));
        const r = await Promise.race([run, deadline]);
        round.results[id] = r === 'late' ? late(cmd) : r;
        if (id === 'date' && r !== 'late') Object.assign(round, { dateSentAt: sent, dateAnsweredAt: Date.now() });
      }));
    });
    session.catch(() => {}); // after the deadline nobody waits for it
    const outcome = await Promise.race([session.then(() => 'done' as const), deadline]);
    if (outcome === 'late' && !connected) return failed(cmds, `SSH: no connection within ${timeoutMs / 1000} s`);
  } catch (err) {
    return failed(cmds, `SSH: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  for (const [id, cmd] of cmds) round.results[id] ??= late(cmd);
  return round;
}

const failed = (cmds: [string, string][], reason: string): HostRound => ({ results: Object.fromEntries(cmds.map(([id]) => [id, { error: reason }])) });
