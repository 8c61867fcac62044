import {
  ConflictError, NotFoundError, objectNames, parseInput, ValidationError, z, type AmiService, type ModelService, type Principal, type Resource,
} from '../../sdk/index.ts';
import type { Queue } from './entities.ts';
import { queueName } from './render.ts';

export const LoginBody = z.strictObject({
  queueId: z.number().int().positive(),
  extensionId: z.number().int().positive(),
  penalty: z.number().int().min(0).max(1000).default(0),
});
export const LogoutBody = z.strictObject({ queueId: z.number().int().positive(), extensionId: z.number().int().positive() });
export const PauseBody = z.strictObject({
  extensionId: z.number().int().positive(),
  queueId: z.number().int().positive(),
  reason: z.string().max(20).optional(),
});

export interface AgentActionDeps {
  queues: Resource<Queue>;
  ami: AmiService;
  model: ModelService;
  reasons(): readonly string[];
}

/** What Asterisk's answer means for the caller: app_queue's words (manager_add_queue_member & co.). */
function mapped(err: unknown, what: string): Error {
  const text = err instanceof Error ? err.message : String(err);
  if (/Already there/i.test(text)) return new ConflictError(`${what}: already logged in`);
  if (/Member not dynamic/i.test(text)) return new ConflictError(`${what}: a static member (queues.conf) does not log out; remove it from the queue's members`);
  if (/Not there|Interface not found|Not found/i.test(text)) return new ConflictError(`${what}: not logged in`);
  if (/No such queue/i.test(text)) return new ConflictError(`${what}: the servers do not know the queue yet; commit first`);
  return err instanceof Error ? err : new Error(text);
}

/**
 * Log in, log out, pause and resume agents over AMI (QueueAdd, QueueRemove, QueuePause with a
 * Reason) on every connected server of the queue's cluster, so the standby of an HA pair takes
 * calls with the same agents after a failover. The caller must see the queue and the extension.
 */
export class AgentActions {
  constructor(private d: AgentActionDeps) {}

  private async target(user: Principal, queueId: number, extensionId: number) {
    const q = await this.d.queues.row(user, queueId);
    const s = await this.d.model.snapshot(q.clusterId);
    const e = s.extensions.find((x) => x.id === extensionId);
    if (!e) throw new ValidationError([{ field: 'extensionId', message: `no extension ${extensionId} on the queue's cluster` }]);
    if (e.tenantId !== q.tenantId) throw new ValidationError([{ field: 'extensionId', message: 'the extension belongs to another tenant than the queue' }]);
    return { q, name: queueName(s, q), iface: `PJSIP/${objectNames.endpoint(s.tenant, e)}`, member: `${e.extension} ${e.name}`.replace(/[^A-Za-z0-9 ._'-]/g, '').slice(0, 60) || e.extension };
  }

  private servers(clusterId: number): number[] {
    const ids = this.d.ami.connected(clusterId).map((s) => s.serverId);
    if (!ids.length) throw new NotFoundError(`no connected server in cluster ${clusterId}`);
    return ids;
  }

  private async onEach(clusterId: number, what: string, action: string, headers: Record<string, string>): Promise<{ servers: number }> {
    const ids = this.servers(clusterId);
    const results = await Promise.allSettled(ids.map((id) => this.d.ami.action(id, action, headers)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && results.every((r) => r.status === 'rejected')) throw mapped(failed.reason, what);
    return { servers: results.filter((r) => r.status === 'fulfilled').length };
  }

  async login(user: Principal, body: unknown) {
    const b = parseInput(LoginBody, body);
    const t = await this.target(user, b.queueId, b.extensionId);
    return this.onEach(t.q.clusterId, `${t.iface} in ${t.name}`, 'QueueAdd', {
      Queue: t.name, Interface: t.iface, Penalty: String(b.penalty), MemberName: t.member, StateInterface: t.iface,
    });
  }

  async logout(user: Principal, body: unknown) {
    const b = parseInput(LogoutBody, body);
    const t = await this.target(user, b.queueId, b.extensionId);
    return this.onEach(t.q.clusterId, `${t.iface} in ${t.name}`, 'QueueRemove', { Queue: t.name, Interface: t.iface });
  }

  async pause(user: Principal, body: unknown, paused: boolean) {
    const b = parseInput(PauseBody, body);
    const reasons = this.d.reasons();
    if (paused && (!b.reason || !reasons.includes(b.reason))) {
      throw new ValidationError([{ field: 'reason', message: `one of ${reasons.join(', ')}` }]);
    }
    const t = await this.target(user, b.queueId, b.extensionId);
    const headers: Record<string, string> = { Interface: t.iface, Paused: paused ? 'true' : 'false', Queue: t.name };
    if (paused) headers.Reason = b.reason!;
    return this.onEach(t.q.clusterId, `${t.iface} in ${t.name}`, 'QueuePause', headers);
  }
}
