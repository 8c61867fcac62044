import { defineManifest, z } from '../../../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'itsp-utilization',
  title: 'ITSP utilization tile',
  version: '1.0.0',
  contract: 1,
  description: 'Home-page tile: channels in use per trunk and group against each trunk\'s capacity, with the bandwidth they need.',
  settings: z.strictObject({
    /** Re-read CoreShowChannels when the last full read is older than this (events keep it current in between). */
    resyncSeconds: z.number().int().min(0).default(30),
    /** Utilization (%) from which the tile turns orange, and red. */
    warnPercent: z.number().min(1).max(100).default(70),
    alarmPercent: z.number().min(1).max(100).default(90),
  }),
});
