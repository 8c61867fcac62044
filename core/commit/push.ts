import { posix } from 'node:path';
import type { SshTransport } from '../asterisk/ssh-transport.ts';
import type { ServerView } from '../../sdk/commit.ts';
import type { RenderedFile } from './render/index.ts';
import { byTarget, type DeployTargetRegistry } from './targets.ts';

export interface FileWrite { name: string; content: string | Buffer }

/**
 * Writes acm's files to one server's config dir over SFTP (temp name, size and hash checked,
 * then renamed), remembering what each file held before so the server can be put back exactly.
 */
export class ServerPush {
  /** name → previous bytes (binary files are put back byte for byte), or null when the file did not exist. */
  private backup = new Map<string, Buffer | null>();

  constructor(private ssh: SshTransport, private configDir: string) {}

  private path(name: string): string {
    const p = posix.normalize(posix.join(this.configDir, name));
    const root = posix.normalize(`${this.configDir}/`);
    // Names come from the renderers, but a path must never leave the config dir.
    if (!p.startsWith(root) || p === root) throw new Error(`refusing to write outside ${this.configDir}: ${name}`);
    return p;
  }

  /** Writes every file; fragments go before the files that include them (callers pass them in that order). */
  async write(files: FileWrite[]): Promise<void> {
    const dirs = new Set(files.map((f) => posix.dirname(this.path(f.name))));
    for (const d of dirs) await this.ssh.mkdirp(d);
    for (const f of files) {
      const p = this.path(f.name);
      if (!this.backup.has(f.name)) {
        this.backup.set(f.name, (await this.ssh.exists(p)) ? await this.ssh.readFile(p) : null);
      }
      await this.ssh.writeFileAtomic(p, f.content);
    }
  }

  /** Deletes files (what they held kept for a restore, like a write's). */
  async remove(names: string[]): Promise<void> {
    for (const name of names) {
      const p = this.path(name);
      const held = (await this.ssh.exists(p)) ? await this.ssh.readFile(p) : null;
      if (!this.backup.has(name)) this.backup.set(name, held);
      if (held !== null) await this.ssh.unlink(p);
    }
  }

  /** Puts back what the files held before `write` (removing files that did not exist). */
  async restore(): Promise<void> {
    for (const [name, previous] of this.backup) {
      const p = this.path(name);
      if (previous === null) await this.ssh.unlink(p).catch(() => {});
      else await this.ssh.writeFileAtomic(p, previous);
    }
  }

  get touched(): string[] {
    return [...this.backup.keys()];
  }
}

/**
 * One server's deploy target files (core/commit/targets.ts): written at their absolute paths
 * like config files (what they held kept for a restore), then each target whose files changed
 * is reloaded and verified.
 */
export class TargetPush {
  private push: ServerPush;
  /** Targets reloaded on this server: a restore reloads and verifies them again. */
  private reloaded = new Set<string>();

  /** `reloading` hears each target reloaded (the commit's progress). */
  constructor(ssh: SshTransport, private targets: DeployTargetRegistry, private server: ServerView, private reloading: (target: string) => void = () => {}) {
    this.push = new ServerPush(ssh, '/');
  }

  /**
   * Writes the server's files of `changed` and deletes those `removed`, reloads their targets
   * (with `all`, every target it has files of), verifies; answers the findings.
   */
  async apply(changed: readonly RenderedFile[], files: readonly RenderedFile[], all: boolean): Promise<string[]> {
    const mine = changed.filter((f) => f.deploy?.serverId === this.server.id);
    await this.push.write(mine.filter((f) => !f.removed).map((f) => ({ name: f.deploy!.path, content: f.content })))
      .then(() => this.push.remove(mine.filter((f) => f.removed).map((f) => f.deploy!.path)))
      .catch((err: Error) => { throw new Error(`${this.server.name}: push failed: ${err.message}`); });
    const now = byTarget(files, this.server.id);
    const keys = all ? [...now.keys()] : [...new Set(mine.map((f) => f.deploy!.target))].sort();
    for (const k of keys) {
      this.reloaded.add(k);
      this.reloading(k);
      await this.targets.reload(k, this.server, now.get(k) ?? []);
    }
    const findings: string[] = [];
    for (const k of keys) findings.push(...(await this.targets.verify(k, this.server, now.get(k) ?? [])));
    return findings;
  }

  /** Puts back what the files held, reloads the targets reloaded and verifies them against `previous`. */
  async restore(previous: readonly RenderedFile[]): Promise<string[]> {
    await this.push.restore();
    const before = byTarget(previous, this.server.id);
    const findings: string[] = [];
    for (const k of [...this.reloaded].sort()) {
      try {
        await this.targets.reload(k, this.server, before.get(k) ?? []);
      } catch (err) {
        findings.push((err as Error).message);
        continue;
      }
      findings.push(...(await this.targets.verify(k, this.server, before.get(k) ?? [])));
    }
    return findings;
  }
}
