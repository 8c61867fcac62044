import { startTestKernel, type TestKernel } from '../../../sdk/testing/kernel.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';

/**
 * The set-up the inbound API tests share: a kernel with `plugins`, site and cluster `lon`
 * (Europe/London) and one simulated server whose main files include what acm lists.
 */
export async function inboundKernel(plugins: string[]): Promise<{ k: TestKernel; cluster: Record<string, any>; sim: SimulatedAsterisk }> {
  const k = await startTestKernel({
    plugins, connectServers: true, connection: { actionTimeoutMs: 3000, keepAliveMs: 0, reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon', timezone: 'Europe/London' });
  const cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  const { sim } = await simulatedServer(k, cluster.id, { name: 'lon-ast1' });
  return { k, cluster, sim };
}
