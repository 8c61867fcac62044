/**
 * SSH/SFTP transport to an Asterisk server (ssh2 Client): config file push with atomic
 * replace, reads, and remote commands.
 *
 * `writeFileAtomic(path, content)`: write `<path>.acm-tmp-<random>`, check the size (stat) and
 * the SHA-256 (read back), then rename over `path` — with `posix-rename@openssh.com` when the
 * server offers it (atomic), else unlink + rename (a short window without the file). The temp
 * file is removed on any failure. An empty or truncated pjsip.conf deletes every endpoint on
 * reload, so nothing is renamed unless the bytes on the server are exactly the bytes rendered.
 */
import type { FileEntryWithStats } from 'ssh2';
import crypto from 'node:crypto';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ConnectConfig, SFTPWrapper, Stats } from 'ssh2';
import { AtomicWriteVerifyError, SftpError, SshError, SshTimeoutError } from './errors.ts';
import { checkHostKey, hostKeyFingerprint } from './host-keys.ts';

const { Client } = ssh2;

export interface SshTransportOptions {
  host: string;
  port?: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** Who this is, in errors (the server's name). Default: the host. */
  label?: string;
  /** Pinned host key: `SHA256:<base64>` (padding and prefix optional), as `ssh-keygen -lf` prints it. */
  hostKeySha256?: string;
  /** Said after a mismatch, e.g. how to trust a new key. */
  mismatchHint?: string;
  /**
   * With no pin: called with the offered key's fingerprint before any credential is sent, to
   * pin it (trust on first use); a rejection refuses the server. With neither this nor a pin,
   * every server is refused: acm never talks to an unknown host silently.
   */
  onUnpinnedHostKey?: (fingerprint: string) => Promise<void>;
  /** Handshake/auth timeout (bounded to 1..60 s). Default 10 s. */
  readyTimeoutMs?: number;
  /** Per-command timeout of exec(). Default 30 s. */
  execTimeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

const sha256hex = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

export class SshTransport {
  private client: InstanceType<typeof Client> | undefined;
  private sftpP: Promise<SFTPWrapper> | undefined;
  /** Host key fingerprint (`SHA256:…`) offered at the last connect. */
  seenHostKey: string | undefined;
  /** Whether the last atomic write used posix-rename (true) or unlink+rename (false). */
  lastRenameAtomic: boolean | undefined;

  constructor(private readonly opts: SshTransportOptions) {}

  async connect(): Promise<void> {
    if (this.client) return;
    const c = new Client();
    let refused: Error | undefined;
    const readyTimeout = Math.min(60_000, Math.max(1000, this.opts.readyTimeoutMs ?? 10_000));
    const label = this.opts.label ?? this.opts.host;
    const cfg: ConnectConfig = {
      host: this.opts.host,
      port: this.opts.port ?? 22,
      username: this.opts.username,
      password: this.opts.password,
      privateKey: this.opts.privateKey,
      passphrase: this.opts.passphrase,
      readyTimeout,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        const fp = hostKeyFingerprint(key);
        this.seenHostKey = fp;
        const { hostKeySha256: pinned, onUnpinnedHostKey: firstUse } = this.opts;
        const check = pinned ? async () => checkHostKey(label, pinned, fp, this.opts.mismatchHint)
          : firstUse ? () => firstUse(fp)
          : () => Promise.reject(new SshError(`SSH connect to ${label} refused: no host key pinned (offered ${fp})`));
        check().then(() => verify(true), (err: Error) => {
          refused = err;
          verify(false);
        });
      },
    };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        c.end();
        reject(new SshTimeoutError(`SSH connect to ${this.opts.host} timed out`));
      }, readyTimeout + 1000);
      c.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
      c.once('error', (e: Error & { level?: string }) => {
        clearTimeout(timer);
        if (refused) reject(refused);
        else if (/timed out/i.test(e.message)) reject(new SshTimeoutError(e.message));
        else reject(new SshError(`SSH connect to ${this.opts.host} failed: ${e.message}`, { level: e.level }));
      });
      c.connect(cfg);
    });
    c.on('error', () => {});
    c.on('close', () => {
      if (this.client === c) {
        this.client = undefined;
        this.sftpP = undefined;
      }
    });
    this.client = c;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.sftpP = undefined;
    if (!c) return;
    await new Promise<void>((r) => {
      const t = setTimeout(r, 1000);
      c.once('close', () => {
        clearTimeout(t);
        r();
      });
      c.end();
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.client) return Promise.reject(new SshError('SSH not connected'));
    const c = this.client;
    this.sftpP ??= new Promise<SFTPWrapper>((resolve, reject) => {
      c.sftp((err, s) => (err ? reject(new SshError(`SFTP subsystem failed: ${err.message}`)) : resolve(s)));
    });
    this.sftpP.catch(() => (this.sftpP = undefined));
    return this.sftpP;
  }

  private static wrap(p: string, op: string) {
    return (e: unknown) => {
      const err = e as Error & { code?: number };
      return new SftpError(`SFTP ${op} ${p} failed: ${err.message}`, p, typeof err.code === 'number' ? err.code : undefined);
    };
  }

  async readFile(p: string): Promise<Buffer> {
    const s = await this.sftp();
    return new Promise((resolve, reject) => s.readFile(p, (e, data) => (e ? reject(SshTransport.wrap(p, 'read')(e)) : resolve(data))));
  }

  async stat(p: string): Promise<Stats> {
    const s = await this.sftp();
    return new Promise((resolve, reject) => s.stat(p, (e, st) => (e ? reject(SshTransport.wrap(p, 'stat')(e)) : resolve(st))));
  }

  async exists(p: string): Promise<boolean> {
    try {
      await this.stat(p);
      return true;
    } catch (e) {
      if (e instanceof SftpError && e.sftpCode === 2) return false;
      throw e;
    }
  }

  /** Entries of a directory (without `.` and `..`), with their attributes. */
  async readdir(p: string): Promise<{ name: string; size: number; mtimeMs: number; isFile: boolean; isDirectory: boolean }[]> {
    const s = await this.sftp();
    const list = await new Promise<FileEntryWithStats[]>((resolve, reject) => s.readdir(p, (e, l) => (e ? reject(SshTransport.wrap(p, 'readdir')(e)) : resolve(l))));
    return list.filter((x) => x.filename !== '.' && x.filename !== '..').map((x) => ({
      name: x.filename, size: x.attrs.size, mtimeMs: x.attrs.mtime * 1000,
      isFile: x.attrs.isFile(), isDirectory: x.attrs.isDirectory(),
    }));
  }

  async unlink(p: string): Promise<void> {
    const s = await this.sftp();
    await new Promise<void>((resolve, reject) => s.unlink(p, (e) => (e ? reject(SshTransport.wrap(p, 'unlink')(e)) : resolve())));
  }

  /** mkdir -p (existing directories are fine). */
  async mkdirp(dir: string): Promise<void> {
    const s = await this.sftp();
    const parts = path.posix.normalize(dir).split('/').filter(Boolean);
    let cur = dir.startsWith('/') ? '' : '.';
    for (const part of parts) {
      cur = `${cur}/${part}`;
      if (await this.exists(cur)) continue;
      await new Promise<void>((resolve, reject) =>
        s.mkdir(cur, (e) => {
          if (!e) return resolve();
          // raced with another creator?
          this.exists(cur).then((ok) => (ok ? resolve() : reject(SshTransport.wrap(cur, 'mkdir')(e))), reject);
        }),
      );
    }
  }

  private async writeAll(s: SFTPWrapper, p: string, data: Buffer): Promise<void> {
    await new Promise<void>((resolve, reject) => s.writeFile(p, data, (e) => (e ? reject(SshTransport.wrap(p, 'write')(e)) : resolve())));
  }

  private async rename(s: SFTPWrapper, from: string, to: string): Promise<void> {
    let posix = true;
    try {
      await new Promise<void>((resolve, reject) => s.ext_openssh_rename(from, to, (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      if (!/does not support/i.test((e as Error).message)) throw SshTransport.wrap(to, 'posix-rename')(e);
      posix = false;
    }
    if (!posix) {
      try {
        await this.unlink(to);
      } catch (e) {
        if (!(e instanceof SftpError && e.sftpCode === 2)) throw e;
      }
      await new Promise<void>((resolve, reject) => s.rename(from, to, (e) => (e ? reject(SshTransport.wrap(to, 'rename')(e)) : resolve())));
    }
    this.lastRenameAtomic = posix;
  }

  /** Write `content` to `p` atomically (temp file, size + SHA-256 check, rename). */
  async writeFileAtomic(p: string, content: string | Buffer): Promise<{ bytes: number; sha256: string }> {
    const s = await this.sftp();
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const tmp = `${p}.acm-tmp-${crypto.randomBytes(6).toString('hex')}`;
    const want = sha256hex(data);
    try {
      await this.writeAll(s, tmp, data);
      const st = await this.stat(tmp);
      if (st.size !== data.length) throw new AtomicWriteVerifyError(p, `size ${st.size} != ${data.length}`);
      const back = await this.readFile(tmp);
      const got = sha256hex(back);
      if (got !== want) throw new AtomicWriteVerifyError(p, `sha256 ${got} != ${want}`);
      await this.rename(s, tmp, p);
      return { bytes: data.length, sha256: want };
    } catch (e) {
      await this.unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /** Run a command; resolves with exit code and output (no throw on non-zero exit). */
  async exec(cmd: string, o: { timeoutMs?: number } = {}): Promise<ExecResult> {
    if (!this.client) throw new SshError('SSH not connected');
    const c = this.client;
    const ms = o.timeoutMs ?? this.opts.execTimeoutMs ?? 30_000;
    return new Promise<ExecResult>((resolve, reject) => {
      c.exec(cmd, (err, ch) => {
        if (err) return reject(new SshError(`exec failed: ${err.message}`));
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | undefined;
        const timer = setTimeout(() => {
          ch.close();
          reject(new SshTimeoutError(`exec '${cmd}' timed out after ${ms} ms`));
        }, ms);
        ch.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
        ch.on('exit', (c2: number | null, sig?: string) => {
          code = c2;
          signal = sig ?? undefined;
        });
        ch.on('close', () => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
      });
    });
  }
}
