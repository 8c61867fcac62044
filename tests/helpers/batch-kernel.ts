import { startTestKernel, type TestClient, type TestKernel } from '../../sdk/testing/kernel.ts';

/** The test kernel under a full license (batches go past the evaluation's 100 extensions). */
export async function startBatchKernel(opts: { maxExtensions?: number | null } = {}): Promise<TestKernel & { api: TestClient; apiClient(): TestClient }> {
  const k = await startTestKernel({ fullLicense: { maxExtensions: opts.maxExtensions ?? null } });
  return Object.assign(k, { api: k.admin, apiClient: () => k.client() });
}
