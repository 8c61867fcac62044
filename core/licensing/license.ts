import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/core';
import { LicenseRecordSchema, type LicenseRecord } from '../model/entities.ts';
import type { LicenseInfo, LicenseService } from '../../sdk/core-services.ts';
import { BadRequestError, LicenseReadOnlyError } from '../../sdk/errors.ts';

const DAY = 86_400_000;
export const EVALUATION_DAYS = 30;
export const EVALUATION_MAX_EXTENSIONS = 100;

export const LicensePayloadSchema = z.strictObject({
  id: z.string().min(1),
  customer: z.string().min(1),
  type: z.enum(['evaluation', 'full']),
  /** Plugin feature keys; `*` = every plugin. */
  features: z.array(z.string().min(1)),
  maxExtensions: z.number().int().positive().nullable(),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
});
export type LicensePayload = z.infer<typeof LicensePayloadSchema>;

const LicenseFileSchema = z.strictObject({ license: LicensePayloadSchema, signature: z.string().min(1) });

/** Stable bytes to sign: keys sorted, so re-serialising the JSON never breaks the signature. */
function canonical(p: LicensePayload): Buffer {
  const sorted = Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
  return Buffer.from(JSON.stringify(sorted));
}

export function generateLicenseKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function issueLicense(privateKeyPem: string, payload: LicensePayload): string {
  const checked = LicensePayloadSchema.parse(payload);
  const signature = sign(null, canonical(checked), createPrivateKey(privateKeyPem)).toString('base64');
  return JSON.stringify({ license: checked, signature }, null, 2) + '\n';
}

/** Parses and verifies a license file against the trusted keys; throws BadRequestError with the reason. */
export function verifyLicense(text: string, trusted: KeyObject[]): LicensePayload {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { throw new BadRequestError('license file is not JSON'); }
  const parsed = LicenseFileSchema.safeParse(raw);
  if (!parsed.success) throw new BadRequestError(`license file is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const sig = Buffer.from(parsed.data.signature, 'base64');
  const ok = trusted.some((k) => verify(null, canonical(parsed.data.license), k, sig));
  if (!ok) throw new BadRequestError('license signature is not valid for any trusted key');
  return parsed.data.license;
}

export function parsePublicKeys(pems: string[]): KeyObject[] {
  return pems.filter((p) => p.trim()).map((p) => createPublicKey(p));
}

/**
 * The license in force. Features gate plugins; expiry only makes configuration read-only, so an
 * expired license never stops monitoring or loses data.
 */
export class Licensing implements LicenseService {
  private current: { payload: LicensePayload | null; record: LicenseRecord | null } = { payload: null, record: null };

  constructor(private trusted: KeyObject[], private now: () => Date = () => new Date()) {}

  /** Loads the active license; creates the 30-day evaluation on first start. */
  async load(em: EntityManager): Promise<void> {
    let record = await em.findOne(LicenseRecordSchema, { active: true }, { orderBy: { id: 'desc' } });
    if (!record && (await em.count(LicenseRecordSchema)) === 0) {
      const start = this.now();
      const payload: LicensePayload = {
        id: `eval-${start.getTime()}`, customer: 'Evaluation', type: 'evaluation', features: ['*'],
        maxExtensions: EVALUATION_MAX_EXTENSIONS, issuedAt: start.toISOString(),
        expiresAt: new Date(start.getTime() + EVALUATION_DAYS * DAY).toISOString(),
      };
      record = em.create(LicenseRecordSchema, { kind: 'evaluation', content: JSON.stringify(payload), active: true, installedAt: start });
      await em.flush();
    }
    this.current = { record, payload: record ? this.decode(record) : null };
  }

  private decode(record: LicenseRecord): LicensePayload | null {
    try {
      return record.kind === 'evaluation'
        ? LicensePayloadSchema.parse(JSON.parse(record.content))
        : verifyLicense(record.content, this.trusted);
    } catch {
      return null;
    }
  }

  /** Verifies and activates a license file. */
  async install(em: EntityManager, text: string): Promise<LicenseInfo> {
    const payload = verifyLicense(text, this.trusted);
    await em.nativeUpdate(LicenseRecordSchema, { active: true }, { active: false });
    const record = em.create(LicenseRecordSchema, { kind: 'file', content: text, active: true, installedAt: this.now() });
    await em.flush();
    this.current = { record, payload };
    return this.info();
  }

  info(): LicenseInfo {
    const p = this.current.payload;
    if (!p) {
      return { type: 'none', customer: '', features: [], maxExtensions: null, expiresAt: null, daysRemaining: null, valid: false, writable: false, reason: this.current.record ? 'license cannot be verified' : 'no license installed' };
    }
    const expires = p.expiresAt ? new Date(p.expiresAt).getTime() : null;
    const left = expires === null ? null : expires - this.now().getTime();
    const expired = left !== null && left <= 0;
    return {
      type: p.type, customer: p.customer, features: p.features, maxExtensions: p.maxExtensions, expiresAt: p.expiresAt,
      daysRemaining: left === null ? null : Math.max(0, Math.ceil(left / DAY)), valid: !expired, writable: !expired,
      ...(expired ? { reason: `license expired on ${p.expiresAt}` } : {}),
    };
  }

  allows(feature: string): boolean {
    const f = this.current.payload?.features ?? [];
    return f.includes('*') || f.includes(feature);
  }

  assertWritable(): void {
    const info = this.info();
    if (!info.writable) throw new LicenseReadOnlyError(`configuration is read-only: ${info.reason}`);
  }
}
