/**
 * Bundles the node agent into one ES module for the HA nodes (no tsx, no node_modules there):
 *   node bin/run-ts.mjs plugins/ha/node/build.ts [OUTFILE]   (default dist/acm-ha.mjs)
 * Install it as the `agentCommand` (default /usr/local/bin/acm-ha) with a `#!/usr/bin/env node` line.
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';

export async function buildAgent(outfile: string): Promise<string> {
  await build({
    entryPoints: [resolve(import.meta.dirname, 'bin.ts')],
    outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', legalComments: 'none',
    // commander is CommonJS: give the bundle a require for its node: built-ins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __acmCreateRequire } from 'node:module';\nconst require = __acmCreateRequire(import.meta.url);" },
  });
  return outfile;
}

if (process.argv[1] && /node[/\\]build\.ts$/.test(process.argv[1])) {
  console.log(await buildAgent(resolve(process.argv[2] ?? 'dist/acm-ha.mjs')));
}
