import { defineManifest, z } from '../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'conference',
  title: 'Conference manager',
  version: '1.0.0',
  contract: 1,
  description: 'ConfBridge rooms: bookings with time windows and PINs, rendered profiles and dialplan, live participants.',
  license: 'conference',
  permissions: ['conference.room:read', 'conference.room:write'],
  ui: [{ path: '/conference', title: 'Conferences', element: 'acm-conference-page', module: './ui/conference-page.js', permission: 'conference.room:read',
    menu: { section: 'Configuration', order: 45 } }],
  settings: z.strictObject({
    /** Where ConfBridge writes recordings on the servers (bridge profile `record_file`). */
    recordingsDir: z.string().regex(/^\/[A-Za-z0-9_./-]*$/, 'an absolute path of letters, digits and _./-').default('/var/spool/asterisk/confbridge'),
    /** How often the scheduler opens and closes rooms, in seconds. */
    scheduleEverySeconds: z.number().int().min(5).max(3600).default(60),
    /** Wrong PIN entries before the caller is hung up. */
    pinAttempts: z.number().int().min(1).max(10).default(3),
  }),
});
