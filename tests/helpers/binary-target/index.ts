import { existsSync, readFileSync } from 'node:fs';
import { definePlugin } from '../../../sdk/index.ts';
import { manifest } from './manifest.ts';

/** Every server of the cluster gets the bytes of `settings.source` (while it exists) at `settings.path`; without it, the file is deleted. */
export default definePlugin({
  manifest,
  setup(ctx) {
    ctx.commit.target({
      name: 'prompt',
      render: (s) => (existsSync(ctx.settings.source)
        ? s.servers.map((server) => ({ serverId: server.id, path: ctx.settings.path, content: new Uint8Array(readFileSync(ctx.settings.source)) }))
        : []),
      // Deleted from the servers once the source is gone.
      prune: true,
      // Nothing takes the file but the next reader of it.
      reload: async () => {},
    });
  },
});
