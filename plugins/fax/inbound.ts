import type { AmiEvent, EntityManager } from '../../sdk/index.ts';
import { FaxJobSchema, type FaxJob } from './entities.ts';
import type { FaxOutcome } from './result.ts';

/** The TIFF acm-fax-in names: `<spool>/t<tenant>/in-<DID digits>-<uniqueid>.tif` (render.ts). */
export function receivedFile(spoolDir: string, file: string | null): { tenantId: number; did: string } | null {
  if (!file?.startsWith(`${spoolDir}/t`)) return null;
  const m = /^t([1-9][0-9]*)\/in-([0-9]{2,31})-[A-Za-z0-9._-]+\.tif$/.exec(file.slice(spoolDir.length + 1));
  return m ? { tenantId: Number(m[1]), did: m[2]! } : null;
}

/**
 * A received fax's log entry, from the outcome of its ReceiveFAX and the event that ended it.
 * Only a file of the event's own tenant is taken: a path naming another tenant is not trusted.
 */
export async function recordReceived(em: EntityManager, spoolDir: string, o: FaxOutcome, e: AmiEvent): Promise<FaxJob | null> {
  const where = receivedFile(spoolDir, o.file);
  if (o.operation !== 'receive' || !where || where.tenantId !== e.tenantId) return null;
  const caller = /^\+?[0-9]{1,40}$/.test(e.fields.CallerIDNum ?? '') ? e.fields.CallerIDNum! : null;
  const ok = o.status === 'SUCCESS' && o.pages > 0;
  const job = em.create(FaxJobSchema, {
    tenantId: e.tenantId, clusterId: e.clusterId, direction: 'in', status: ok ? 'received' : 'failed',
    remoteNumber: caller, localNumber: where.did, pages: o.pages, remoteStationId: o.remoteStationId?.slice(0, 80) ?? null, attempts: 1,
    faxStatus: o.status.slice(0, 20) || null, faxError: o.error?.slice(0, 80) ?? null,
    reason: ok ? null : (o.statusString ?? o.error ?? 'no fax received').slice(0, 255), file: o.file, finishedAt: new Date(),
  } as FaxJob);
  await em.persist(job).flush();
  return job;
}
