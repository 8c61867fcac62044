import type { MikroORM } from '@mikro-orm/core';
import type { AmiEvent, AmiService, ModelService, SshService } from '../../sdk/core-services.ts';
import type { EventBus } from '../../sdk/bus.ts';
import type { ClusterView } from '../../sdk/commit.ts';
import { NotFoundError } from '../../sdk/errors.ts';
import type { AsteriskConnections } from '../asterisk/connections.ts';
import type { AmiBusEvent } from '../asterisk/ami-client.ts';
import type { SshTransport } from '../asterisk/ssh-transport.ts';
import { sshTo } from '../asterisk/host-key-pins.ts';
import { ClusterSchema, ServerSchema } from '../model/entities.ts';
import { loadSnapshot } from '../commit/load-snapshot.ts';
import { asView, serverView, toPluginView } from '../commit/snapshot.ts';

/** AMI for plugins: events by name from every server, actions to one server. */
export function amiService(bus: EventBus, connections: AsteriskConnections): AmiService {
  const clientOf = (serverId: number) => {
    const c = connections.client(serverId);
    if (!c) throw new NotFoundError(`no connection to server ${serverId}`);
    return c;
  };
  return {
    on(event, handler) {
      return bus.subscribe<AmiBusEvent>(`acm.*.*.*.ami.${event === '*' ? '*' : event}`, (m) => {
        const [, tenant, cluster, server] = m.subject.split('.');
        const e: AmiEvent = {
          serverId: Number(server), clusterId: Number(cluster), tenantId: Number(tenant), event: m.data.event,
          fields: m.data.fields, headers: m.data.headers, receivedAt: m.data.receivedAt,
        };
        handler(e);
      });
    },
    async action(serverId, action, headers = {}) {
      return (await clientOf(serverId).action(action, headers)).toObject();
    },
    async list(serverId, action, headers = {}, emptyOnError) {
      const r = await clientOf(serverId).listAction(action, headers, emptyOnError ? { emptyOnError } : {});
      return r.items.map((i) => i.toObject());
    },
    command: (serverId, cli) => clientOf(serverId).command(cli),
    connected: (clusterId) => connections.status()
      .filter((s) => s.connected && (clusterId === undefined || s.clusterId === clusterId))
      .map((s) => ({ serverId: s.serverId, clusterId: s.clusterId, name: s.name })),
  };
}

export function sshService(orm: MikroORM): SshService {
  const withServer = async <T>(serverId: number, fn: (t: SshTransport) => Promise<T>): Promise<T> => {
    const server = await orm.em.fork().findOne(ServerSchema, { id: serverId });
    if (!server) throw new NotFoundError(`no server ${serverId}`);
    const t = await sshTo(orm, server);
    try {
      return await fn(t);
    } finally {
      await t.close();
    }
  };
  const info = (st: { size: number; mtime: number; isFile(): boolean; isDirectory(): boolean }) => ({
    size: st.size, mtimeMs: st.mtime * 1000, isFile: st.isFile(), isDirectory: st.isDirectory(),
  });
  return {
    session: (id, fn) => withServer(id, (t) => fn({
      exec: async (cmd) => {
        const r = await t.exec(cmd);
        return { code: r.code, stdout: r.stdout, stderr: r.stderr };
      },
      readFile: (path) => t.readFile(path),
      writeFileAtomic: async (path, content) => { await t.writeFileAtomic(path, content); },
      stat: async (path) => ((await t.exists(path)) ? info(await t.stat(path)) : null),
      readdir: (path) => t.readdir(path),
      mkdirp: (path) => t.mkdirp(path),
      unlink: (path) => t.unlink(path),
    })),
    exec: (id, cmd) => withServer(id, async (t) => {
      const r = await t.exec(cmd);
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    }),
    readFile: (id, path) => withServer(id, async (t) => (await t.readFile(path)).toString('utf8')),
    writeFileAtomic: (id, path, content) => withServer(id, async (t) => { await t.writeFileAtomic(path, content); }),
  };
}

export function modelService(orm: MikroORM): ModelService {
  return {
    async clusters() {
      const rows = await orm.em.fork().find(ClusterSchema, {}, { orderBy: { id: 'asc' } });
      return rows.map((c): ClusterView => ({ id: c.id, tenantId: c.tenantId, siteId: c.siteId, name: c.name, description: c.description ?? null, vip: c.vip ?? null, asteriskConfigDir: c.asteriskConfigDir ?? null }));
    },
    async servers(clusterId, em = orm.em.fork()) {
      const rows = await em.find(ServerSchema, clusterId === undefined ? {} : { clusterId }, { orderBy: { id: 'asc' } });
      return rows.map(serverView);
    },
    async snapshot(clusterId) {
      return toPluginView(asView(await loadSnapshot(orm.em.fork(), clusterId)));
    },
  };
}
