import { defineManifest, z } from '../../../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'conference-pin-policy',
  title: 'Demo conference PIN policy',
  version: '1.0.0',
  contract: 1,
  description: 'Conference PINs of at least 6 digits, not one digit repeated, not the room number.',
  requires: { plugins: ['conference'] },
  settings: z.strictObject({
    minDigits: z.number().int().min(1).max(16).default(6),
  }),
});
