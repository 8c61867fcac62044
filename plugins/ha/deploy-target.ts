import { commitValidators, type DeployFile, type DeployedFile, type ServerView, type VerifyFinding } from '../../sdk/index.ts';
import type { HaDeps } from './deps.ts';
import { missing, renderGroup } from './nodeconfig.ts';

/** The node agent's config as written to the node: the whole file, its AMI secret included. */
export const nodeJsonText = (node: unknown) => `${JSON.stringify(node, null, 1)}\n`;

/**
 * keepalived.conf and node.json of every HA node go out with the commit of their cluster (a
 * deploy target, sdk/README §5): in the revision and its diff (the AMI secret masked), pushed
 * when changed, keepalived reloaded on the nodes whose files changed, checked, rolled back with
 * the rest. A group still short of nodes or VIPs renders nothing; the commit warns of it.
 */
export function registerDeployTarget({ ctx, ssh, store, s }: HaDeps): void {
  const groupsOf = async (clusterId: number) => (await store.allGroups()).filter((g) => g.clusterId === clusterId);
  const run = async (server: ServerView, command: string) => {
    const r = await ssh.exec(server.id, command);
    return { ok: r.code === 0, out: r.stdout.trim(), why: (r.stderr || r.stdout).trim().slice(0, 300) || `exit code ${String(r.code)}` };
  };
  ctx.commit.target({
    name: 'keepalived',
    async render(snapshot) {
      const files: DeployFile[] = [];
      for (const group of await groupsOf(snapshot.cluster.id)) {
        const bundle = { group, ...(await store.full(group.id)) };
        if (missing(bundle).length) continue;
        for (const r of renderGroup(bundle, snapshot.servers, s, snapshot.cluster.sipBindAddress).values()) {
          files.push({ serverId: r.server.id, path: s.keepalivedConfPath, content: r.keepalived });
          files.push({ serverId: r.server.id, path: s.agentConfigPath, content: nodeJsonText(r.nodeJson), ...(r.nodeJson.ami ? { secrets: [r.nodeJson.ami.secret] } : {}) });
        }
      }
      return files;
    },
    async reload(server) {
      const r = await run(server, 'systemctl reload-or-restart keepalived');
      if (!r.ok) throw new Error(`systemctl reload-or-restart keepalived: ${r.why}`);
    },
    // keepalived keeps running on its old configuration when it cannot read the new one, so the
    // file is checked as keepalived parses it, and the service must be running after the reload.
    async verify(server, files: readonly DeployedFile[]): Promise<VerifyFinding[]> {
      if (!files.some((f) => f.path === s.keepalivedConfPath)) return [];
      const out: VerifyFinding[] = [];
      const test = await run(server, `keepalived --config-test -f '${s.keepalivedConfPath}'`);
      if (!test.ok) out.push({ object: s.keepalivedConfPath, message: `fails keepalived --config-test: ${test.why}` });
      const active = await run(server, 'systemctl is-active keepalived');
      if (active.out !== 'active') out.push({ object: 'keepalived', message: `is not running after the reload (systemctl is-active: ${active.out || active.why})` });
      return out;
    },
  });
  ctx.extend(commitValidators, 'ha.incomplete-groups', {
    async validate(snapshot) {
      const out = [];
      for (const group of await groupsOf(snapshot.cluster.id)) {
        const lacks = missing(await store.full(group.id));
        if (lacks.length) out.push({ object: `HA group ${group.name}`, message: `${lacks.map((p) => p.message).join('; ')}: its keepalived.conf and node.json are not deployed`, severity: 'warning' as const });
      }
      return out;
    },
  });
}
