import { defineManifest, z } from '../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'status',
  title: 'Status home page',
  version: '1.0.0',
  contract: 1,
  description: 'The home page tiles, starting with the health of acm itself.',
  permissions: ['status.tile:read'],
  ui: [{ path: '/', title: 'Home', element: 'acm-status-home', module: './ui/status-home.js', permission: 'status.tile:read' }],
  settings: z.strictObject({
    /** Days of license left below which the tile turns orange. */
    licenseWarnDays: z.number().int().min(0).default(14),
  }),
});
