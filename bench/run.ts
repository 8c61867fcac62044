/** `npm run bench [-- --json FILE] [--only=NAME]`: every benchmark, as a table beside its baseline. */
import { runBenches } from './harness.ts';
import { amiIngest } from './ami-ingest.bench.ts';
import { wsFanout } from './ws-fanout.bench.ts';
import { commitPipeline } from './commit.bench.ts';
import { dialerPacing } from './dialer-pacing.bench.ts';
import { healthRound } from './health-round.bench.ts';

await runBenches([amiIngest, wsFanout, commitPipeline, dialerPacing, healthRound], process.argv.slice(2));
process.exit(0);
