/**
 * A simulated Asterisk for the namespace tests, run as its own process inside a node's network
 * namespace (`ip netns exec NS node bin/run-ts.mjs plugins/ha/test/netns-sim.ts HOST NAME`):
 * AMI on 5038 and SIP OPTIONS on UDP 5060, no SSH. Bound to HOST (default 0.0.0.0: every address
 * of the namespace — the node's own and the VIP while it holds it). Killing the process is an
 * Asterisk crash on that node. Prints runSim's banner once it listens.
 */
import { runSim } from '../../../sdk/testing/sim/cli.ts';

const [host = '0.0.0.0', name = 'acm-sim'] = process.argv.slice(2);
await runSim({ host, amiPort: 5038, ariPort: 0, sshPort: -1, sipPort: 5060, systemName: name, authFailDelayMs: 50, handleSignals: true });
console.log('READY');
