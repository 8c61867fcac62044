import { configText, defineResource, MARKER_PREFIX, notifyTargetProblem, soundNameSchema, z, type Resource } from '../../sdk/index.ts';
import { promptProblem, type RecordingsService } from '../recordings/api/index.ts';
import { CtiHookSchema, QueueMemberSchema, QueueSchema, type CtiHook, type Queue, type QueueMember } from './entities.ts';

/** app_queue's strategies (apps/app_queue.c `strategies[]`); `linear` needs a restart to change, so acm leaves it out. */
export const STRATEGIES = ['ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'wrandom', 'rrordered'] as const;
/** `joinempty`/`leavewhenempty` as parse_empty_options reads them: yes/no or app_queue's two presets. */
export const EMPTY_RULES = ['yes', 'no', 'strict', 'loose'] as const;
const seconds = (max: number) => z.number().int().min(0).max(max);

export const QueueInput = z.strictObject({
  clusterId: z.number().int().positive(),
  // A queues.conf section of its own: `general` is the file's, acm-mark-* are acm's markers.
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _, at most 40')
    .refine((n) => n !== 'general' && !n.startsWith(MARKER_PREFIX), 'reserved (queues.conf [general], acm markers)'),
  number: z.string().regex(/^[0-9]{2,10}$/, '2 to 10 digits'),
  description: configText(255).nullable().optional(),
  strategy: z.enum(STRATEGIES).default('ringall'),
  timeout: seconds(600).default(15),
  retry: seconds(600).default(5),
  wrapupTime: seconds(3600).default(0),
  maxCallers: z.number().int().min(0).max(10000).default(0),
  weight: z.number().int().min(0).max(100).default(0),
  musicClass: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/, 'a music-on-hold class name').nullable().optional(),
  announceFrequency: seconds(3600).default(0),
  announcePosition: z.enum(['yes', 'no', 'more', 'limit']).default('no'),
  announceHoldTime: z.enum(['yes', 'no', 'once']).default('no'),
  periodicAnnounceFrequency: seconds(3600).default(0),
  /** What the periodic announcement plays (app_queue's default: queue-periodic-announce); an upload is acm/t<tenant>/<name>. */
  periodicAnnounce: soundNameSchema().nullable().optional(),
  serviceLevel: seconds(3600).default(20),
  joinEmpty: z.enum(EMPTY_RULES).default('yes'),
  leaveWhenEmpty: z.enum(EMPTY_RULES).default('no'),
  ringInUse: z.boolean().default(false),
  autoPause: z.enum(['no', 'yes', 'all']).default('no'),
});

export const MemberInput = z.strictObject({
  queueId: z.number().int().positive(),
  /** One extension, or every extension of a group on the queue's cluster. */
  kind: z.enum(['extension', 'group']),
  targetId: z.number().int().positive(),
  penalty: z.number().int().min(0).max(1000).default(0),
});

export function queueResource(recordings: () => RecordingsService | undefined) {
  return defineResource<Queue>({
    name: 'queues', singular: 'queue', entity: QueueSchema, input: QueueInput, parent: 'cluster',
    search: ['name', 'number', 'description'], defaultSort: 'number', unique: [['clusterId', 'name'], ['clusterId', 'number']],
    children: [{ entity: QueueMemberSchema, column: 'queueId', label: 'members', cascade: true }],
    copyDefaults: (q) => ({ name: `${q.name.slice(0, 35)}-copy`, number: '' }),
    async check(em, q) {
      const why = q.periodicAnnounce ? await promptProblem(recordings(), q.tenantId, q.periodicAnnounce, em) : null;
      return why ? [{ field: 'periodicAnnounce', message: why }] : [];
    },
  });
}

/** Static members, under their queue: an extension of the queue's cluster, or a group of its tenant. */
export function memberResource(queues: Resource<Queue>) {
  return defineResource<QueueMember>({
    name: 'members', singular: 'member', entity: QueueMemberSchema, input: MemberInput, parent: { resource: queues, column: 'queueId' },
    filters: ['targetId'], unique: [['queueId', 'kind', 'targetId']],
    async check(_em, m, _existing, refs) {
      const target = await refs.find(m.kind, m.targetId);
      if (!target || target.tenantId !== m.tenantId) return [{ field: 'targetId', message: `no ${m.kind} ${m.targetId}` }];
      if (m.kind === 'extension' && target.clusterId !== m.clusterId) return [{ field: 'targetId', message: `extension ${target.extension} is on another cluster than the queue` }];
      return [];
    },
  });
}

export const CtiHookInput = z.strictObject({
  tenantId: z.number().int().positive().optional(),
  url: z.string().max(500).superRefine((v, ctx) => {
    const problem = notifyTargetProblem('webhook', v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  events: z.array(z.enum(['agent', 'offered'])).min(1).refine((e) => new Set(e).size === e.length, 'each event once').default(['agent', 'offered']),
  enabled: z.boolean().default(true),
});

/** CRM webhooks of a tenant (screen-pops); delivered through the core's outbox, no rendered file. */
export function ctiHookResource() {
  return defineResource<CtiHook>({
    name: 'cti-hooks', singular: 'cti-hook', entity: CtiHookSchema, input: CtiHookInput, parent: 'tenant',
    search: ['url'], unique: [['tenantId', 'url']], clusters: () => [],
    permission: 'queues.queue',
    copyDefaults: () => ({ url: '' }),
  });
}
