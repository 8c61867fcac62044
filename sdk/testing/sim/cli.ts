/**
 * `acm sim` entry: start a SimulatedAsterisk and print how to reach it. Returns the running
 * simulator; the caller stops it (or Ctrl-C: SIGINT/SIGTERM stop it when `handleSignals`).
 */
import { SimulatedAsterisk, type SimOptions } from './index.ts';

export interface RunSimOptions extends SimOptions {
  /** Seeded call generator (omit for none). */
  generatorSeed?: number;
  generatorStepMs?: number;
  /** Where to print (default console.log). */
  print?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers that stop the simulator (default false). */
  handleSignals?: boolean;
}

export async function runSim(opts: RunSimOptions = {}): Promise<SimulatedAsterisk> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const sim = new SimulatedAsterisk();
  const ports = await sim.start({ sipPort: -1, ...opts });
  const host = opts.host ?? '127.0.0.1';
  const ami = Object.entries(sim.users.ami)[0];
  const ari = Object.entries(sim.users.ari)[0];
  const ssh = Object.entries(sim.users.ssh)[0];
  print(`Simulated Asterisk 20 '${sim.state.systemName}' running`);
  print(`  AMI  ${host}:${ports.ami}  user ${ami?.[0]} secret ${typeof ami?.[1] === 'string' ? ami[1] : ami?.[1].secret}`);
  print(`  ARI  http://${host}:${ports.ari}/ari  user ${ari?.[0]} password ${ari?.[1]}`);
  if (ports.ssh) print(`  SSH  ${host}:${ports.ssh}  user ${ssh?.[0]} password ${ssh?.[1]}  hostKeySha256 ${sim.hostKeySha256}`);
  if (ports.sip) print(`  SIP  udp ${host}:${ports.sip} (OPTIONS)`);
  print(`  config root ${sim.configRoot} (= /etc/asterisk over SFTP)`);
  if (opts.generatorSeed !== undefined) {
    sim.startCallGenerator({ seed: opts.generatorSeed, stepMs: opts.generatorStepMs ?? 1000, maxSteps: Number.MAX_SAFE_INTEGER });
    print(`  call generator seed ${opts.generatorSeed}`);
  }
  if (opts.handleSignals) {
    const stop = () => {
      void sim.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return sim;
}
