/** The notification targets as a resource of the SDK's kit: each tenant's own, checked as the core notifier reads them. */
import { configText, defineResource, notifyTargetProblem, z } from '../../sdk/index.ts';
import { SecurityTargetSchema, type SecurityTargetRow } from './entities.ts';

export const TARGET_TYPES = ['syslog', 'webhook', 'email', 'snmp', 'sms'] as const;

export const TargetInput = z.strictObject({
  /** A provider user's choice of tenant (default: the first); a tenant's users get their own. */
  tenantId: z.number().int().positive().optional(),
  /** Delivered through the core outbox: email needs ACM_SMTP_URL, sms ACM_SMS_WEBHOOK (without them it says why). */
  type: z.enum(TARGET_TYPES),
  /** An email address, an E.164 number, an http(s) URL, or host[:port] (syslog UDP 514, SNMP 162). */
  target: configText(255).pipe(z.string().min(1)),
  /** Only alerts at or above this level reach the target; null: routing.notifyLevel. */
  minLevel: z.number().int().min(0).max(16).nullable().optional(),
  enabled: z.boolean().default(true),
}).superRefine((t, ctx) => {
  const problem = notifyTargetProblem(t.type, t.target);
  if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
});

export const targetResource = defineResource<SecurityTargetRow>({
  name: 'targets', singular: 'target', entity: SecurityTargetSchema, input: TargetInput, parent: 'tenant',
  search: ['target'], unique: [['tenantId', 'type', 'target']],
  // Delivered by the notifier, never rendered into a cluster's files.
  clusters: () => [],
  defaultSort: 'target',
});
