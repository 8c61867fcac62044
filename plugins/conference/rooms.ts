import { configText, defineResource, dialNumberSchema, z, type FieldProblem, type ResourceWrite } from '../../sdk/index.ts';
import { RECURRENCES, VIDEO_MODES, type PinPolicy } from './api/index.ts';
import { RoomSchema, type Room } from './entities.ts';

const when = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date and time, e.g. 2026-05-30T09:00:00Z')
  .transform((s) => new Date(s));
const pin = z.string().regex(/^[0-9]{1,16}$/, '1 to 16 digits');
const opt = <T extends z.ZodType>(t: T) => t.nullable().optional();

/** What a client may send. PINs: absent = keep, null = remove (on update). */
export const RoomInput = z.strictObject({
  clusterId: z.number().int().positive(),
  number: z.string().regex(/^[0-9]{2,20}$/, '2 to 20 digits'),
  startsAt: when,
  endsAt: opt(when),
  recurrence: z.enum(RECURRENCES).default('none'),
  durationMinutes: opt(z.number().int().min(1).max(1440)),
  externalNumber: opt(dialNumberSchema()),
  owner: opt(configText(80)),
  account: opt(configText(80)),
  description: opt(configText(255)),
  maxUsers: opt(z.number().int().min(1).max(1000)),
  userPin: opt(pin),
  adminPin: opt(pin),
  record: z.boolean().default(false),
  videoMode: z.enum(VIDEO_MODES).default('none'),
}).superRefine((v, ctx) => {
  if (v.endsAt && v.endsAt.getTime() <= v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  if (v.userPin && v.adminPin && v.userPin === v.adminPin) ctx.addIssue({ code: 'custom', path: ['adminPin'], message: 'must differ from the user PIN' });
  if (v.durationMinutes && v.recurrence === 'none') ctx.addIssue({ code: 'custom', path: ['durationMinutes'], message: 'only for recurring rooms (use endsAt)' });
});

/** Every PIN policy registered in `conference.pinPolicies`, in key order; each problem names its policy. */
async function pinProblems(policies: ReadonlyMap<string, PinPolicy>, room: Room): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  for (const [kind, value] of [['user', room.userPin], ['admin', room.adminPin]] as const) {
    if (!value) continue;
    for (const [key, policy] of [...policies.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const msg = await policy.check({ pin: value, kind, room: { number: room.number, clusterId: room.clusterId, tenantId: room.tenantId } });
      if (msg) problems.push({ field: `${kind}Pin`, message: `${msg} (policy ${key})` });
    }
  }
  return problems;
}

/**
 * Conference rooms as a resource of the SDK's kit: routes, CLI, OpenAPI and the writes come
 * from this declaration; what is the plugin's own is the PIN policies and the scheduler.
 */
export function roomResource(deps: { policies(): ReadonlyMap<string, PinPolicy>; written(w: ResourceWrite<Room>): Promise<void> }) {
  return defineResource<Room>({
    name: 'rooms', singular: 'room', entity: RoomSchema, input: RoomInput, parent: 'cluster',
    search: ['number', 'description', 'owner', 'account', 'externalNumber'], defaultSort: 'number',
    secrets: ['userPin', 'adminPin'],
    // A DID leads to one room of a cluster.
    unique: [['clusterId', 'number'], ['clusterId', 'externalNumber']],
    // The copy is a template: the caller names its number; the DID stays with the original.
    copyDefaults: () => ({ externalNumber: null }),
    check: (_em, room) => pinProblems(deps.policies(), room),
    afterWrite: (w) => deps.written(w),
  });
}
