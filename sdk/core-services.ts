import { createServiceRef } from './refs.ts';

export interface LicenseInfo {
  type: 'evaluation' | 'full' | 'none';
  customer: string;
  features: string[];
  maxExtensions: number | null;
  expiresAt: string | null;
  daysRemaining: number | null;
  valid: boolean;
  /** Configuration changes are refused while false; monitoring goes on. */
  writable: boolean;
  reason?: string;
}

export interface LicenseService {
  info(): LicenseInfo;
  allows(feature: string): boolean;
  /** Throws LicenseReadOnlyError when configuration may not change. */
  assertWritable(): void;
}

export interface AuditRecord {
  action: string;
  target?: string;
  targetId?: string | number;
  before?: unknown;
  after?: unknown;
  username?: string | null;
  userId?: number | null;
  tenantId?: number | null;
  ip?: string | null;
}

export interface AuditService {
  record(event: AuditRecord): Promise<void>;
}

export interface KernelInfo {
  version: string;
  site: string;
  startedAt: Date;
  plugins(): { id: string; title: string; version: string; enabled: boolean; licensed: boolean; started: boolean }[];
}

/** Every core service a plugin may ask for, in one place. */
export const coreServices = {
  license: createServiceRef<LicenseService>('core.license'),
  audit: createServiceRef<AuditService>('core.audit'),
  kernel: createServiceRef<KernelInfo>('core.kernel'),
};
