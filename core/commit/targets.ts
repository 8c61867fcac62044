import type { ClusterSnapshotView, DeployedFile, DeployTargetDeclaration, ServerView } from '../../sdk/commit.ts';
import { PluginError } from '../../sdk/errors.ts';
import { binaryShown, RenderError, sha256, type RenderedFile } from './render/index.ts';

const TARGET_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** An absolute, normalised path of plain segments: never `.`/`..`, no empty segment, nothing to quote. */
const PATH_SEGMENT = /^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,254}$/;
/** What diffs and revision views show instead of a secret (as the HA page's preview does). */
export const MASK = '********';

export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 1024) return 'must be an absolute path';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain . or ..';
  if (!segments.every((s) => PATH_SEGMENT.test(s))) return 'must be a normalised path of letters, digits and _.@+- segments';
  return undefined;
}

/** A revision's name for a target's file: per server, so two servers' keepalived.conf differ. */
export const deployName = (serverId: number, path: string) => `server/${serverId}${path}`;

/** `content` with every secret masked (longest first, so one secret inside another is masked whole). */
export function masked(content: string, secrets: readonly string[]): string {
  let out = content;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return out;
}

interface Target { owner: string; declaration: Readonly<DeployTargetDeclaration> }

/**
 * Deploy targets (`ctx.commit.target`): files a plugin pushes per server outside Asterisk's
 * config dir. They are rendered with the config files at every commit and travel with them
 * (revision, diff, push when changed, rollback); `reload`/`verify` are the target's own.
 */
export class DeployTargetRegistry {
  private targets = new Map<string, Target>();

  declare(plugin: string, d: DeployTargetDeclaration): void {
    const refuse = (why: string): never => { throw new PluginError(`plugin "${plugin}": deploy target "${String(d?.name)}" ${why}`); };
    if (typeof d?.name !== 'string' || !TARGET_NAME.test(d.name)) refuse('must be named with a-z, 0-9, _ and - (at most 40)');
    const key = `${plugin}.${d.name}`;
    if (this.targets.has(key)) refuse('is declared already');
    if (typeof d.render !== 'function') refuse('needs a render function');
    if (typeof d.reload !== 'function') refuse('needs a reload function');
    if (d.verify !== undefined && typeof d.verify !== 'function') refuse('verify: must be a function');
    if (d.prune !== undefined && typeof d.prune !== 'boolean') refuse('prune: must be true or false');
    this.targets.set(key, { owner: plugin, declaration: Object.freeze({ ...d }) });
  }

  forget(plugin: string): void {
    for (const [key, t] of this.targets) if (t.owner === plugin) this.targets.delete(key);
  }

  keys(): string[] {
    return [...this.targets.keys()].sort();
  }

  /** Whether the files `key` no longer renders are deleted: its plugin runs and asked for it. */
  prunes(key: string): boolean {
    return this.targets.get(key)?.declaration.prune === true;
  }

  /**
   * Every target's files for one cluster, each checked: a server of the cluster, a clean absolute
   * path, one file per path and server (across targets), text without NUL.
   */
  async render(view: ClusterSnapshotView): Promise<RenderedFile[]> {
    const servers = new Set(view.servers.map((s) => s.id));
    const out = new Map<string, RenderedFile>();
    for (const key of this.keys()) {
      const d = this.targets.get(key)!.declaration;
      const object = `deploy target ${key}`;
      let files: unknown;
      try {
        files = await d.render(view);
      } catch (err) {
        if (err instanceof RenderError) throw err;
        throw new RenderError(object, undefined, `rendering failed: ${(err as Error).message}`);
      }
      if (!Array.isArray(files)) throw new RenderError(object, undefined, 'render returned no list of files');
      for (const f of files as Record<string, unknown>[]) {
        const path = f?.path;
        const problem = pathProblem(path);
        if (problem) throw new RenderError(object, 'path', `${JSON.stringify(path)} ${problem}`);
        const at = `${object} (${String(path)})`;
        if (typeof f.serverId !== 'number' || !servers.has(f.serverId)) throw new RenderError(at, 'serverId', `${String(f.serverId)} is not a server of cluster ${view.cluster.name}`);
        const binary = f.content instanceof Uint8Array;
        if (!binary && (typeof f.content !== 'string' || f.content.includes('\0'))) throw new RenderError(at, 'content', 'must be text without NUL characters, or bytes (a Uint8Array)');
        const secrets = f.secrets ?? [];
        if (!Array.isArray(secrets) || !secrets.every((s) => typeof s === 'string' && s.length > 0)) throw new RenderError(at, 'secrets', 'must be a list of non-empty strings');
        // Nothing in bytes can be masked, and a sealed binary would need a store of its own: refuse.
        if (binary && secrets.length) throw new RenderError(at, 'secrets', 'not allowed on a binary file (only text files can have their secrets masked)');
        const name = deployName(f.serverId, path as string);
        const twin = out.get(name);
        if (twin) throw new RenderError(at, 'path', `is rendered twice for server ${f.serverId} (also by ${twin.reload})`);
        const deploy = { target: key, serverId: f.serverId, path: path as string };
        if (binary) {
          // A copy: the plugin's array may change after render returned.
          const bytes = Buffer.from(f.content as Uint8Array);
          const sha = sha256(bytes);
          out.set(name, { name, content: bytes, reload: key, sha256: sha, deploy, binary: true, shown: binaryShown(bytes.length, sha) });
          continue;
        }
        const text = f.content as string;
        const shown = secrets.length ? masked(text, secrets as string[]) : text;
        out.set(name, { name, content: text, reload: key, sha256: sha256(text), deploy, ...(shown !== text ? { shown } : {}) });
      }
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Runs the target's reload on one server; throws what went wrong, naming server and target. */
  async reload(key: string, server: ServerView, files: readonly DeployedFile[]): Promise<void> {
    const t = this.get(key, server);
    // Through a promise: a reload that throws before it awaits fails the same way.
    await Promise.resolve().then(() => t.reload(server, files)).catch((err: Error) => { throw new Error(`${server.name}: ${key}: reload failed: ${err.message}`); });
  }

  /** The target's verify on one server: `<server>: <target>: <object> <message>` for each finding. */
  async verify(key: string, server: ServerView, files: readonly DeployedFile[]): Promise<string[]> {
    const t = this.targets.get(key)?.declaration;
    if (!t) return [`${server.name}: ${key}: no such deploy target (its plugin is not running)`];
    if (!t.verify) return [];
    try {
      return (await t.verify(server, files)).map((f) => `${server.name}: ${key}: ${f.object} ${f.message}`);
    } catch (err) {
      return [`${server.name}: ${key}: cannot verify: ${(err as Error).message}`];
    }
  }

  private get(key: string, server: ServerView): Readonly<DeployTargetDeclaration> {
    const t = this.targets.get(key)?.declaration;
    if (!t) throw new Error(`${server.name}: ${key}: no such deploy target (its plugin is not running)`);
    return t;
  }
}

/** The target files one server gets, by target. */
export function byTarget(files: readonly RenderedFile[], serverId: number): Map<string, DeployedFile[]> {
  const out = new Map<string, DeployedFile[]>();
  for (const f of files) {
    if (f.deploy?.serverId !== serverId) continue;
    const list = out.get(f.deploy.target) ?? [];
    list.push({ path: f.deploy.path, sha256: f.sha256 });
    out.set(f.deploy.target, list);
  }
  return out;
}
