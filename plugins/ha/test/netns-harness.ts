/**
 * What the HA network-namespace tests share: whether they can run here, a unique tag per run,
 * `ip` commands, who holds the VIP, bounded waits, and starting/stopping keepalived per node.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Root, keepalived and ip netns (and any other binaries the test names) are there. */
export function canRunNetns(...alsoNeeded: string[]): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/sbin/keepalived') && alsoNeeded.every((p) => existsSync(p))
    && spawnSync('ip', ['netns', 'list']).status === 0;
}

/** Unique per run, short enough for interface names (15 characters at most). */
export const runTag = () => `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`;

export const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', timeout: 5000 });

export interface NetnsNode { key: string; ns: string }

/** The nodes whose namespace holds `vip` now. */
export function vipHolders(nodes: readonly NetnsNode[], vip: string): string[] {
  return nodes.filter((n) => ip('-n', n.ns, '-o', 'addr', 'show').includes(` ${vip}/`)).map((n) => n.key);
}

/** Waits (bounded) until `fn` holds; answers the milliseconds it took. */
export async function until(fn: () => boolean, ms: number, what: string, detail: () => string = () => ''): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (fn()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${detail() ? ` (${detail()})` : ''}`);
}

/** keepalived processes of one test, each in its node's namespace, with files under `dir/<node>`. */
export class Keepaliveds {
  private procs: ChildProcess[] = [];

  constructor(private dir: string) {}

  /** Starts keepalived in the foreground (`-n`) on `<dir>/<key>/keepalived.conf`, logging to keepalived.log. */
  start(node: NetnsNode): ChildProcess {
    const d = join(this.dir, node.key);
    const log = openSync(join(d, 'keepalived.log'), 'a');
    const p = spawn('ip', ['netns', 'exec', node.ns, '/usr/sbin/keepalived', '-n', '-l', '-D', '-P', '-G',
      '-f', join(d, 'keepalived.conf'), '-p', join(d, 'keepalived.pid'), '-r', join(d, 'vrrp.pid')], { stdio: ['ignore', log, log] });
    this.procs.push(p);
    return p;
  }

  /** Other processes the test started, stopped the same way. */
  track(p: ChildProcess): void {
    this.procs.push(p);
  }

  /** TERM, a bounded wait, then KILL; keepalived's VRRP child too, should the parent have died first. */
  async stopAll(nodes: readonly NetnsNode[]): Promise<void> {
    const alive = (p: ChildProcess) => p.exitCode === null && p.signalCode === null;
    for (const p of this.procs) if (alive(p) && p.pid) { try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ } }
    const end = Date.now() + 5000;
    while (this.procs.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    for (const p of this.procs) if (alive(p) && p.pid) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
    for (const n of nodes) {
      let pid = 0;
      try { pid = Number(readFileSync(join(this.dir, n.key, 'vrrp.pid'), 'utf8').trim()) || 0; } catch { /* removed by keepalived */ }
      if (pid) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
  }
}
