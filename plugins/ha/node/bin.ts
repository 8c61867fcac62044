/**
 * Entry point of the bundled node agent (build.ts): one self-contained .mjs for the HA nodes,
 * so keepalived's track script starts in well under 100 ms (through tsx it takes about 0.5 s,
 * too slow for a check every second on a busy node).
 */
import { runNodeProgram } from './main.ts';

await runNodeProgram();
