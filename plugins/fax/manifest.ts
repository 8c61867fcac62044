import { defineManifest, z } from '../../sdk/index.ts';

/** An absolute, normalised directory of plain segments (it goes into ReceiveFAX/SendFAX arguments). */
const dir = z.string().max(200).regex(/^(\/[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*)+$/, 'an absolute path of letters, digits and _.@+- segments')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or ..');

export const manifest = defineManifest({
  id: 'fax',
  title: 'Fax gateway',
  version: '0.1.0',
  contract: 1,
  description: 'Fax numbers per tenant: inbound faxes received into the spool (ReceiveFAX) and logged, and the SendFAX context outbound faxes will use (sending, e-mail to fax and fax to e-mail are not built yet).',
  license: 'fax',
  permissions: ['fax.number:read', 'fax.number:write', 'fax.sender:read', 'fax.sender:write', 'fax.job:read'],
  // Retries, size limits, concurrency and the SMTP listener's settings come with e-mail to fax (not built yet).
  settings: z.strictObject({
    /** Where Asterisk writes received and reads outgoing TIFFs: `<spoolDir>/t<tenant>/…`. */
    spoolDir: dir.default('/var/spool/asterisk/fax'),
    maxPages: z.number().int().min(1).max(500).default(50),
  }),
});
