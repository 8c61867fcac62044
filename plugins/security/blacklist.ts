/**
 * The blacklist as a resource of the SDK's kit: one entry per cluster and address; what it
 * holds reaches every enabled server of the cluster (its blacklist chain, over SSH) once the
 * write is stored, and leaves them when the entry is deleted, moved or expires.
 */
import {
  configText, defineResource, networkSchema, z,
  type AuditService, type ModelService, type Principal, type ResourceWrite, type SshService,
} from '../../sdk/index.ts';
import type { Logger } from 'pino';
import { SecurityBlacklistSchema, type SecurityBlacklistRow } from './entities.ts';
import { blacklistCommand, validateBlacklistAddress } from './posture.ts';

/** The SDK's network syntax, then the blacklist's own rules (no netmask, nothing so wide it cuts the server off); stored canonical. */
const address = networkSchema().transform((v, ctx) => {
  try {
    return validateBlacklistAddress(v).address;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const BlacklistInput = z.strictObject({
  clusterId: z.number().int().positive(),
  address,
  reason: configText(255).nullable().optional(),
  expiresAt: z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date and time, e.g. 2026-12-31T00:00:00Z')
    .transform((s) => new Date(s)).nullable().optional(),
});

export interface BlacklistDeps {
  model: ModelService;
  ssh: SshService;
  audit: AuditService;
  logger: Logger;
  chain: string;
}

/** Runs the add or remove on every enabled server of the cluster; each server's outcome is audited (`security.blacklist.add|remove`). */
async function applyOn(d: BlacklistDeps, action: 'add' | 'remove', row: SecurityBlacklistRow, actor: ResourceWrite['actor']): Promise<void> {
  const { address: addr, family } = validateBlacklistAddress(row.address);
  const cmd = blacklistCommand(action, addr, family, d.chain);
  const servers = (await d.model.servers(row.clusterId)).filter((s) => s.enabled);
  await Promise.all(servers.map(async (server) => {
    const r = await d.ssh.exec(server.id, cmd).catch((err: Error) => ({ code: null, stdout: '', stderr: err.message }));
    const ok = r.code === 0;
    if (!ok) d.logger.warn({ server: server.name, address: addr, output: (r.stdout + r.stderr).slice(0, 500) }, `security: blacklist ${action} refused`);
    await d.audit.record({
      action: `security.blacklist.${action}`, target: 'server', targetId: server.id, after: { address: addr, chain: d.chain, ok },
      username: actor.user.username, userId: actor.user.userId, tenantId: row.tenantId, ip: actor.ip ?? null,
    });
  }));
}

/**
 * Every entry of a cluster onto each enabled server of it, as idempotent adds in one SSH command
 * per server (and 50 entries): a server added to the cluster, or enabled, holds the list too.
 */
export async function syncCluster(d: BlacklistDeps, clusterId: number, rows: readonly SecurityBlacklistRow[]): Promise<void> {
  const adds = rows.map((row) => { const { address: a, family } = validateBlacklistAddress(row.address); return blacklistCommand('add', a, family, d.chain); });
  if (!adds.length) return;
  const servers = (await d.model.servers(clusterId)).filter((s) => s.enabled);
  await Promise.all(servers.map(async (server) => {
    let ok = true;
    for (let i = 0; i < adds.length; i += 50) {
      const r = await d.ssh.exec(server.id, adds.slice(i, i + 50).map((c) => `{ ${c}; }`).join(' && ')).catch((err: Error) => ({ code: null, stdout: '', stderr: err.message }));
      if (r.code !== 0) {
        ok = false;
        d.logger.warn({ server: server.name, output: (r.stdout + r.stderr).slice(0, 500) }, 'security: blacklist sync refused');
      }
    }
    await d.audit.record({
      action: 'security.blacklist.sync', target: 'server', targetId: server.id, after: { entries: adds.length, chain: d.chain, ok },
      username: 'security:sync', userId: null, tenantId: server.tenantId, ip: null,
    });
  }));
}

export function blacklistResource(d: BlacklistDeps) {
  return defineResource<SecurityBlacklistRow>({
    name: 'blacklist', singular: 'blacklist-entry', permission: 'security.blacklist', entity: SecurityBlacklistSchema,
    input: BlacklistInput, parent: 'cluster', search: ['address', 'reason'], unique: [['clusterId', 'address']],
    // A firewall rule, not a rendered file: nothing waits for a commit.
    clusters: () => [],
    check: (_em, row, existing) => {
      const changed = !existing || existing.expiresAt?.getTime() !== row.expiresAt?.getTime();
      return changed && row.expiresAt && row.expiresAt.getTime() <= Date.now() ? [{ field: 'expiresAt', message: 'must be in the future' }] : [];
    },
    // Before the answer, as the servers' SSH allows: the page then reads each server's chain as it is.
    async afterWrite(w) {
      const moved = w.before && w.after && (w.before.address !== w.after.address || w.before.clusterId !== w.after.clusterId);
      if (w.before && (!w.after || moved)) await applyOn(d, 'remove', w.before, w.actor);
      if (w.after && (!w.before || moved)) await applyOn(d, 'add', w.after, w.actor);
    },
    defaultSort: 'address',
  });
}

/** Who deletes the expired entries (a job, through the kit: the audit log names it, the rules come off). */
export const EXPIRY_ACTOR: Principal = {
  userId: 0, username: 'security:expiry', role: 'system', tenantId: null, permissions: ['security.blacklist:read', 'security.blacklist:write'], scopes: [],
  can: (p) => p === 'security.blacklist:read' || p === 'security.blacklist:write',
};
