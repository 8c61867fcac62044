/**
 * CLI commands of the config-driven modules (acl, moh, confbridge, queues, pjsip
 * transports/identifies, module load) and how Asterisk answers for a module that declined to load at boot.
 */
import type { PbxState } from './state.ts';
import { renderIdentifies, renderTransports } from './pjsip-show.ts';
import { soName } from './state-config.ts';
import { queueShow } from './queues-show.ts';

/** CLI output text to AMI `Output:` lines (the final newline ends the last line). */
export function cliLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * `null` = no such command (its module is not running); undefined = not a command of this file.
 * `c` is the normalised (lowercase, single-spaced) command, `raw` the command as typed.
 */
export function moduleCli(state: PbxState, c: string, raw: string): string[] | null | undefined {
  const words = raw.trim().split(/\s+/);
  const running = (m: string) => state.loadedModules.has(m);
  if (c === 'dialplan reload' && !running('pbx_config.so')) return null;
  let m = /^module reload (\S+)$/.exec(c);
  if (m && state.declinedModules.has(soName(m[1] ?? ''))) {
    const mod = words[2] ?? '';
    return [`The module '${mod}' was not properly initialized. Before reloading the module, you must run "module load ${mod}" and fix whatever is preventing the module from being initialized.`];
  }
  m = /^module load (\S+)$/.exec(c);
  if (m) {
    const mod = words[2] ?? '';
    if (state.declinedModules.has(soName(mod))) return state.loadDeclinedModule(soName(mod)) ? [`Loaded ${mod}`] : [`Unable to load module ${mod}`];
    return running(soName(mod)) ? [`Unable to load module ${mod}`] : undefined;
  }
  if (c === 'acl show') return cliLines(state.modules.acl.cli(undefined, state.log));
  if (c.startsWith('acl show ') && words.length === 3) return cliLines(state.modules.acl.cli(words[2], state.log));
  if (c === 'moh show classes') return running('res_musiconhold.so') ? cliLines(state.modules.moh.cli()) : null;
  const cb = { 'confbridge show profile bridges': 'bridge', 'confbridge show profile users': 'user', 'confbridge show menus': 'menu' } as const;
  if (c in cb) return running('app_confbridge.so') ? cliLines(state.modules.confbridge.cli(cb[c as keyof typeof cb])) : null;
  if (c === 'queue show' || (c.startsWith('queue show ') && words.length === 3)) return running('app_queue.so') ? queueShow(state.queues, words[2]) : null;
  if (c === 'pjsip show transports') return cliLines(renderTransports(state));
  if (c === 'pjsip show identifies') return cliLines(renderIdentifies(state));
  return undefined;
}
