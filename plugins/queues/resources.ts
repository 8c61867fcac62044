import { configText, defineResource, MARKER_PREFIX, z, type FieldProblem, type Resource } from '../../sdk/index.ts';
import { QueueMemberSchema, QueueSchema, type Queue, type QueueMember } from './entities.ts';

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
  serviceLevel: seconds(3600).default(20),
  joinEmpty: z.enum(EMPTY_RULES).default('yes'),
  leaveWhenEmpty: z.enum(EMPTY_RULES).default('no'),
  ringInUse: z.boolean().default(false),
  autoPause: z.enum(['no', 'yes', 'all']).default('no'),
});

export const MemberInput = z.strictObject({
  queueId: z.number().int().positive(),
  extensionId: z.number().int().positive().nullable().optional(),
  groupId: z.number().int().positive().nullable().optional(),
  penalty: z.number().int().min(0).max(1000).default(0),
}).superRefine((v, ctx) => {
  if ((v.extensionId == null) === (v.groupId == null)) ctx.addIssue({ code: 'custom', path: ['extensionId'], message: 'give an extension or a group, not both' });
});

export function queueResource() {
  return defineResource<Queue>({
    name: 'queues', singular: 'queue', entity: QueueSchema, input: QueueInput, parent: 'cluster',
    search: ['name', 'number', 'description'], defaultSort: 'number', unique: [['clusterId', 'name'], ['clusterId', 'number']],
    children: [{ entity: QueueMemberSchema, column: 'queueId', label: 'members', cascade: true }],
    copyDefaults: (q) => ({ name: `${q.name.slice(0, 35)}-copy`, number: '' }),
  });
}

/** Static members, under their queue: an extension of the queue's cluster, or a group of its tenant. */
export function memberResource(queues: Resource<Queue>) {
  return defineResource<QueueMember>({
    name: 'members', singular: 'member', entity: QueueMemberSchema, input: MemberInput, parent: { resource: queues, column: 'queueId' },
    filters: ['extensionId', 'groupId'], unique: [['queueId', 'extensionId'], ['queueId', 'groupId']],
    async check(_em, m, _existing, refs) {
      const problems: FieldProblem[] = [];
      if (m.extensionId != null) {
        const ext = await refs.find('extension', m.extensionId);
        if (!ext) problems.push({ field: 'extensionId', message: `no extension ${m.extensionId}` });
        else if (ext.clusterId !== m.clusterId) problems.push({ field: 'extensionId', message: `extension ${ext.extension} is on another cluster than the queue` });
      }
      if (m.groupId != null && !(await refs.find('group', m.groupId))) problems.push({ field: 'groupId', message: `no group ${m.groupId}` });
      return problems;
    },
  });
}
