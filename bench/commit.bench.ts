import { benchKernel, benchOperator } from './kernel.ts';
import { ClusterSchema, ExtensionSchema, GroupSchema, SiteSchema } from '../core/model/entities.ts';
import type { Bench, BenchResult } from './harness.ts';
import { submitBatch } from '../core/batch/batch.ts';

/** Median of `n` runs of `fn`, in ms. */
async function median(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

export const commitPipeline: Bench = {
  name: 'commit pipeline',
  async run() {
    const k = await benchKernel();
    const results: BenchResult[] = [];
    try {
      const em = k.acm.orm.em.fork();
      const now = new Date();
      const site = em.create(SiteSchema, { tenantId: 1, name: 'bench', createdAt: now, updatedAt: now });
      await em.flush();
      const group = em.create(GroupSchema, { tenantId: 1, name: 'Agents', context: 'agents', rights: ['internal', 'local'], createdAt: now, updatedAt: now });
      await em.flush();
      const timings = new Map<number, number>();
      for (const size of [1_000, 10_000]) {
        const cluster = em.create(ClusterSchema, { tenantId: 1, siteId: site.id, name: `bench${size}`, createdAt: now, updatedAt: now });
        await em.flush();
        const rows = Array.from({ length: size }, (_, i) => ({
          tenantId: 1, siteId: site.id, clusterId: cluster.id, groupId: group.id, name: `Agent ${i}`, extension: String(size * 10 + i),
          callerId: `Agent ${i} <${size * 10 + i}>`, secret: `secret-${i}-xyzzy`, mailbox: String(size * 10 + i), vmSecret: '482913',
          allow: 'g722,ulaw', disallow: 'all', dtmfMode: 'rfc4733', createdAt: now, updatedAt: now,
        }));
        await em.insertMany(ExtensionSchema, rows);
        // Baseline: the same rows read raw and serialised to JSON, with nothing else done to them.
        const loaded = await em.getConnection().execute("select * from extensions where cluster_id = ?", [cluster.id]);
        const baseline = await median(3, () => JSON.stringify(loaded));
        // A fresh render each time: the commit service caches the last one until the model changes.
        const prepare = await median(3, () => { k.acm.commits.invalidate(); return k.acm.commits.prepare(cluster.id); });
        timings.set(size, prepare);
        results.push({
          name: `render + validate + diff, ${size.toLocaleString('en-US')} extensions`, value: prepare, unit: 'ms', baseline,
          target: size === 10_000 ? 1000 : 100, better: 'lower', note: 'baseline = JSON.stringify of the same rows',
        });
        if (size === 10_000) {
          // First commit stores the revision (no servers in this cluster: nothing to push).
          await k.acm.commits.commit({ user: benchOperator }, [cluster.id]);
          const again = await median(3, () => k.acm.commits.commit({ user: benchOperator }, [cluster.id]));
          results.push({ name: 'unchanged re-commit, 10,000 extensions', value: again, unit: 'ms', baseline, target: 200, better: 'lower', note: 'nothing pushed, no revision' });
        }
      }
      const ratio = timings.get(10_000)! / timings.get(1_000)!;
      results.push({ name: 'growth 1,000 → 10,000 extensions (linear = 10×)', value: ratio, unit: '×', baseline: 10, target: 12, better: 'lower' });

      // Batch create: 1,000 extensions from a group template in one transaction.
      const batchCluster = em.create(ClusterSchema, { tenantId: 1, siteId: site.id, name: 'batch', createdAt: now, updatedAt: now });
      await em.flush();
      const template = { tenantId: 1, siteId: site.id, clusterId: batchCluster.id, groupId: group.id, name: 'Template', extension: '30000', allow: 'ulaw', disallow: 'all', createdAt: now, updatedAt: now };
      await em.insertMany(ExtensionSchema, [template]);
      await em.nativeUpdate(GroupSchema, { id: group.id }, { templateExtensionId: (await em.fork().findOneOrFail(ExtensionSchema, { clusterId: batchCluster.id })).id });
      const rowsJson = Array.from({ length: 1000 }, (_, i) => ({ ...template, name: `Agent ${i}`, extension: String(31000 + i) }));
      const batchBaseline = await median(3, () => JSON.stringify(rowsJson));
      const t = performance.now();
      const { created } = await submitBatch(k.acm, { user: benchOperator }, { templateGroupId: group.id, from: '31000', to: '31999', clusterIds: [batchCluster.id], namePattern: 'Agent {i}' });
      const batchMs = performance.now() - t;
      if (created !== 1000) throw new Error(`batch created ${created}`);
      results.push({ name: 'batch create, 1,000 extensions (one transaction)', value: batchMs, unit: 'ms', baseline: batchBaseline, target: 2000, better: 'lower', note: 'baseline = JSON.stringify of the same rows' });
      return results;
    } finally {
      await k.stop();
    }
  },
};
