import { defineManifest, z } from '../../sdk/index.ts';

const code = z.string().regex(/^\*[0-9]{1,3}$/, '* and one to three digits');

export const manifest = defineManifest({
  id: 'hotdesk',
  title: 'Hot desk',
  version: '1.0.0',
  contract: 1,
  description: 'Hot-desk phones with basic rights; a user logs in at one (phone, UI, API, CLI) and the phone takes the user\'s caller ID, account code and rights, and rings for the user.',
  permissions: ['hotdesk.phone:read', 'hotdesk.phone:write', 'hotdesk.session:read', 'hotdesk.session:write'],
  ui: [{ path: '/hotdesk', title: 'Hot desk', element: 'acm-hotdesk-page', module: './ui/hotdesk-page.js', permission: 'hotdesk.phone:read',
    menu: { section: 'Status', order: 520 } }],
  settings: z.strictObject({
    /** A call to a logged-in user also rings the user's own device (`PJSIP/phone&PJSIP/own`). */
    ringOwnDevice: z.boolean().default(false),
    /** Feature codes on a hot-desk phone: `<login><own extension>` then the voicemail PIN; `<logout>`. */
    featureCodes: z.strictObject({ login: code.default('*80'), logout: code.default('*81') }).default({ login: '*80', logout: '*81' }),
    /** Numbers a hot-desk phone dials with the desk's emergency caller ID, logged in or not. */
    emergencyNumbers: z.array(z.string().regex(/^[0-9]{2,4}$/, '2 to 4 digits')).max(10).default(['112', '911', '999']),
    /** Everybody is logged out at this time of day (HH:MM, in each site's timezone); null: never. */
    autoLogoutAt: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM').nullable().default(null),
  }),
});
