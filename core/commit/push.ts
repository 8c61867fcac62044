import { posix } from 'node:path';
import type { SshTransport } from '../asterisk/ssh-transport.ts';

export interface FileWrite { name: string; content: string }

/**
 * Writes acm's files to one server's config dir over SFTP (temp name, size and hash checked,
 * then renamed), remembering what each file held before so the server can be put back exactly.
 */
export class ServerPush {
  /** name → previous content, or null when the file did not exist. */
  private backup = new Map<string, string | null>();

  constructor(private ssh: SshTransport, private configDir: string) {}

  private path(name: string): string {
    const p = posix.normalize(posix.join(this.configDir, name));
    // Names come from the renderers, but a path must never leave the config dir.
    if (!p.startsWith(`${posix.normalize(this.configDir)}/`)) throw new Error(`refusing to write outside ${this.configDir}: ${name}`);
    return p;
  }

  /** Writes every file; fragments go before the files that include them (callers pass them in that order). */
  async write(files: FileWrite[]): Promise<void> {
    const dirs = new Set(files.map((f) => posix.dirname(this.path(f.name))));
    for (const d of dirs) await this.ssh.mkdirp(d);
    for (const f of files) {
      const p = this.path(f.name);
      if (!this.backup.has(f.name)) {
        this.backup.set(f.name, (await this.ssh.exists(p)) ? (await this.ssh.readFile(p)).toString('utf8') : null);
      }
      await this.ssh.writeFileAtomic(p, f.content);
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
