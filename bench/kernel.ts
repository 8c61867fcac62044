import { generateLicenseKeys, issueLicense } from '../core/licensing/license.ts';
import { startTestKernel, type TestKernel } from '../sdk/testing/kernel.ts';
import type { AcmOptions } from '../core/app.ts';
import type { Principal } from '../sdk/plugin.ts';

/** The operator identity benchmarks act as. */
export const benchOperator: Principal = { userId: 0, username: 'bench', role: 'admin', tenantId: null, permissions: ['*'], scopes: [], can: () => true };

/** A test kernel with an unlimited full license, so benchmarks are not capped by the evaluation. */
export async function benchKernel(opts: AcmOptions = {}): Promise<TestKernel> {
  const keys = generateLicenseKeys();
  const k = await startTestKernel({ licenseKeys: [keys.publicKeyPem], ...opts });
  await k.acm.license.install(k.acm.orm.em.fork(), issueLicense(keys.privateKeyPem, {
    id: 'bench', customer: 'bench', type: 'full', features: ['*'], maxExtensions: null, issuedAt: new Date().toISOString(), expiresAt: null,
  }));
  return k;
}
