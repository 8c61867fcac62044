import { defineManifest, z } from '../../sdk/index.ts';

const port = z.number().int().min(1).max(65535);

export const manifest = defineManifest({
  id: 'roaming',
  title: 'Roaming',
  version: '1.0.0',
  contract: 1,
  description: 'One dial plan across the clusters of a tenant: IAX2 links with RSA keys acm generates and rotates, DUNDi lookups of roaming extensions and standard department numbers, the roaming report.',
  license: 'roaming',
  requires: { plugins: [], optional: [] },
  permissions: ['roaming.link:read', 'roaming.link:write', 'roaming.roamer:read', 'roaming.roamer:write',
    'roaming.standard:read', 'roaming.standard:write', 'roaming.key:read', 'roaming.key:write'],
  ui: [{ path: '/roaming', title: 'Roaming', element: 'acm-roaming-page', module: './ui/roaming-page.js', permission: 'roaming.link:read',
    menu: { section: 'Configuration', order: 55 } }],
  settings: z.strictObject({
    /** UDP port chan_iax2 listens on, on every server (iax.conf `bindport`; Asterisk's default). */
    iaxPort: port.default(4569),
    /** UDP port pbx_dundi listens on (dundi.conf `port`; Asterisk's default). */
    dundiPort: port.default(4520),
    /** Where res_crypto reads keys: `<astvarlibdir>/keys` (res_crypto appends /keys to astkeydir's parent). */
    keysDir: z.string().regex(/^\/[A-Za-z0-9_./-]+$/, 'an absolute path').refine((p) => !p.split('/').includes('..'), 'no ..')
      .default('/var/lib/asterisk/keys'),
    /** Seconds a roaming Dial rings the far site before the next answer is tried. */
    ringSeconds: z.number().int().min(5).max(300).default(20),
  }),
});
