import type { MikroORM } from '@mikro-orm/core';
import type { AuditRecord, AuditService } from '../sdk/core-services.ts';
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
}
