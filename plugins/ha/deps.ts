import type { AuditService, ModelService, NotifierService, OutboxService, PluginContext, RouteContext, SshService, WriteActor } from '../../sdk/index.ts';
import type { HaSettings } from './manifest.ts';
import type { HaStore } from './store.ts';

/** What the plugin's parts share: its context and settings, the core services and the reads of HA groups (the writes are the resource kit's). */
export interface HaDeps {
  ctx: PluginContext<HaSettings>;
  s: HaSettings;
  ssh: SshService;
  model: ModelService;
  audit: AuditService;
  notifier: NotifierService;
  outbox: OutboxService;
  store: HaStore;
}

export const idParam = (c: RouteContext, key = 'id') => Number(c.params[key]);
export const actorOf = (c: RouteContext): WriteActor => ({ user: c.user, ip: c.koa.ip });

/** A failover changes no row: its audit event is all it writes (row writes are audited by the resource kit). */
export const recordAction = (audit: AuditService, c: RouteContext, action: string, target: string, targetId: number, tenantId: number, after?: unknown) => audit.record({
  action: `ha.${action}`, target: `ha.${target}`, targetId, after, username: c.user.username, userId: c.user.userId, tenantId, ip: c.koa.ip,
});
