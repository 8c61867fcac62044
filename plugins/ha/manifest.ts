import { defineManifest, hostSchema, z } from '../../sdk/index.ts';

export const HaSettings = z.strictObject({
  /** The node agent command on the HA nodes (keepalived's track_script and notify). */
  agentCommand: z.string().regex(/^\/[A-Za-z0-9_./+-]+( [A-Za-z0-9_./+=:-]+)*$/, 'an absolute path with plain arguments').default('/usr/local/bin/acm-ha'),
  /** Where node.json and keepalived.conf go on the nodes. */
  agentConfigPath: z.string().regex(/^\/[A-Za-z0-9_./-]+$/).default('/etc/acm-ha/node.json'),
  keepalivedConfPath: z.string().regex(/^\/[A-Za-z0-9_./-]+$/).default('/etc/keepalived/keepalived.conf'),
  stateDir: z.string().regex(/^\/[A-Za-z0-9_./-]+$/).default('/var/lib/acm-ha'),
  /** A read-only AMI account on every HA node for the `acm ha check` Ping. */
  checkAmi: z.strictObject({ username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/), secret: z.string().min(1).max(128).regex(/^[^\r\n]+$/) }).optional(),
  /** How often node state (check.json, vrrp.json, events.jsonl) is collected over SFTP, seconds (0 = off). */
  pollSeconds: z.number().int().min(0).max(3600).default(10),
  /** How often the synced paths are compared and copied active -> standby, seconds (0 = off). */
  syncSeconds: z.number().min(0).max(3600).default(2),
  /** Who sends syslog notifications: acm from its outbox (default), the nodes themselves (works while acm is down), or both. */
  syslogFrom: z.enum(['acm', 'nodes', 'both']).default('acm'),
  /** The SMTP relay for email notifications; unset: the core's (ACM_SMTP_URL), and without either email targets wait in the outbox. */
  email: z.strictObject({
    host: hostSchema(),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the start (465); false: STARTTLS when offered. */
    secure: z.boolean().default(false),
    from: z.string().min(3).max(255).regex(/^[^\r\n]+@[^\r\n]+$/, 'a sender address ("acm HA <ha@example.com>" or ha@example.com)'),
    /** SMTP AUTH; the password inline or (better) from an environment variable. */
    auth: z.strictObject({ user: z.string().min(1).max(255), pass: z.string().min(1).max(255).optional(), passEnv: z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/).optional() })
      .refine((a) => a.pass !== undefined || a.passEnv !== undefined, 'needs pass or passEnv').optional(),
    rejectUnauthorized: z.boolean().default(true),
    timeoutMs: z.number().int().min(500).max(60_000).default(10_000),
  }).optional(),
  /** SNMP traps: community and version (targets are host[:port], default 162); unset: the core's (ACM_SNMP_COMMUNITY, ACM_SNMP_VERSION; public, 2c). */
  snmp: z.strictObject({
    community: z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/).default('public'),
    version: z.enum(['1', '2c']).default('2c'),
  }).optional(),
});
export type HaSettings = z.output<typeof HaSettings>;

export const manifest = defineManifest({
  id: 'ha',
  title: 'High availability',
  version: '0.1.0',
  contract: 1,
  description: 'VIP failover with keepalived (VRRP), SIP-aware health checks, manual failback, status and notifications.',
  license: 'ha',
  permissions: ['ha.group:read', 'ha.group:write'],
  ui: [{ path: '/ha', title: 'High availability', element: 'acm-ha-page', module: './ui/ha-page.js', permission: 'ha.group:read' }],
  settings: HaSettings,
});
