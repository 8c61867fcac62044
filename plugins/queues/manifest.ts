import { defineManifest, z } from '../../sdk/index.ts';

/** Pause reasons: a word agents pick on the phone (by position, `*47<n>`), in the UI, API or CLI. */
const reason = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, at most 20');

export const manifest = defineManifest({
  id: 'queues',
  title: 'Call centre queues',
  version: '1.0.0',
  contract: 1,
  description: 'ACD queues rendered into queues.conf, static members from groups and extensions, agents who log in, pause with a reason and log out, live.',
  license: 'queues',
  // An uploaded periodic announcement needs the recordings plugin; without it queues use sound names only.
  requires: { plugins: [], optional: ['recordings'] },
  permissions: ['queues.queue:read', 'queues.queue:write', 'queues.member:read', 'queues.member:write', 'queues.agent:read', 'queues.agent:write'],
  ui: [{ path: '/queues', title: 'Queues', element: 'acm-queues-page', module: './ui/queues-page.js', permission: 'queues.queue:read',
    menu: { section: 'Configuration', order: 47 } }],
  settings: z.strictObject({
    /** What an agent may give as the reason of a pause, in this order (`*471` is the first). At most 9. */
    pauseReasons: z.array(reason).min(1).max(9).refine((r) => new Set(r).size === r.length, 'each reason once')
      .default(['lunch', 'break', 'meeting', 'training', 'admin']),
    /** Feature codes dialled from a phone: log in to / out of the queue `<number>`, pause with reason n, resume. */
    featureCodes: z.strictObject({
      login: z.string().regex(/^\*[0-9]{1,3}$/).default('*45'),
      logout: z.string().regex(/^\*[0-9]{1,3}$/).default('*46'),
      pause: z.string().regex(/^\*[0-9]{1,3}$/).default('*47'),
      unpause: z.string().regex(/^\*[0-9]{1,3}$/).default('*48'),
    }).default({ login: '*45', logout: '*46', pause: '*47', unpause: '*48' }),
  }),
});
