import { defineManifest } from '../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'inbound',
  title: 'Inbound routing',
  version: '1.0.0',
  contract: 1,
  description: 'Business hours and holidays, IVR menus, announcements, group mailboxes and inbound routes (DIDs per trunk, caller-ID name prefixes) to extensions, queues, conference rooms, voicemail and numbers.',
  license: 'inbound',
  // Conference rooms and uploaded prompts: refused (clearly) while the conference or recordings plugin does not run.
  requires: { plugins: ['queues'], optional: ['conference', 'recordings'] },
  permissions: [
    'inbound.hours:read', 'inbound.hours:write', 'inbound.ivr:read', 'inbound.ivr:write', 'inbound.route:read', 'inbound.route:write',
    'inbound.announcement:read', 'inbound.announcement:write', 'inbound.mailbox:read', 'inbound.mailbox:write',
  ],
  ui: [{ path: '/inbound', title: 'Inbound', element: 'acm-inbound-page', module: './ui/inbound-page.js', permission: 'inbound.route:read',
    menu: { section: 'Configuration', order: 48 } }],
});
