import { posix } from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { ModuleVerifier } from '../../../sdk/commit.ts';
import type { AsteriskConnections } from '../../asterisk/connections.ts';
import { ClusterSchema, RevisionSchema, ServerSchema, type Revision, type Server } from '../../model/entities.ts';
import type { SshTransport } from '../../asterisk/ssh-transport.ts';
import { amiProbe, verifyLoaded } from './index.ts';
import { textFiles, type RenderedFile } from '../render/index.ts';
import { byTarget, type DeployTargetRegistry } from '../targets.ts';
import { serverView } from '../snapshot.ts';

type File = RenderedFile;

export interface FileDrift {
  name: string;
  /** SHA-256 of the file in the deployed revision. */
  expected: string;
  /** SHA-256 of the file on the server; null when it is not there. */
  actual: string | null;
  ok: boolean;
}

export interface ServerDrift {
  server: string;
  serverId: number;
  /** `ok`: every file and every module as deployed; `drift`: something differs; `restart-required`: only what a restart applies; `unreachable`: could not check. */
  status: 'ok' | 'drift' | 'restart-required' | 'unreachable';
  files: FileDrift[];
  /** What is not loaded as deployed, `<server>: <module or deploy target>: <object> <message>`. */
  loaded: string[];
  /** What only an Asterisk restart applies, same form. */
  restart: string[];
  error?: string;
}

export interface ClusterDrift {
  clusterId: number;
  cluster: string;
  /** The deployed (or restart-required) revision the servers are compared with; null before the first commit. */
  revisionId: number | null;
  revisionStatus: Revision['status'] | null;
  servers: ServerDrift[];
}

export interface DriftDeps {
  em: EntityManager;
  connections: AsteriskConnections;
  verifiers: ReadonlyMap<string, ModuleVerifier>;
  /** The deploy targets: their verify runs for each server's target files. */
  targets: DeployTargetRegistry;
  deployed(em: EntityManager, clusterId: number): Promise<Revision | null>;
  filesOf(em: EntityManager, rev: Revision): Promise<File[]>;
  /** An SSH session to the server, host key checked (pinned on first use). */
  ssh(server: Server): Promise<SshTransport>;
}

/** A path for `sha256sum` in single quotes; acm's own paths never hold a quote, refuse one anyway. */
function quoted(p: string): string {
  if (/['\0\r\n]/.test(p)) throw new Error(`refusing to quote ${JSON.stringify(p)}`);
  return `'${p}'`;
}

async function fileHashes(ssh: SshTransport, configDir: string, files: readonly File[]): Promise<FileDrift[]> {
  try {
    const out: FileDrift[] = [];
    for (const f of files) {
      const r = await ssh.exec(`sha256sum ${quoted(f.deploy?.path ?? posix.join(configDir, f.name))}`);
      const actual = r.code === 0 ? (/^([0-9a-f]{64})\b/.exec(r.stdout.trim())?.[1] ?? null) : null;
      out.push({ name: f.name, expected: f.sha256, actual, ok: actual === f.sha256 });
    }
    return out;
  } finally {
    await ssh.close().catch(() => undefined);
  }
}

/**
 * What each server of a cluster holds against its deployed revision: every file's hash on the
 * server (sha256sum over SSH) and the loaded state, module by module, as checked after a commit
 * (the revision before it tells which markers must be gone).
 */
export async function clusterDrift(deps: DriftDeps, clusterId: number): Promise<ClusterDrift> {
  const cluster = await deps.em.findOneOrFail(ClusterSchema, { id: clusterId });
  const rev = await deps.deployed(deps.em, clusterId);
  const servers = await deps.em.find(ServerSchema, { clusterId, enabled: true }, { orderBy: { id: 'asc' } });
  const base = { clusterId, cluster: cluster.name, revisionId: rev?.id ?? null, revisionStatus: rev?.status ?? null };
  if (!rev) {
    return { ...base, servers: servers.map((s) => ({ server: s.name, serverId: s.id, status: 'unreachable' as const, files: [], loaded: [], restart: [], error: 'nothing deployed yet' })) };
  }
  const files = await deps.filesOf(deps.em, rev);
  const prevRev = rev.previousId ? await deps.em.findOne(RevisionSchema, { id: rev.previousId }) : null;
  const previous = prevRev ? await deps.filesOf(deps.em, prevRev) : [];
  const modules = [...new Set(files.filter((f) => !f.deploy).map((f) => f.reload))];
  const configDir = cluster.asteriskConfigDir ?? '/etc/asterisk';
  const out: ServerDrift[] = [];
  for (const server of servers) {
    const row: ServerDrift = { server: server.name, serverId: server.id, status: 'ok', files: [], loaded: [], restart: [] };
    const errors: string[] = [];
    try {
      // A deploy target's files are checked on their own server only.
      row.files = await fileHashes(await deps.ssh(server), configDir, files.filter((f) => !f.deploy || f.deploy.serverId === server.id));
    } catch (err) {
      errors.push(`SSH: ${(err as Error).message}`);
    }
    const client = deps.connections.client(server.id);
    if (client?.connected) {
      const check = await verifyLoaded(amiProbe(server.name, client), modules, deps.verifiers, textFiles(files), textFiles(previous));
      row.loaded = check.failures;
      row.restart = check.restart;
    } else {
      errors.push('AMI: not connected');
    }
    for (const [target, held] of byTarget(files, server.id)) row.loaded.push(...(await deps.targets.verify(target, serverView(server), held)));
    if (errors.length) row.error = errors.join('; ');
    // A difference found counts even when the other half could not be checked.
    row.status = row.files.some((f) => !f.ok) || row.loaded.length ? 'drift'
      : errors.length ? 'unreachable' : row.restart.length ? 'restart-required' : 'ok';
    out.push(row);
  }
  return { ...base, servers: out };
}
