/**
 * The Linux host under a simulated Asterisk, as the health collector reads it over SSH: disks,
 * memory, load, uptime, clock and systemd units. Seeded, plausible values a test changes in
 * place (a disk filling up, a service stopping, the clock drifting); `answer` replies to exactly
 * the commands `plugins/monitoring` runs, in the format of Debian 12's coreutils, procps, systemd
 * and MariaDB 10.11.
 */
import type { SimExecAnswer } from './sftp-server.ts';

export interface SimDisk { filesystem: string; mount: string; sizeKb: number; usedPercent: number }

/** A small deterministic generator (mulberry32): the same seed gives the same host. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimHost {
  disks: SimDisk[];
  memTotalKb: number;
  memAvailableKb: number;
  swapTotalKb: number;
  swapFreeKb: number;
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
  cpus: number;
  /** When the host booted (uptime counts from it). */
  bootedAt: number;
  /** Seconds the host's clock is ahead of the real one (negative: behind). */
  clockOffsetSeconds = 0;
  /** systemd unit -> what `systemctl is-active` prints; a unit not listed is `inactive`, as systemd says of an unknown one. */
  services: Record<string, string> = { asterisk: 'active', mariadb: 'active', keepalived: 'active', fail2ban: 'active', ssh: 'active', cron: 'active' };

  /**
   * MariaDB replication: null while the server is no replica (the stock host); a test makes it one,
   * stops a thread with MariaDB's error, or lets it fall behind. `denied`: the SSH user may not ask.
   */
  replica: { io: 'Yes' | 'No' | 'Connecting'; sql: 'Yes' | 'No'; lagSeconds: number | null; ioError?: string; sqlError?: string } | null = null;
  replicaDenied = false;

  /** What `ip rule show` prints (iproute2 6.1): the stock rules until a test declares more. */
  ipRules = '0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n';
  /** What `ip route show table all` prints. */
  ipRoutes = 'default via 192.0.2.1 dev eth0 onlink \n192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.11 \n'
    + 'local 127.0.0.0/8 dev lo table local proto kernel scope host src 127.0.0.1 \nlocal 192.0.2.11 dev eth0 table local proto kernel scope host src 192.0.2.11 \n';

  constructor(seed = 1) {
    const r = random(seed);
    this.disks = [
      { filesystem: '/dev/sda1', mount: '/', sizeKb: 20_509_264, usedPercent: 30 + Math.floor(r() * 20) },
      { filesystem: '/dev/sdb1', mount: '/var', sizeKb: 102_687_672, usedPercent: 20 + Math.floor(r() * 30) },
    ];
    this.memTotalKb = 4_028_880;
    this.memAvailableKb = Math.floor(this.memTotalKb * (0.5 + r() * 0.3));
    this.swapTotalKb = 1_048_572;
    this.swapFreeKb = this.swapTotalKb - Math.floor(r() * 50_000);
    const l = 0.1 + r() * 0.6;
    this.load = [l, l * 0.9, l * 0.8].map((x) => Math.round(x * 100) / 100) as [number, number, number];
    this.cpus = 2;
    this.bootedAt = Date.now() - Math.floor((3 + r() * 40) * 86_400_000);
  }

  /** The answer to one command line, or undefined when the host does not know it. */
  answer(command: string): SimExecAnswer | undefined {
    const services = /^systemctl is-active((?: [a-z0-9@._-]+)+)$/.exec(command);
    if (services) {
      const states = services[1]!.trim().split(' ').map((u) => this.services[u] ?? 'inactive');
      return { code: states.every((s) => s === 'active') ? 0 : 3, stdout: states.map((s) => `${s}\n`).join('') };
    }
    switch (command) {
      case 'df -P': return { code: 0, stdout: this.df() };
      case 'cat /proc/meminfo': return { code: 0, stdout: this.meminfo() };
      case 'cat /proc/loadavg': return { code: 0, stdout: `${this.load.map((x) => x.toFixed(2)).join(' ')} 1/213 48211\n` };
      case 'ip rule show': return { code: 0, stdout: this.ipRules };
      case 'ip route show table all': return { code: 0, stdout: this.ipRoutes };
      case 'nproc': return { code: 0, stdout: `${this.cpus}\n` };
      case 'cat /proc/uptime': {
        const up = (Date.now() - this.bootedAt) / 1000;
        return { code: 0, stdout: `${up.toFixed(2)} ${(up * this.cpus * 0.95).toFixed(2)}\n` };
      }
      // MariaDB 10.11's mysqladmin, as it answers with the server up and down (the socket gone).
      case 'mysqladmin --connect-timeout=3 ping':
        return this.services.mariadb === 'active' ? { code: 0, stdout: 'mysqld is alive\n' } : {
          code: 1, stderr: "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)'\n"
            + "Check that mariadbd is running and that the socket: '/run/mysqld/mysqld.sock' exists!\n",
        };
      case "mysql --connect-timeout=3 -e 'SHOW REPLICA STATUS\\G'": return this.replicaStatus();
      case 'date +%s.%N': {
        const t = Date.now() / 1000 + this.clockOffsetSeconds;
        return { code: 0, stdout: `${t.toFixed(9)}\n` };
      }
      default: return undefined;
    }
  }

  /** As the MariaDB 10.11 client prints it (tests/fixtures/mariadb), the fields the collector reads and their neighbours. */
  private replicaStatus(): SimExecAnswer {
    if (this.replicaDenied) {
      return { code: 1, stdout: '', stderr: 'ERROR 1227 (42000) at line 1: Access denied; you need (at least one of) the SUPER, SLAVE MONITOR privilege(s) for this operation\n' };
    }
    const r = this.replica;
    if (!r) return { code: 0, stdout: '' };
    const rows: [string, string][] = [
      ['Slave_IO_State', r.io === 'Yes' ? 'Waiting for master to send event' : ''], ['Master_Host', '192.0.2.10'], ['Master_User', 'repl'],
      ['Master_Port', '3306'], ['Slave_IO_Running', r.io], ['Slave_SQL_Running', r.sql], ['Last_Errno', '0'], ['Last_Error', ''],
      ['Seconds_Behind_Master', r.io === 'Yes' && r.sql === 'Yes' && r.lagSeconds !== null ? String(r.lagSeconds) : 'NULL'],
      ['Last_IO_Errno', r.ioError ? '1236' : '0'], ['Last_IO_Error', r.ioError ?? ''], ['Last_SQL_Errno', r.sqlError ? '1007' : '0'], ['Last_SQL_Error', r.sqlError ?? ''],
    ];
    return { code: 0, stdout: `*************************** 1. row ***************************\n${rows.map(([k, v]) => `${k.padStart(30)}: ${v}\n`).join('')}` };
  }

  /** A disk by mount point (tests: `sim.host.disk('/var').usedPercent = 95`). */
  disk(mount: string): SimDisk {
    const d = this.disks.find((x) => x.mount === mount);
    if (!d) throw new Error(`no simulated filesystem mounted on ${mount}`);
    return d;
  }

  private df(): string {
    const rows = [['Filesystem', '1024-blocks', 'Used', 'Available', 'Capacity', 'Mounted on']];
    rows.push(['udev', '1998452', '0', '1998452', '0%', '/dev'], ['tmpfs', '402888', '1100', '401788', '1%', '/run']);
    for (const d of this.disks) {
      const used = Math.floor((d.sizeKb * d.usedPercent) / 100);
      // df -P rounds the capacity up, from used / (used + available).
      rows.push([d.filesystem, String(d.sizeKb), String(used), String(d.sizeKb - used), `${Math.ceil((used / d.sizeKb) * 100)}%`, d.mount]);
    }
    rows.push(['tmpfs', '2014440', '0', '2014440', '0%', '/dev/shm']);
    return rows.map((r) => `${r[0]!.padEnd(15)}${r.slice(1, 5).map((c) => c.padStart(12)).join('')} ${r[5]}`).join('\n') + '\n';
  }

  private meminfo(): string {
    const free = Math.floor(this.memAvailableKb * 0.4);
    const lines: [string, number][] = [
      ['MemTotal', this.memTotalKb], ['MemFree', free], ['MemAvailable', this.memAvailableKb], ['Buffers', 61_224],
      ['Cached', this.memAvailableKb - free], ['SwapCached', 1_020], ['Active', 1_210_332], ['Inactive', 980_112],
      ['SwapTotal', this.swapTotalKb], ['SwapFree', this.swapFreeKb], ['Dirty', 120], ['Shmem', 9_876],
    ];
    return lines.map(([k, v]) => `${`${k}:`.padEnd(16)}${String(v).padStart(8)} kB\n`).join('');
  }
}
