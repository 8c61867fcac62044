import type { Thresholds } from './manifest.ts';
import {
  output, parseDf, parseEpoch, parseIsActive, parseLoadavg, parseMeminfo, parseNproc, parseReplicaStatus, parseUptime, type CommandResult, type Parsed,
} from './parse.ts';

export type Health = 'green' | 'orange' | 'red' | 'unknown';
/** Worst first: a tile or a server shows its worst metric; unknown beats green, never the other way. */
export const SEVERITY: Record<Health, number> = { red: 3, orange: 2, unknown: 1, green: 0 };
export const worst = (states: Health[]): Health => states.reduce<Health>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), 'green');

/** One thing measured on one server: a value against its thresholds, or a state with its reason. */
export interface Metric {
  /** `disk:/var`, `memory`, `swap`, `load`, `uptime`, `clock`, `service:asterisk`, `module:app_queue.so`, `trunk:carrier-a` … */
  key: string;
  group: 'server' | 'asterisk' | 'reporting' | 'routing';
  label: string;
  state: Health;
  /** What a person reads: `92% used (warning 80%, critical 90%)`, `unknown: df not found on the server`. */
  text: string;
  /** The number the history keeps (null: none). */
  value: number | null;
  unit?: string;
  warning?: number;
  critical?: number;
}

const DATABASE_UNITS = new Set(['mariadb', 'mysql']);
export const MYSQL_PING = 'mysqladmin --connect-timeout=3 ping';
/** Over the local socket, as the SSH user (root on Debian logs in by unix_socket; others need SLAVE MONITOR). */
export const REPLICA_STATUS = "mysql --connect-timeout=3 -e 'SHOW REPLICA STATUS\\G'";

/** The commands of one host round, by what they measure; `services` is built from the units a site names. */
export function hostCommands(units: readonly string[]): Record<string, string> {
  return {
    df: 'df -P', meminfo: 'cat /proc/meminfo', loadavg: 'cat /proc/loadavg', nproc: 'nproc', uptime: 'cat /proc/uptime', date: 'date +%s.%N',
    ...(units.length ? { services: `systemctl is-active ${units.join(' ')}` } : {}),
    // Reporting needs the database where the site runs one; mysqladmin ping needs no credentials.
    ...(units.some((u) => DATABASE_UNITS.has(u)) ? { mysql: MYSQL_PING, replica: REPLICA_STATUS } : {}),
  };
}

