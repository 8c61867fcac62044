import type { MikroORM } from '@mikro-orm/core';
import type { AuditEntry, AuditRecord, AuditService } from '../sdk/core-services.ts';
import { AuditEventSchema } from './model/entities.ts';

/** Writes audit events in their own unit of work (CRUD writes its events inside its transaction). */
export class DbAuditService implements AuditService {
  constructor(private orm: MikroORM) {}

  async record(e: AuditRecord): Promise<void> {
    const em = this.orm.em.fork();
    em.create(AuditEventSchema, {
      at: new Date(), action: e.action, target: e.target ?? null, targetId: e.targetId === undefined ? null : String(e.targetId),
      before: e.before ?? null, after: e.after ?? null, username: e.username ?? null, userId: e.userId ?? null,
      tenantId: e.tenantId ?? null, ip: e.ip ?? null,
    });
    await em.flush();
  }

  async list(q: { actionPrefix?: string; since?: Date; tenantId?: number | null; limit?: number }): Promise<AuditEntry[]> {
    const where: Record<string, unknown> = {};
    if (q.actionPrefix) where.action = { $like: `${q.actionPrefix.replace(/[\\%_]/g, '')}%` };
    if (q.since) where.at = { $gte: q.since };
    if (q.tenantId !== undefined && q.tenantId !== null) where.tenantId = q.tenantId;
    const rows = await this.orm.em.fork().find(AuditEventSchema, where, { orderBy: { id: 'desc' }, limit: Math.min(q.limit ?? 100, 1000) });
    return rows.map(({ id, at, action, username, userId, tenantId, target, targetId, ip }) => ({ id, at, action, username, userId, tenantId, target, targetId, ip }));
  }
}
