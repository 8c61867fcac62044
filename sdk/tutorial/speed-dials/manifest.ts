import { defineManifest } from '../../index.ts';

export const manifest = defineManifest({
  id: 'speed-dials',
  title: 'Speed dials',
  version: '1.0.0',
  contract: 1,
  permissions: ['speed-dials.dial:read', 'speed-dials.dial:write'],
  ui: [{ path: '/speed-dials', title: 'Speed dials', element: 'acm-speed-dials-page', module: './ui/speed-dials-page.js',
    permission: 'speed-dials.dial:read', menu: { section: 'Configuration', order: 35 } }],
});
