import { configText, defineResource, soundNameSchema, z, type FieldProblem } from '../../sdk/index.ts';
import { Destination } from './destination.ts';
import { HoursSchema, IvrSchema, RouteSchema, WEEKDAYS, type Hours, type Ivr, type Route } from './entities.ts';
import { promptProblem } from '../recordings/api/index.ts';
import { destinationProblems, exits, loopProblems, type Lookups } from './graph.ts';

/** Context-name part: these names become `[<prefix>hours-<name>]`, `[<prefix>ivr-<name>]` and `[<prefix>announce-<name>]`. */
export const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _, at most 40');
const time = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'HH:MM (24:00 for the end of the day)');
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
const validDate = (y: number, m: number, d: number) => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
};
const holidayDate = z.string().refine((s) => {
  const one = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (one) return validDate(Number(one[1]), Number(one[2]), Number(one[3]));
  const yearly = /^(\d{2})-(\d{2})$/.exec(s);
  return !!yearly && validDate(2024, Number(yearly[1]), Number(yearly[2])); // a leap year: 02-29 is a date
}, 'YYYY-MM-DD (once) or MM-DD (every year)');

export const OpenRuleInput = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1).refine((d) => new Set(d).size === d.length, 'each day once'),
  from: time.refine((t) => t !== '24:00', 'a start time is 00:00 to 23:59'),
  to: time,
}).refine((r) => minutes(r.from) < minutes(r.to), { path: ['to'], message: 'must be after from' });

export const HoursInput = z.strictObject({
  tenantId: z.number().int().positive().optional(),
  name,
  description: configText(255).nullable().optional(),
  active: z.boolean().default(true),
  open: z.array(OpenRuleInput).max(50).default([]),
  holidays: z.array(z.strictObject({ date: holidayDate, name: configText(60) })).max(366).default([]),
  destinations: z.strictObject({ open: Destination, closed: Destination, holiday: Destination }),
  /** The agent group these are the hours of: routes and menus to that queue go through them. */
  queueId: z.number().int().positive().nullable().optional(),
}).superRefine((h, ctx) => {
  h.open.forEach((r, j) => {
    const i = h.open.slice(0, j).findIndex((o) => o.days.some((d) => r.days.includes(d)) && minutes(o.from) < minutes(r.to) && minutes(r.from) < minutes(o.to));
    if (i >= 0) ctx.addIssue({ code: 'custom', path: ['open', j, 'from'], message: `overlaps open.${i} on ${h.open[i]!.days.filter((d) => r.days.includes(d)).join(', ')}` });
  });
  h.holidays.forEach((x, j) => {
    // A one-off date on a yearly holiday is the same holiday listed twice.
    const i = h.holidays.slice(0, j).findIndex((o) => o.date === x.date || o.date.endsWith(`-${x.date}`) || x.date.endsWith(`-${o.date}`));
    if (i >= 0) ctx.addIssue({ code: 'custom', path: ['holidays', j, 'date'], message: `${x.date} is already holidays.${i} (${h.holidays[i]!.date})` });
  });
});

/** The one check of every prompt (IVR menus, announcements): a sound name; an uploaded recording is `acm/t<tenant>/<name>` (checked in `check`). */
export const prompt = soundNameSchema;

const digit = z.string().regex(/^[0-9*#]$/, 'one of 0-9, * and #');
export const IvrInput = z.strictObject({
  clusterId: z.number().int().positive(),
  name,
  description: configText(255).nullable().optional(),
  prompt: prompt(),
  timeout: z.number().int().min(1).max(60).default(5),
  retries: z.number().int().min(0).max(9).default(2),
  directDial: z.boolean().default(false),
  options: z.array(z.strictObject({ digit, destination: Destination })).max(12).default([])
    .superRefine((opts, ctx) => opts.forEach((o, j) => {
      if (opts.slice(0, j).some((p) => p.digit === o.digit)) ctx.addIssue({ code: 'custom', path: [j, 'digit'], message: `digit ${o.digit} is already an option` });
    })),
  invalid: Destination.default({ type: 'hangup' }),
  timeoutDestination: Destination.default({ type: 'hangup' }),
});

export const RouteInput = z.strictObject({
  clusterId: z.number().int().positive(),
  trunkId: z.number().int().positive().nullable().optional(),
  did: z.string().regex(/^\+?[0-9]{1,20}$/, 'digits with an optional leading +').nullable().optional(),
  description: configText(255).nullable().optional(),
  callerIdNamePrefix: z.string().regex(/^[A-Za-z0-9 -]{1,20}$/, 'letters, digits, space and -, at most 20').nullable().optional(),
  destination: Destination,
});

export function hoursResource(look: Lookups) {
  return defineResource<Hours>({
    name: 'hours', singular: 'hours', entity: HoursSchema, input: HoursInput, parent: 'tenant',
    search: ['name', 'description'], defaultSort: 'name', unique: [['tenantId', 'name'], ['tenantId', 'queueId']],
    copyDefaults: (h) => ({ name: `${h.name.slice(0, 35)}-copy`, queueId: null }),
    async check(em, h, existing) {
      const problems = await destinationProblems(em, h, exits('hours', h), look);
      if (h.queueId != null && (await look.queue(h.queueId, em))?.tenantId !== h.tenantId) problems.push({ field: 'queueId', message: `no queue ${h.queueId} in this tenant` });
      return problems.length ? problems : loopProblems(em, 'hours', h, existing);
    },
  });
}

export function ivrResource(look: Lookups) {
  return defineResource<Ivr>({
    name: 'ivrs', singular: 'ivr', entity: IvrSchema, input: IvrInput, parent: 'cluster',
    search: ['name', 'description', 'prompt'], defaultSort: 'name', unique: [['clusterId', 'name']],
    copyDefaults: (i) => ({ name: `${i.name.slice(0, 35)}-copy` }),
    async check(em, i, existing) {
      const problems = await destinationProblems(em, i, exits('ivr', i), look);
      const sound = await promptProblem(look.recordings(), i.tenantId, i.prompt, em);
      if (sound) problems.push({ field: 'prompt', message: sound });
      return problems.length ? problems : loopProblems(em, 'ivr', i, existing);
    },
  });
}

export function routeResource(look: Lookups) {
  return defineResource<Route>({
    name: 'routes', singular: 'route', entity: RouteSchema, input: RouteInput, parent: 'cluster',
    search: ['did', 'description'], filters: ['trunkId'], defaultSort: 'did',
    async check(em, r, existing, refs) {
      const problems: FieldProblem[] = [];
      if (r.trunkId != null) {
        const trunk = await refs.find('trunk', r.trunkId);
        if (!trunk) problems.push({ field: 'trunkId', message: `no trunk ${r.trunkId}` });
        else if (trunk.clusterId !== r.clusterId) problems.push({ field: 'trunkId', message: `trunk ${trunk.name as string} is on another cluster than the route` });
      }
      // The kit's unique columns let nulls pass: the catch-all (did null) and every-trunk (trunkId null) routes are checked here.
      const twin = (await em.find(RouteSchema, { clusterId: r.clusterId, trunkId: r.trunkId ?? null, did: r.did ?? null })).find((x) => x.id !== existing?.id);
      if (twin) problems.push({ field: 'did', message: `${r.did ? `DID ${r.did}` : 'the catch-all'} already has route ${twin.id} on ${r.trunkId ? 'this trunk' : 'every trunk'}` });
      return [...problems, ...(await destinationProblems(em, r, [['destination', r.destination]], look))];
    },
  });
}
