/**
 * The client of the namespace tests, run inside the client namespace
 * (`ip netns exec NS node bin/run-ts.mjs plugins/ha/test/netns-probe.ts VIP SECONDS`): every
 * 100 ms it starts a SIP OPTIONS probe (UDP 5060, RFC 3261) and an AMI Login+Ping (TCP 5038) to
 * the VIP — overlapping, each bounded by 1 s (a probe on a loaded two-core machine can take longer than 400 ms without any outage) — and prints one JSON line per pair:
 * {"start":ms,"end":ms,"sip":bool,"ami":bool}. Stops after SECONDS (bounded) or on SIGTERM.
 */
import { amiPing, sipOptions } from '../node/probes.ts';

const [vip = '', secondsArg = '60'] = process.argv.slice(2);
const end = Date.now() + Math.min(Number(secondsArg) || 60, 300) * 1000;
let stop = false;
process.once('SIGTERM', () => { stop = true; });
console.log('READY');
while (!stop && Date.now() < end) {
  const start = Date.now();
  void Promise.all([
    sipOptions(vip, 5060, 1000),
    amiPing({ host: vip, port: 5038, username: 'acmtest', secret: 'acmtest-Secret1' }, 1000),
  ]).then(([sip, ami]) => console.log(JSON.stringify({ start, end: Date.now(), sip: sip.ok, ami: ami.ok })));
  await new Promise((r) => setTimeout(r, 100));
}
await new Promise((r) => setTimeout(r, 500));
process.exit(0);
