import { join } from 'node:path';
import type { HaGroupStatus } from './api/index.ts';
import type { HaGroup } from './entities.ts';
import type { HaDeps } from './deps.ts';
import { groupStatus, type NodeState } from './status.ts';

export type StatusOf = (groups: HaGroup[]) => Promise<HaGroupStatus[]>;

/** What each node reports (vrrp.json, check.json over SSH) as group status; `GET /status`. */
export function registerStatus({ ctx, ssh, model, store, s }: HaDeps): StatusOf {
  const readJson = async (serverId: number, file: string) => JSON.parse(await ssh.readFile(serverId, join(s.stateDir, file)));
  const nodeState = async (serverId: number): Promise<NodeState> => {
    // A missing file is a node that has not reported yet; any other failure (SSH down) is an unreachable node.
    const missing = (e: unknown) => /no such file|ENOENT|not found|does not exist/i.test(String((e as Error)?.message ?? e));
    const [vrrp, check] = await Promise.allSettled([readJson(serverId, 'vrrp.json'), readJson(serverId, 'check.json')]);
    const failure = [vrrp, check].find((r): r is PromiseRejectedResult => r.status === 'rejected' && !missing(r.reason) && !(r.reason instanceof SyntaxError));
    if (failure && vrrp.status === 'rejected' && check.status === 'rejected') return { vrrp: {}, check: null, reachable: false, error: String((failure.reason as Error)?.message ?? failure.reason).slice(0, 300) };
    return { vrrp: vrrp.status === 'fulfilled' ? vrrp.value : {}, check: check.status === 'fulfilled' ? check.value : null, reachable: true };
  };
  const statusOf = async (groups: HaGroup[]): Promise<HaGroupStatus[]> => Promise.all(groups.map(async (g) => {
    const f = await store.full(g.id);
    const names = new Map((await model.servers(g.clusterId)).map((x) => [x.id, x.name]));
    const states = new Map(await Promise.all(f.nodes.map(async (n) => [n.serverId, await nodeState(n.serverId)] as const)));
    return groupStatus(g, f.nodes, f.vips, names, states);
  }));
  ctx.http.route('GET', '/status', 'ha.group:read', async (c) => ({ groups: await statusOf(await store.groups(c.user, c.query.clusterId ? Number(c.query.clusterId) : undefined)) }));

  return statusOf;
}
