import { callerIdSchema, defineResource, soundNameSchema, z, type FieldProblem } from '../../sdk/index.ts';
import type { QueuesService } from '../queues/api/index.ts';
import { promptProblem, type RecordingsService } from '../recordings/api/index.ts';
import { DialRulesInput } from './leads/eligibility.ts';
import { toE164 } from './leads/import.ts';
import { CAMPAIGN_MODES, CampaignSchema, DncSchema, LeadSchema, type Campaign, type DncNumber } from './entities.ts';

const percent = z.number().min(0).max(100);
const sound = () => soundNameSchema().nullable().optional();

export const defaultRules: DialRulesInput = {
  hours: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] },
  maxAttempts: 5,
  maxAttemptsPerDay: 2,
  retry: {
    busy: { afterMinutes: 10, maxRetries: 3 },
    'no-answer': { afterMinutes: 60, maxRetries: 3 },
    congestion: { afterMinutes: 5, maxRetries: 3 },
    machine: { afterMinutes: 240, maxRetries: 2 },
  },
};

export const CampaignInput = z.strictObject({
  clusterId: z.number().int().positive(),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}$/, 'letters, digits, space, _ . and -, at most 60'),
  mode: z.enum(CAMPAIGN_MODES),
  queueId: z.number().int().positive().nullable().optional(),
  trunkId: z.number().int().positive(),
  /** Presented to the callee: `"Name" <number>` or `<number>` (regulators require a number that can be called back). */
  callerId: callerIdSchema(),
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 country code (two capitals)').default('GB'),
  maxConcurrent: z.number().int().min(1).max(1000).default(10),
  rules: DialRulesInput.default(defaultRules),
  abandonTarget: percent.default(3),
  abandonCap: percent.default(3),
  greeting: sound(),
  message: sound(),
  voicemailDrop: sound(),
  /** Ofcom: an abandoned call must hear who called and a number to call back, within 2 s of the answer. */
  abandonMessage: soundNameSchema().default('acm-dialer-abandon'),
  transferDigit: z.string().regex(/^[0-9*#]$/, 'one digit, * or #').nullable().optional(),
}).superRefine((c, ctx) => {
  // Refused, not accepted and ignored: the runner has no answering-machine detection yet.
  if (c.voicemailDrop) ctx.addIssue({ code: 'custom', path: ['voicemailDrop'], message: 'a voicemail drop needs answering-machine detection, which the dialer does not do yet' });
  if (c.abandonTarget > c.abandonCap) ctx.addIssue({ code: 'custom', path: ['abandonTarget'], message: 'is over the cap' });
  if (c.mode !== 'announce' && !c.queueId) ctx.addIssue({ code: 'custom', path: ['queueId'], message: `a ${c.mode} campaign needs a queue` });
  if (c.mode === 'announce' && !c.message) ctx.addIssue({ code: 'custom', path: ['message'], message: 'an announce campaign needs a message' });
  if (c.transferDigit && !c.queueId) ctx.addIssue({ code: 'custom', path: ['queueId'], message: 'press-to-transfer needs a queue' });
});

export function campaignResource(queues: () => QueuesService, recordings: () => RecordingsService | undefined) {
  return defineResource<Campaign>({
    name: 'campaigns', singular: 'campaign', entity: CampaignSchema, input: CampaignInput, parent: 'cluster',
    search: ['name'], unique: [['clusterId', 'name']], defaultSort: 'name',
    // Nothing is rendered: a campaign is run by the plugin through ARI.
    clusters: () => [],
    children: [{ entity: LeadSchema, column: 'campaignId', label: 'leads', cascade: true }],
    async check(em, c, _existing, refs) {
      const problems: FieldProblem[] = [];
      const trunk = await refs.find('trunk', c.trunkId);
      if (!trunk || trunk.tenantId !== c.tenantId) problems.push({ field: 'trunkId', message: `no trunk ${c.trunkId}` });
      else if (trunk.clusterId !== c.clusterId) problems.push({ field: 'trunkId', message: `trunk ${trunk.name} is on another cluster than the campaign` });
      if (c.queueId) {
        const q = await queues().target(c.queueId, em);
        if (!q || q.tenantId !== c.tenantId) problems.push({ field: 'queueId', message: `no queue ${c.queueId}` });
        else if (q.clusterId !== c.clusterId) problems.push({ field: 'queueId', message: 'the queue is on another cluster than the campaign' });
      }
      for (const field of ['greeting', 'message', 'voicemailDrop', 'abandonMessage'] as const) {
        const name = c[field];
        const why = name ? await promptProblem(recordings(), c.tenantId, name, em) : null;
        if (why) problems.push({ field, message: why });
      }
      return problems;
    },
  });
}

export const DncInput = z.strictObject({
  /** E.164; national forms are refused here (a DNC list must not depend on a campaign's country). */
  number: z.string().max(32).superRefine((v, ctx) => {
    const r = v.startsWith('+') ? toE164(v, 'GB') : { ok: false as const, reason: 'must be E.164 (+ and the country code)' };
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
    else if (r.number !== v) ctx.addIssue({ code: 'custom', message: `write it as ${r.number}` });
  }),
  /** On every tenant's campaigns (the provider's list: regulators' registers such as the TPS). */
  global: z.boolean().default(false),
  note: z.string().max(255).nullable().optional(),
});

/** `providerTenant`: the first tenant; only its users keep the global list. */
export function dncResource(providerTenant: () => Promise<number | undefined>) {
  return defineResource<DncNumber>({
    name: 'dnc', singular: 'dnc', entity: DncSchema, input: DncInput, parent: 'tenant',
    search: ['number', 'note'], unique: [['tenantId', 'number']], defaultSort: 'number', clusters: () => [],
    async check(_em, d) {
      return d.global && d.tenantId !== await providerTenant() ? [{ field: 'global', message: "only the provider's tenant keeps the global list" }] : [];
    },
  });
}
