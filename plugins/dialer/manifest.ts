import { defineManifest, z } from '../../sdk/index.ts';

export const manifest = defineManifest({
  id: 'dialer',
  title: 'Outbound dialer',
  version: '1.0.0',
  contract: 1,
  description: 'Outbound campaigns from CSV leads: announce, preview, progressive and predictive dialling through ARI under an abandon-rate cap, DNC lists and calling hours in each lead\'s local time.',
  license: 'dialer',
  // Progressive and predictive campaigns send answered calls to a call-centre queue; announce-only ones need no queue.
  // Uploaded greetings and messages are the recordings plugin's.
  requires: { plugins: ['queues'], optional: ['recordings'] },
  permissions: ['dialer.campaign:read', 'dialer.campaign:write', 'dialer.dnc:read', 'dialer.dnc:write'],
  ui: [{ path: '/dialer', title: 'Outbound dialer', element: 'acm-dialer-page', module: './ui/dialer-page.js', permission: 'dialer.campaign:read',
    menu: { section: 'Configuration', order: 51 } }],
  settings: z.strictObject({
    /** Calls up at once over every campaign of a cluster. */
    maxConcurrentPerCluster: z.number().int().min(1).max(10_000).default(200),
    /** Milliseconds between pacing ticks. */
    tickMs: z.number().int().min(50).max(10_000).default(1000),
    /** Consecutive congestion outcomes (cause 34/38) on one trunk after which dialling on it pauses. */
    trunkDownAfter: z.number().int().min(1).max(100).default(5),
  }),
});
