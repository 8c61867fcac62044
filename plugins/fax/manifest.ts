import { defineManifest, hostSchema, z } from '../../sdk/index.ts';

/** An absolute, normalised directory of plain segments (it goes into ReceiveFAX/SendFAX arguments). */
const dir = z.string().max(200).regex(/^(\/[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*)+$/, 'an absolute path of letters, digits and _.@+- segments')
  .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'must not contain . or ..');

export const manifest = defineManifest({
  id: 'fax',
  title: 'Fax gateway',
  version: '0.1.0',
  contract: 1,
  description: 'Fax numbers per tenant: inbound faxes received into the spool (ReceiveFAX), outbound faxes sent through an Originate into SendFAX.',
  license: 'fax',
  permissions: ['fax.number:read', 'fax.number:write', 'fax.sender:read', 'fax.sender:write', 'fax.job:read'],
  settings: z.strictObject({
    /** Where Asterisk writes received and reads outgoing TIFFs: `<spoolDir>/t<tenant>/…`. */
    spoolDir: dir.default('/var/spool/asterisk/fax'),
    /** Further attempts after busy or no answer, and the wait between them. */
    retries: z.number().int().min(0).max(10).default(3),
    retryIntervalSeconds: z.number().int().min(10).max(86_400).default(300),
    maxPages: z.number().int().min(1).max(500).default(50),
    maxBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    /** Faxes in progress at once per cluster. */
    concurrencyPerCluster: z.number().int().min(1).max(100).default(4),
    /** Mail to `<number>@<faxDomain>` becomes a fax. */
    faxDomain: hostSchema().default('fax.localhost'),
    smtpPort: z.number().int().min(1).max(65_535).default(2525),
  }),
});
