import { busSubject, ValidationError, z } from '../../sdk/index.ts';
import type { HaGroup } from './entities.ts';
import { idParam as id, recordAction, type HaDeps } from './deps.ts';
import type { HaOutbox } from './notify-outbox.ts';
import { renderGroup } from './nodeconfig.ts';
import { parse } from './store.ts';

const FailoverBody = z.strictObject({ serverId: z.number().int().positive() });

/**
 * The rendered files' preview (what a commit of the cluster deploys, deploy-target.ts) and manual
 * failover / failback over SSH.
 */
export function registerNodeActions({ ctx, ssh, model, audit, store, s }: HaDeps, { event, drain }: HaOutbox): void {
  const record = recordAction.bind(null, audit);
  const rendered = async (g: HaGroup) => {
    const f = await store.full(g.id);
    const cluster = (await model.clusters()).find((c) => c.id === g.clusterId);
    return renderGroup({ group: g, ...f }, await model.servers(g.clusterId), s, cluster?.sipBindAddress);
  };
  ctx.http.route('GET', '/groups/:id/config', 'ha.group:write', async (c) => {
    const g = await store.group(c.user, id(c));
    const out = await rendered(g);
    return {
      items: [...out.values()].map((r) => ({
        serverId: r.server.id, server: r.server.name, paths: { keepalived: s.keepalivedConfPath, node: s.agentConfigPath },
        keepalived: r.keepalived, node: { ...r.nodeJson, ami: r.nodeJson.ami ? { ...r.nodeJson.ami, secret: '********' } : null },
      })),
    };
  });
  // --- manual failover / failback ---------------------------------------------------------
  ctx.http.route('POST', '/groups/:id/failover', 'ha.group:write', async (c) => {
    const g = await store.group(c.user, id(c));
    const body = parse(FailoverBody, c.body);
    const f = await store.full(g.id);
    if (!f.nodes.some((n) => n.serverId === body.serverId)) throw new ValidationError([{ field: 'serverId', message: `server ${body.serverId} is not a node of ${g.name}` }]);
    const agent = s.agentCommand.split(' ')[0]!;
    const r = await ssh.exec(body.serverId, `${agent} failover --config ${s.agentConfigPath}`);
    const ok = r.code === 0;
    await record(c, 'group.failover', 'group', g.id, g.tenantId, { serverId: body.serverId, ok });
    ctx.bus.publish(busSubject({ tenantId: g.tenantId, clusterId: g.clusterId, serverId: body.serverId }, 'ha', 'failover'), { groupId: g.id, serverId: body.serverId, ok, by: c.user.username });
    const at = new Date();
    await event(g, { serverId: body.serverId, node: null, instance: null, state: 'FAILOVER', message: `operator ${c.user.username} moved the services off server ${body.serverId}${ok ? '' : ` (failed: ${(r.stderr || r.stdout).trim().slice(0, 200)})`}`, at }, `op:${g.id}:${body.serverId}:${at.toISOString()}`);
    await drain();
    return { ok, output: (r.stdout + r.stderr).trim().slice(0, 2000) };
  });
}
