import { join } from 'node:path';
import type { Acm } from '../app.ts';
import { ServerSchema } from '../model/entities.ts';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { applySeed, loadSeedFile, type SeedCounts } from './seed.ts';

export interface RunningDemo {
  simulators: Map<string, SimulatedAsterisk>;
  seeded: SeedCounts;
  stop(): Promise<void>;
}

/**
 * The demo enterprise: one simulated Asterisk per server of `sites/<site>/seed.yaml` on
 * loopback, the seed loaded on first start, and every server row pointed at its simulator (the
 * ports change each run). The primary of each cluster runs a seeded call generator, so live
 * status moves from the first minute.
 */
export async function startDemo(acm: Acm, rootDir: string, opts: { stepMs?: number } = {}): Promise<RunningDemo> {
  const seed = loadSeedFile(join(rootDir, 'sites', acm.site, 'seed.yaml'));
  const simulators = new Map<string, SimulatedAsterisk>();
  const ports = new Map<string, { host: string; amiPort: number; ariPort: number; sshPort: number; sshHostKey?: string }>();
  try {
    for (const cluster of seed.clusters) {
      for (const server of cluster.servers) {
        const sim = new SimulatedAsterisk();
        const p = await sim.start({ systemName: server.name, registrations: {}, queues: {} });
        simulators.set(server.name, sim);
        ports.set(server.name, { host: '127.0.0.1', amiPort: p.ami, ariPort: p.ari, sshPort: p.ssh, ...(sim.hostKeySha256 ? { sshHostKey: sim.hostKeySha256 } : {}) });
      }
    }
    const seeded = await applySeed(acm, seed, (name) => ports.get(name) ?? {});
    if (!seeded.servers) {
      // Already seeded on an earlier run: only the simulators' ports are new.
      const em = acm.orm.em.fork();
      for (const [name, p] of ports) await em.nativeUpdate(ServerSchema, { name }, p);
    }
    let n = 0;
    for (const cluster of seed.clusters) {
      const primary = cluster.servers.find((s) => s.role === 'primary') ?? cluster.servers[0];
      const endpoints = seed.extensions.filter((e) => e.cluster === cluster.name).map((e) => e.extension);
      if (primary && endpoints.length) {
        simulators.get(primary.name)!.startCallGenerator({ seed: 1000 + n++, endpoints, stepMs: opts.stepMs ?? 1500, maxSteps: Number.MAX_SAFE_INTEGER });
      }
    }
    return {
      simulators, seeded,
      async stop() {
        await Promise.all([...simulators.values()].map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all([...simulators.values()].map((s) => s.stop()));
    throw err;
  }
}
