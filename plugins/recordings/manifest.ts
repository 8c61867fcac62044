import { defineManifest, z } from '../../sdk/index.ts';

/** An absolute, normalised directory of plain segments (what a deploy target's path must be). */
const dir = z.string().max(200).regex(/^(\/[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*)+$/, 'an absolute path of letters, digits and _.@+- segments')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or ..');

export const manifest = defineManifest({
  id: 'recordings',
  title: 'System recordings',
  version: '1.0.0',
  contract: 1,
  description: 'Audio prompts uploaded per tenant, converted to 8 kHz mono WAV with sox and pushed to every server of its clusters with the commit.',
  license: 'recordings',
  permissions: ['recordings.recording:read', 'recordings.recording:write'],
  ui: [{ path: '/recordings', title: 'Recordings', element: 'acm-recordings-page', module: './ui/recordings-page.js',
    permission: 'recordings.recording:read', menu: { section: 'Configuration', order: 49 } }],
  settings: z.strictObject({
    /** Asterisk's sounds directory (`astdatadir`/sounds): recordings go to `<soundsDir>/acm/t<tenant id>/<name>.wav`. */
    soundsDir: dir.default('/var/lib/asterisk/sounds'),
    /** Largest upload, in bytes (413 above it). */
    maxUploadBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(20 * 1024 * 1024),
    /**
     * Longest recording, in seconds (422 above it). At most 600: 10 minutes of 8 kHz 16-bit WAV are
     * 9.6 MB, 12.8 MB as the revision's base64, under MariaDB's default 16 MB max_allowed_packet.
     */
    maxSeconds: z.number().int().min(1).max(600).default(600),
    /** How long sox may take for one conversion. */
    soxTimeoutSeconds: z.number().int().min(1).max(600).default(60),
  }),
});
