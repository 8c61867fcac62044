import { defineManifest, z } from '../../sdk/index.ts';

/** Settings under `plugins.security.settings` in site.yaml. */
export const SecuritySettings = z.strictObject({
  routing: z.strictObject({
    /** Alerts at or above this level show in the NOC view (OSSEC: "level 5 and above to the NOC"). */
    nocLevel: z.number().int().min(0).max(16).default(5),
    /** Alerts at or above this level go to the notification targets (`/targets`; OSSEC: "7 and above: email/SMS"). */
    notifyLevel: z.number().int().min(0).max(16).default(7),
    /** The same alert (source, rule, source IP, location) within this window is counted, not re-sent. */
    dedupSeconds: z.number().int().min(0).max(86_400).default(300),
    // Earlier versions listed the targets here; a site.yaml that still does is told where they went.
    targets: z.never({ error: 'notification targets are a resource now: add them with `acm security targets add` or POST /api/plugins/security/targets, then remove routing.targets' }).optional(),
  }).prefault({}),
  asterisk: z.strictObject({
    /** Failed authentications from one address within `windowSeconds` that raise a brute-force alert. */
    bruteForceThreshold: z.number().int().min(1).max(100_000).default(10),
    windowSeconds: z.number().int().min(1).max(86_400).default(600),
    /** Most source addresses kept in memory (least recently seen dropped first). */
    maxSources: z.number().int().min(10).max(1_000_000).default(10_000),
  }).prefault({}),
  ingest: z.strictObject({
    /** Alert files on the acm host tailed every `pollSeconds` (e.g. /var/ossec/logs/alerts/alerts.json). */
    files: z.array(z.string().regex(/^\/[A-Za-z0-9_./-]+$/, 'an absolute path')).max(20).default([]),
    pollSeconds: z.number().int().min(1).max(3600).default(10),
    /** Most bytes read from one file per poll. */
    maxBytesPerPoll: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  }).prefault({}),
  posture: z.strictObject({
    /** Collect fail2ban/firewall posture of every enabled server every N seconds (0 = only on demand). */
    pollSeconds: z.number().int().min(0).max(86_400).default(0),
    /** The iptables chain blacklisted addresses go into. */
    blacklistChain: z.string().regex(/^[A-Za-z0-9_-]{1,28}$/, 'an iptables chain name').default('BLACKLIST'),
  }).prefault({}),
  audit: z.strictObject({
    /** Passwords shorter than this are reported. */
    minPasswordLength: z.number().int().min(1).max(128).default(10),
    /** Refuse a commit while the cluster has critical findings (weak or shared passwords, open ACLs…). */
    blockCommitOnCritical: z.boolean().default(false),
  }).prefault({}),
});
export type SecuritySettings = z.output<typeof SecuritySettings>;

export const manifest = defineManifest({
  id: 'security',
  title: 'Security',
  version: '1.0.0',
  contract: 1,
  description: 'Config audit, Asterisk security events, OSSEC/Wazuh alerts, fail2ban and firewall posture per server.',
  permissions: [
    'security.audit:read',
    'security.alerts:read',
    'security.alerts:write',
    'security.posture:read',
    'security.blacklist:read',
    'security.blacklist:write',
    'security.target:read',
    'security.target:write',
  ],
  ui: [{ path: '/security', title: 'Security', element: 'acm-security-page', module: './ui/security-page.js', permission: 'security.audit:read' }],
  settings: SecuritySettings,
});
