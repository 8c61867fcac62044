/**
 * Parsers of what the collector's commands print. Each answers the values or a reason why there
 * are none: garbage, a missing command or a partial answer is never read as a value (no wrong green).
 */

/** What one command gave: its exit and output, or why there is none (timeout, SSH error). */
export type CommandResult = { code: number | null; stdout: string; stderr: string } | { error: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });
const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean)?.slice(0, 160) ?? '';

/** The output of a command that ran and exited as expected, or why not. `okCodes`: systemctl is-active exits 3 for an inactive unit. */
export function output(cmd: string, r: CommandResult, okCodes: readonly number[] = [0]): Parsed<string> {
  if ('error' in r) return fail(r.error);
  const program = cmd.split(' ')[0]!;
  if (r.code === 127 || /command not found|: not found/.test(r.stderr)) return fail(`${program} not found on the server`);
  if (r.code === null || !okCodes.includes(r.code)) return fail(`'${cmd}' exited ${r.code ?? 'without a code'}${firstLine(r.stderr) ? `: ${firstLine(r.stderr)}` : ''}`);
  return { ok: true, value: r.stdout };
}

export interface Filesystem { filesystem: string; mount: string; usedPercent: number; sizeKb: number; usedKb: number }
/** Pseudo filesystems (RAM, snaps, containers): not disks that fill up. */
const PSEUDO = /^(tmpfs|devtmpfs|udev|none|overlay|shm|efivarfs|\/dev\/loop\d+)$/;

/** `df -P`: the POSIX layout, one filesystem a line; a mount point may hold spaces. */
export function parseDf(text: string): Parsed<Filesystem[]> {
  const lines = text.split('\n').filter((l) => l.trim());
  if (!/^Filesystem\s+1024-blocks\s+Used\s+Available\s+Capacity\s+Mounted on$/.test(lines[0]?.trim() ?? '')) return fail(`df -P: unexpected header ${JSON.stringify(firstLine(text))}`);
  const out: Filesystem[] = [];
  for (const line of lines.slice(1)) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(\/.*)$/.exec(line.trim());
    if (!m) return fail(`df -P: unreadable line ${JSON.stringify(line.trim().slice(0, 80))}`);
    if (PSEUDO.test(m[1]!)) continue;
    out.push({ filesystem: m[1]!, sizeKb: Number(m[2]), usedKb: Number(m[3]), usedPercent: Number(m[5]), mount: m[6]! });
  }
  if (!out.length) return fail('df -P: no filesystem listed');
  return { ok: true, value: out };
}

export interface Memory { totalKb: number; availableKb: number; swapTotalKb: number; swapFreeKb: number }

/** /proc/meminfo: `Name:   123 kB` lines; MemAvailable needs Linux 3.14 or later. */
export function parseMeminfo(text: string): Parsed<Memory> {
  const v = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?: kB)?$/.exec(line.trim());
    if (m) v.set(m[1]!, Number(m[2]));
  }
  const need = ['MemTotal', 'MemAvailable', 'SwapTotal', 'SwapFree'];
  const missing = need.filter((k) => !v.has(k));
  if (missing.length) return fail(`/proc/meminfo: no ${missing.join(', ')}`);
  if (v.get('MemTotal')! <= 0 || v.get('MemAvailable')! > v.get('MemTotal')! || v.get('SwapFree')! > v.get('SwapTotal')!) return fail('/proc/meminfo: values do not add up');
  return { ok: true, value: { totalKb: v.get('MemTotal')!, availableKb: v.get('MemAvailable')!, swapTotalKb: v.get('SwapTotal')!, swapFreeKb: v.get('SwapFree')! } };
}

/** /proc/loadavg: `0.52 0.41 0.30 1/213 48211`. */
export function parseLoadavg(text: string): Parsed<[number, number, number]> {
  const m = /^(\d+\.\d+) (\d+\.\d+) (\d+\.\d+) \d+\/\d+ \d+$/.exec(text.trim());
  if (!m) return fail(`/proc/loadavg: unreadable ${JSON.stringify(firstLine(text).slice(0, 60))}`);
  return { ok: true, value: [Number(m[1]), Number(m[2]), Number(m[3])] };
}

/** `nproc`: one positive integer. */
export function parseNproc(text: string): Parsed<number> {
  const m = /^(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) return fail(`nproc: unreadable ${JSON.stringify(firstLine(text).slice(0, 40))}`);
  return { ok: true, value: Number(m[1]) };
}

/** /proc/uptime: seconds since boot, then idle seconds. */
export function parseUptime(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?) \d+(?:\.\d+)?$/.exec(text.trim());
  if (!m) return fail(`/proc/uptime: unreadable ${JSON.stringify(firstLine(text).slice(0, 40))}`);
  return { ok: true, value: Number(m[1]) };
}

/** `date +%s.%N`: seconds since the epoch with nanoseconds (busybox prints a literal `%N`: refused). */
export function parseEpoch(text: string): Parsed<number> {
  const m = /^(\d{9,11}\.\d{1,9})$/.exec(text.trim());
  if (!m) return fail(`date: unreadable ${JSON.stringify(firstLine(text).slice(0, 40))}`);
  return { ok: true, value: Number(m[1]) };
}

/** What `systemctl is-active` may print for a unit. */
const UNIT_STATES = new Set(['active', 'inactive', 'failed', 'activating', 'deactivating', 'reloading', 'refreshing', 'maintenance', 'unknown']);

/** `systemctl is-active a b c`: one state a line, in the order asked. */
export function parseIsActive(text: string, units: readonly string[]): Parsed<Record<string, string>> {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length !== units.length || !lines.every((l) => UNIT_STATES.has(l))) {
    return fail(`systemctl is-active: ${lines.length} line(s) for ${units.length} unit(s)${lines.some((l) => !UNIT_STATES.has(l)) ? `, unreadable ${JSON.stringify(lines.find((l) => !UNIT_STATES.has(l))!.slice(0, 40))}` : ''}`);
  }
  return { ok: true, value: Object.fromEntries(units.map((u, i) => [u, lines[i]!])) };
}

/**
 * `SHOW REPLICA STATUS\G` as the mysql client prints it: `Name: value` a line under a row header;
 * no output at all from a server that is no replica (null).
 */
export function parseReplicaStatus(text: string): Parsed<Record<string, string> | null> {
  if (!text.trim()) return { ok: true, value: null };
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]+): ?(.*)$/.exec(line);
    if (m) fields[m[1]!] ??= m[2]!.trim();
  }
  for (const f of ['Slave_IO_Running', 'Slave_SQL_Running', 'Seconds_Behind_Master']) {
    if (fields[f] === undefined) return fail(`SHOW REPLICA STATUS: no ${f} in ${JSON.stringify(firstLine(text))}`);
  }
  return { ok: true, value: fields };
}
