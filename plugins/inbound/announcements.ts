import { configText, defineResource, dialplanToken, z, type ClusterSnapshotView, type ConfWriter } from '../../sdk/index.ts';
import { contexts, Destination, destinationApp, type Targets } from './destination.ts';
import { AnnouncementSchema, type Announcement } from './entities.ts';
import { promptProblem } from '../recordings/api/index.ts';
import { destinationProblems, exits, loopProblems, type Lookups } from './graph.ts';
import { name, prompt } from './resources.ts';

export const AnnouncementInput = z.strictObject({
  clusterId: z.number().int().positive(),
  name,
  description: configText(255).nullable().optional(),
  prompt: prompt(),
  repeat: z.number().int().min(1).max(5).default(1),
  answer: z.boolean().default(true),
  then: Destination.default({ type: 'hangup' }),
});

export function announcementResource(look: Lookups) {
  return defineResource<Announcement>({
    name: 'announcements', singular: 'announcement', entity: AnnouncementSchema, input: AnnouncementInput, parent: 'cluster',
    search: ['name', 'description', 'prompt'], defaultSort: 'name', unique: [['clusterId', 'name']],
    copyDefaults: (a) => ({ name: `${a.name.slice(0, 35)}-copy` }),
    async check(em, a, existing) {
      const problems = await destinationProblems(em, a, exits('announcement', a), look);
      const sound = await promptProblem(look.recordings(), a.tenantId, a.prompt, em);
      if (sound) problems.push({ field: 'prompt', message: sound });
      return problems.length ? problems : loopProblems(em, 'announcement', a, existing);
    },
  });
}

/**
 * An announcement: answered (or early media: Progress, and Playback that does not answer), the
 * prompt `repeat` times, then its destination. The prompt is checked again on the way out.
 */
export function renderAnnouncement(w: ConfWriter, s: ClusterSnapshotView, a: Announcement, t: Targets): void {
  if (!Number.isInteger(a.repeat) || a.repeat < 1 || a.repeat > 5) throw new Error(`announcement ${a.name}: repeat ${a.repeat} is not 1 to 5`);
  const sound = dialplanToken(a.prompt, 'prompt');
  w.blank().comment(`announcement ${a.name} (id ${a.id})${a.description ? `: ${a.description}` : ''}`);
  w.section(contexts.announcement(s, a.name));
  w.raw(`exten => s,1,NoOp(acm announcement ${dialplanToken(a.name, 'name')})`);
  w.same(a.answer ? 'n,Answer()' : 'n,Progress()');
  for (let i = 0; i < a.repeat; i++) w.same(`n,Playback(${sound}${a.answer ? '' : ',noanswer'})`);
  w.same(`n,${destinationApp(s, a.then, t, `announcement ${a.name} (then)`)}`);
}
