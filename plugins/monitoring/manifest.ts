import { isIP } from 'node:net';
import { defineManifest, notifyTargetProblem, z } from '../../sdk/index.ts';

function cidrOk(c: string): boolean {
  const [net, bits, extra] = c.split('/');
  const v = isIP(net ?? '');
  if (!v || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 6 ? 128 : 32));
}

/** A warning and a critical level of one metric (critical beyond warning). */
const level = (warning: number, critical: number) => z.strictObject({ warning: z.number().min(0), critical: z.number().min(0) })
  .refine((l) => l.critical >= l.warning, { message: 'critical must not be below warning', path: ['critical'] })
  .default({ warning, critical });

/** The levels of each metric; a cluster may override any of them (`clusters.<name>.thresholds`). */
export const Thresholds = z.strictObject({
  /** Per filesystem, percent used (`df -P`). */
  diskPercent: level(80, 90),
  /** Memory in use, percent of MemTotal (MemTotal − MemAvailable). */
  memoryPercent: level(85, 95),
  /** Swap in use, percent of SwapTotal. */
  swapPercent: level(50, 80),
  /** The 5-minute load average per CPU. */
  loadPerCpu: level(1.5, 3),
  /** How far the server's clock is from acm's, seconds either way (NTP not working). */
  clockSeconds: level(0.5, 2),
  /** How far a MariaDB replica is behind its primary (Seconds_Behind_Master), where the server is one. */
  replicaLagSeconds: level(30, 300),
}).prefault({});
export type Thresholds = z.output<typeof Thresholds>;

/** A systemd unit name: goes into a shell command, so nothing a shell would read. */
const unit = z.string().regex(/^[a-z0-9][a-z0-9@._-]{0,63}$/, 'a systemd unit name (a-z, 0-9, @._-)');
/** A module name as ModuleCheck takes it. */
const moduleName = z.string().regex(/^[a-z0-9_]{1,64}\.so$/, 'a module file name such as res_pjsip.so');

const Target = z.strictObject({
  channel: z.enum(['email', 'syslog', 'webhook', 'snmp', 'sms']),
  to: z.string().min(1).max(500),
  /** Only states at or above this one (a warning is orange, critical red). */
  minSeverity: z.enum(['warning', 'critical']).default('warning'),
}).superRefine((t, c) => {
  const why = notifyTargetProblem(t.channel, t.to);
  if (why) c.addIssue({ code: 'custom', path: ['to'], message: why });
});

/** Settings under `plugins.monitoring.settings` in site.yaml. */
export const MonitoringSettings = z.strictObject({
  /** A health round (SSH and AMI) of every server every N seconds. */
  intervalSeconds: z.number().int().min(5).max(3600).default(60),
  /** Most time one server's round may take (connect and every command); what is late is "unknown". */
  timeoutSeconds: z.number().int().min(1).max(120).default(10),
  /** Servers collected at the same time. */
  concurrency: z.number().int().min(1).max(200).default(16),
  /** The systemd units each server should have active (`systemctl is-active`). */
  services: z.array(unit).max(32).default(['asterisk', 'mariadb', 'keepalived', 'fail2ban', 'ssh', 'cron']),
  /** Modules every server must have loaded, beyond those the running plugins need (app_queue.so for queues …). */
  modules: z.array(moduleName).max(64).default(['res_pjsip.so', 'chan_pjsip.so', 'pbx_config.so']),
  thresholds: Thresholds,
  /** By cluster name: other thresholds or units (a cluster without HA has no keepalived). */
  clusters: z.record(z.string(), z.strictObject({
    thresholds: z.strictObject({
      diskPercent: level(80, 90).optional(), memoryPercent: level(85, 95).optional(), swapPercent: level(50, 80).optional(),
      loadPerCpu: level(1.5, 3).optional(), clockSeconds: level(0.5, 2).optional(),
    }).optional(),
    services: z.array(unit).max(32).optional(),
    /** Symmetrical routing (seed §2.0.3): per interface, its gateway, the source (the VIP) and the table; checked with `ip rule` and `ip route`. */
    routes: z.array(z.strictObject({
      interface: z.string().regex(/^[a-zA-Z0-9_.:-]{1,15}$/, 'an interface name such as eth1'),
      gateway: z.string().refine((v) => isIP(v) !== 0, 'an IP address'),
      source: z.string().refine((v) => isIP(v) !== 0, 'an IP address (the VIP)'),
      table: z.string().regex(/^[a-zA-Z0-9_-]{1,31}$/, 'a routing table name or number'),
    })).max(16).default([]),
  })).default({}),
  /** Who hears of a metric going orange/red and back (through the core outbox). */
  notify: z.array(Target).max(50).default([]),
  /** A state still bad after this many minutes is said again (0: never). */
  renotifyMinutes: z.number().int().min(0).max(10_080).default(240),
  /** Addresses `GET …/metrics` answers, as CIDRs (a Prometheus host); empty: any caller with monitoring.metrics:read (an API token). */
  metricsAllow: z.array(z.string().refine((c) => cidrOk(c), 'an IPv4 or IPv6 network: 10.0.0.0/8, 2001:db8::/32')).max(50).default([]),
});
export type MonitoringSettings = z.output<typeof MonitoringSettings>;

export const manifest = defineManifest({
  id: 'monitoring',
  title: 'Server health',
  version: '1.0.0',
  contract: 1,
  description: 'Server status over SSH (disks, memory, load, clock, services) and Asterisk over AMI (modules, channels, trunks): tiles, history, alerts.',
  // IAX2/DUNDi link states join the Asterisk tile while the roaming plugin runs.
  requires: { plugins: [], optional: ['roaming'] },
  permissions: ['monitoring.health:read', 'monitoring.health:write', 'monitoring.metrics:read'],
  ui: [{ path: '/health', title: 'Server health', element: 'acm-health-page', module: './ui/health-page.js', permission: 'monitoring.health:read',
    menu: { section: 'Status', order: 40 } }],
  settings: MonitoringSettings,
});
