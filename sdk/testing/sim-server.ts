import { SimulatedAsterisk, type SimOptions } from './sim/index.ts';
import type { TestKernel } from './kernel.ts';

/**
 * A simulated Asterisk 20 as a server of `clusterId`, the way a site sets one up: its main files
 * `#tryinclude` what `GET /api/commit/includes` lists (the loaded plugins' files among them), its
 * row goes through the API with the simulator's ports and host key, and acm is connected to it
 * when this resolves. Stop it with `sim.stop()` after the kernel.
 */
export async function simulatedServer(k: TestKernel, clusterId: number, opts: { name?: string; start?: SimOptions } = {}): Promise<{ sim: SimulatedAsterisk; server: Record<string, any> }> {
  const stubs = (await k.admin.json('GET', `/api/commit/includes?clusterId=${clusterId}`)).body as { file: string; content: string }[];
  const sim = new SimulatedAsterisk();
  const ports = await sim.start({ configFiles: Object.fromEntries(stubs.map((s) => [s.file, s.content])), authFailDelayMs: 20, ...opts.start });
  try {
    const server = await k.admin.create('/api/servers', {
      clusterId, name: opts.name ?? `sim-${clusterId}-ast1`, host: '127.0.0.1', amiPort: ports.ami, amiUser: 'acmtest', amiSecret: 'acmtest-Secret1',
      ariPort: ports.ari, ariUser: 'acmari', ariPassword: 'acmari-Secret1',
      sshPort: ports.ssh, sshUser: 'asterisk', sshPassword: 'asterisk-Secret1', sshHostKey: sim.hostKeySha256,
    });
    await k.acm.connections.sync();
    await k.acm.ari.sync();
    const wanted = k.acm.connections.status().length;
    const connected = await k.acm.connections.waitConnected(5000);
    if (connected < wanted) throw new Error(`simulatedServer: ${connected} of ${wanted} servers connected`);
    return { sim, server };
  } catch (err) {
    await sim.stop();
    throw err;
  }
}
