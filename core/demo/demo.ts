import { join } from 'node:path';
import type { Acm } from '../app.ts';
import { ClusterSchema, ServerSchema } from '../model/entities.ts';
import { renderIncludeStubs } from '../commit/render/index.ts';
import type { CommitOutcome } from '../commit/commit-service.ts';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { applySeed, DEMO_SEED_PRINCIPAL, loadSeedFile, type SeedCounts } from './seed.ts';
import { startDemoHa } from './ha.ts';
import { startDemoQueues } from './queues.ts';
import { startDemoInbound } from './inbound.ts';
import { startDemoRoaming } from './roaming.ts';
import { loginDemoHotdesk, startDemoHotdesk } from './hotdesk.ts';

/** The simulators start as a site's servers would: hand-written main files that include acm's. */
const mainFiles = (stubs: { file: string; content: string }[]) => Object.fromEntries(stubs.map((s) => [s.file, `; ${s.file}: hand-written by the site\n${s.content}`]));
const MAIN_FILES = mainFiles(renderIncludeStubs());

export interface RunningDemo {
  simulators: Map<string, SimulatedAsterisk>;
  seeded: SeedCounts;
  /** HA groups created on this start (the ha plugin's, one per cluster pair). */
  haGroups: number;
  /** Pushes the configuration to every simulator (call once the servers are connected). */
  deploy(): Promise<CommitOutcome[]>;
  stop(): Promise<void>;
}

/**
 * The demo enterprise: one simulated Asterisk per server of `sites/<site>/seed.yaml` on
 * loopback, the seed loaded on first start, and every server row pointed at its simulator (the
 * ports change each run). The primary of each cluster runs a seeded call generator, so live
 * status moves from the first minute; each pair is an HA group whose nodes report (core/demo/ha.ts).
 */
export async function startDemo(acm: Acm, rootDir: string, opts: { stepMs?: number } = {}): Promise<RunningDemo> {
  const seed = loadSeedFile(join(rootDir, 'sites', acm.site, 'seed.yaml'));
  const simulators = new Map<string, SimulatedAsterisk>();
  const ports = new Map<string, { host: string; amiPort: number; ariPort: number; sshPort: number; sshHostKey?: string }>();
  // The simulated resolver knows the trunks' host names (identify `match` needs them at load).
  const names = [...new Set(seed.trunks.map((t) => (t as { host?: string }).host).filter((h): h is string => !!h && /[a-z]/i.test(h) && !h.includes(':')))].sort();
  const hosts = Object.fromEntries(names.map((h, i) => [h, [`198.51.100.${(i % 250) + 1}`]]));
  try {
    for (const cluster of seed.clusters) {
      for (const server of cluster.servers) {
        const sim = new SimulatedAsterisk();
        // The primary holds the cluster's VIP: there other clusters' IAX2 and DUNDi reach it (roaming).
        const primary = server.role === 'primary' || cluster.servers.length === 1;
        const addresses = primary && cluster.vip ? [cluster.vip] : [];
        const p = await sim.start({ systemName: server.name, registrations: {}, queues: {}, configFiles: MAIN_FILES, hosts, addresses });
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
    const haGroups = await startDemoHa(acm, seed.haGroups, simulators);
    await startDemoQueues(acm, seed.queues);
    await startDemoInbound(acm, seed.inbound);
    await startDemoRoaming(acm, seed.roaming);
    await startDemoHotdesk(acm, seed.hotdesk);
    let n = 0;
    for (const cluster of seed.clusters) {
      const primary = cluster.servers.find((s) => s.role === 'primary') ?? cluster.servers[0];
      const endpoints = seed.extensions.filter((e) => e.cluster === cluster.name).map((e) => e.extension);
      // Outside calls ride the cluster's ITSP trunks, so the ITSP-utilization tile moves too.
      const trunks = seed.trunks.filter((t) => t.cluster === cluster.name && t.maxChannels).map((t) => t.name);
      if (primary && endpoints.length) {
        simulators.get(primary.name)!.startCallGenerator({ seed: 1000 + n++, endpoints, trunks, stepMs: opts.stepMs ?? 1500, maxSteps: Number.MAX_SAFE_INTEGER });
      }
    }
    return {
      simulators, seeded, haGroups,
      async deploy() {
        // Fresh simulators hold no acm files yet: push every cluster's config in full.
        await acm.connections.waitConnected(15_000);
        const clusters = await acm.orm.em.fork().find(ClusterSchema, {}, { orderBy: { id: 'asc' } });
        // As a site follows `acm includes`: the main files include the plugins' files too.
        const files = mainFiles(renderIncludeStubs(acm.commits.files.list()));
        for (const c of clusters) {
          const servers = await acm.orm.em.fork().find(ServerSchema, { clusterId: c.id });
          for (const s of servers) for (const [name, body] of Object.entries(files)) simulators.get(s.name)?.writeConfig(name, body);
        }
        const outcomes = await acm.commits.commit({ user: DEMO_SEED_PRINCIPAL }, clusters.map((c) => c.id), { force: true, allChanges: true });
        // The seed's hot-desk log-ins go into each server's AstDB now that they run acm's dialplan.
        await loginDemoHotdesk(acm, seed.hotdesk);
        return outcomes;
      },
      async stop() {
        await Promise.all([...simulators.values()].map((s) => s.stop()));
      },
    };
  } catch (err) {
    await Promise.all([...simulators.values()].map((s) => s.stop()));
    throw err;
  }
}
