import { startTestKernel, type TestKernel, type TestKernelOptions } from '../sdk/testing/kernel.ts';
import type { Principal } from '../sdk/plugin.ts';

/** The operator identity benchmarks act as. */
export const benchOperator: Principal = { userId: 0, username: 'bench', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };

/** A test kernel with an unlimited full license, so benchmarks are not capped by the evaluation. */
export function benchKernel(opts: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ fullLicense: {}, ...opts });
}
