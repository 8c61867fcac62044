import { defineManifest, z } from '../../sdk/index.ts';

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
  settings: HaSettings,
});
