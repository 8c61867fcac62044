import { defineManifest, z } from '../../../sdk/index.ts';

/** A test plugin (tests/binary-target.test.ts): one binary file per server, its bytes read from `source` at each render. */
export const manifest = defineManifest({
  id: 'binary-target',
  title: 'Binary deploy target (test)',
  version: '1.0.0',
  contract: 1,
  permissions: [],
  settings: z.strictObject({ source: z.string(), path: z.string() }),
});