export interface HostRound {
  results: Record<string, CommandResult>;
  /** When `date` was sent and its answer came back (acm's clock, ms). */
  dateSentAt?: number;
  dateAnsweredAt?: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function levelled(key: string, label: string, value: number, unit: string, l: { warning: number; critical: number }, describe: (v: number) => string): Metric {
  const state: Health = value >= l.critical ? 'red' : value >= l.warning ? 'orange' : 'green';
  return { key, group: 'server', label, state, value, unit, warning: l.warning, critical: l.critical, text: `${describe(value)} (warning ${l.warning}${unit}, critical ${l.critical}${unit})` };
}
const unknown = (key: string, label: string, reason: string, group: Metric['group'] = 'server'): Metric =>
  ({ key, group, label, state: 'unknown', value: null, text: `unknown: ${reason}` });

function read<T>(r: HostRound, id: string, cmd: string, parse: (s: string) => Parsed<T>, okCodes?: number[]): Parsed<T> {
  const res = r.results[id];
  if (!res) return { ok: false, reason: `'${cmd}' not run` };
  const out = output(cmd, res, okCodes);
  return out.ok ? parse(out.value) : out;
}

/**
 * The server metrics of one round. Every command is read on its own: one that failed makes its
 * metrics unknown with the reason, the others stand.
 */
export function hostMetrics(r: HostRound, units: readonly string[], t: Thresholds): Metric[] {
  const cmds = hostCommands(units);
  const out: Metric[] = [];
  const df = read(r, 'df', cmds.df!, parseDf);
  if (!df.ok) out.push(unknown('disk', 'Disks', df.reason));
  else for (const fs of df.value) out.push(levelled(`disk:${fs.mount}`, `Disk ${fs.mount}`, fs.usedPercent, '%', t.diskPercent, (v) => `${v}% used of ${round1(fs.sizeKb / 1048576)} GiB (${fs.filesystem})`));

  const mem = read(r, 'meminfo', cmds.meminfo!, parseMeminfo);
  if (!mem.ok) out.push(unknown('memory', 'Memory', mem.reason), unknown('swap', 'Swap', mem.reason));
  else {
    const m = mem.value;
    const used = round1(((m.totalKb - m.availableKb) / m.totalKb) * 100);
    out.push(levelled('memory', 'Memory', used, '%', t.memoryPercent, (v) => `${v}% used of ${round1(m.totalKb / 1048576)} GiB`));
    if (m.swapTotalKb === 0) out.push({ key: 'swap', group: 'server', label: 'Swap', state: 'green', value: 0, unit: '%', text: 'no swap configured' });
    else out.push(levelled('swap', 'Swap', round1(((m.swapTotalKb - m.swapFreeKb) / m.swapTotalKb) * 100), '%', t.swapPercent, (v) => `${v}% used of ${round1(m.swapTotalKb / 1048576)} GiB`));
  }

  const load = read(r, 'loadavg', cmds.loadavg!, parseLoadavg);
  const cpus = read(r, 'nproc', cmds.nproc!, parseNproc);
  if (!load.ok || !cpus.ok) out.push(unknown('load', 'Load', !load.ok ? load.reason : (cpus as { reason: string }).reason));
  else {
    const [l1, l5, l15] = load.value;
    out.push(levelled('load', 'Load', Math.round((l5 / cpus.value) * 100) / 100, '', t.loadPerCpu, (v) => `${v} per CPU (${l1} ${l5} ${l15} on ${cpus.value} CPU${cpus.value > 1 ? 's' : ''})`));
  }

  const up = read(r, 'uptime', cmds.uptime!, parseUptime);
  out.push(up.ok ? { key: 'uptime', group: 'server', label: 'Uptime', state: 'green', value: Math.floor(up.value), unit: 's', text: `up ${humanDuration(up.value)}` } : unknown('uptime', 'Uptime', up.reason));

  out.push(clockMetric(r, cmds.date!, t.clockSeconds));

  if (units.length) {
    const svc = read(r, 'services', cmds.services!, (s) => parseIsActive(s, units), [0, 1, 2, 3, 4]);
    for (const u of units) {
      if (!svc.ok) { out.push(unknown(`service:${u}`, `Service ${u}`, svc.reason)); continue; }
      const st = svc.value[u]!;
      const state: Health = st === 'active' ? 'green' : ['activating', 'reloading', 'refreshing', 'deactivating'].includes(st) ? 'orange' : st === 'unknown' ? 'unknown' : 'red';
      out.push({ key: `service:${u}`, group: 'server', label: `Service ${u}`, state, value: st === 'active' ? 1 : 0, text: state === 'unknown' ? 'unknown: systemd does not know its state' : st });
    }
  }
  if (cmds.mysql) out.push(mysqlMetric(r.results.mysql));
  const replica = cmds.replica ? replicaMetric(r.results.replica, t.replicaLagSeconds) : null;
  if (replica) out.push(replica);
  return out;
}

/**
 * Replication where the server is a replica (seed 2.0.6): both threads running and the lag within
 * its levels; a stopped thread is red with MariaDB's own error. A server that is no replica has
 * no such metric.
 */
export function replicaMetric(res: CommandResult | undefined, l: { warning: number; critical: number }): Metric | null {
  const key = 'replication';
  const label = 'Replication';
  if (!res) return unknown(key, label, `'${REPLICA_STATUS}' not run`, 'reporting');
  if ('error' in res) return unknown(key, label, res.error, 'reporting');
  if (res.code !== 0) {
    const error = /^ERROR \d+ \(\w+\)(?: at line \d+)?: (.*)$/m.exec(`${res.stderr}\n${res.stdout}`)?.[1];
    const out = output('mysql', res);
    return unknown(key, label, error ? `SHOW REPLICA STATUS: ${error}` : (out.ok ? 'no answer' : out.reason), 'reporting');
  }
  const parsed = parseReplicaStatus(res.stdout);
  if (!parsed.ok) return unknown(key, label, parsed.reason, 'reporting');
  const f = parsed.value;
  if (!f) return null;
  const stopped = [
    ...(f.Slave_IO_Running === 'Yes' ? [] : [`IO thread ${f.Slave_IO_Running}${f.Last_IO_Error ? `: ${f.Last_IO_Error}` : ''}`]),
    ...(f.Slave_SQL_Running === 'Yes' ? [] : [`SQL thread ${f.Slave_SQL_Running}${f.Last_SQL_Error ? `: ${f.Last_SQL_Error}` : ''}`]),
  ];
  if (stopped.length) return { key, group: 'reporting', label, state: 'red', value: null, text: `replication stopped: ${stopped.join('; ')}` };
  const lag = Number(f.Seconds_Behind_Master);
  if (!/^\d+$/.test(f.Seconds_Behind_Master!)) return unknown(key, label, `Seconds_Behind_Master is ${f.Seconds_Behind_Master}`, 'reporting');
  return { ...levelled(key, label, lag, ' s', l, (v) => `running, ${v} s behind the primary`), group: 'reporting' };
}

/**
 * `mysqladmin ping` exits 0 while the server runs, even when it refuses the login ("Access
 * denied" on stderr: running, and that is what reporting needs), and 1 when nothing answers.
 */
function mysqlMetric(res: CommandResult | undefined): Metric {
  const key = 'mysql';
  if (!res) return unknown(key, 'MySQL', `'${MYSQL_PING}' not run`, 'reporting');
  const out = output(MYSQL_PING, res, [0, 1]);
  if (!out.ok) return unknown(key, 'MySQL', out.reason, 'reporting');
  const r = res as { code: number; stdout: string; stderr: string };
  const error = /^error: '(.*)'$/m.exec(r.stderr)?.[1];
  if (r.code === 0 && (/mysqld is alive/.test(r.stdout) || error)) return { key, group: 'reporting', label: 'MySQL', state: 'green', value: 1, text: error ? `running (refuses acm's login: ${error})` : 'running' };
  if (r.code === 1 && error) return { key, group: 'reporting', label: 'MySQL', state: 'red', value: 0, text: `not reachable: ${error}` };
  return unknown(key, 'MySQL', `mysqladmin ping: unreadable ${JSON.stringify((r.stdout + r.stderr).trim().slice(0, 60))}`, 'reporting');
}

/** The longest round trip at which the offset means anything: beyond it, the offset is not measured. */
const MAX_CLOCK_RTT_MS = 2000;

/** The remote clock against acm's, taken at the middle of the round trip (half the trip is the error). */
function clockMetric(r: HostRound, cmd: string, l: { warning: number; critical: number }): Metric {
  const remote = read(r, 'date', cmd, parseEpoch);
  if (!remote.ok) return unknown('clock', 'Clock', remote.reason);
  if (r.dateSentAt === undefined || r.dateAnsweredAt === undefined) return unknown('clock', 'Clock', 'no timing of the date command');
  const rtt = r.dateAnsweredAt - r.dateSentAt;
  if (rtt > MAX_CLOCK_RTT_MS) return unknown('clock', 'Clock', `the answer took ${rtt} ms: the offset cannot be measured`);
  const offset = remote.value - (r.dateSentAt + rtt / 2) / 1000;
  const abs = Math.round(Math.abs(offset) * 1000) / 1000;
  const m = levelled('clock', 'Clock', abs, ' s', l, (v) => `${v} s ${offset >= 0 ? 'ahead of' : 'behind'} acm (±${Math.ceil(rtt / 2)} ms)`);
  return m;
}

export function humanDuration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}
