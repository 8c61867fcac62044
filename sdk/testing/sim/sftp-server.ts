/**
 * Simulated SSH/SFTP target (ssh2 Server): password auth, an SFTP subsystem over a temp
 * directory (virtual `/` = `fsRoot`, so `/etc/asterisk` = `fsRoot/etc/asterisk`), and an exec
 * channel for a few commands (`asterisk -rx '<cli>'`, `sha256sum`, `cat`, `true`), the host's
 * health commands (`host`) and those a test answers itself (`exec`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel, SFTPWrapper, AcceptConnection } from 'ssh2';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;

/** What a test's handler answers to an SSH command. */
export interface SimExecAnswer { code: number; stdout?: string; stderr?: string }
export type SimExecHandler = (command: string) => SimExecAnswer | Promise<SimExecAnswer>;

export interface SftpServerOptions {
  /** username -> password */
  users: Record<string, string>;
  fsRoot: string;
  /** Runs an Asterisk CLI command (`asterisk -rx`); undefined = unknown command. */
  runCli: (cmd: string) => string[] | undefined;
  /** The host key (OpenSSH private key) to keep, as a restarted server keeps its own; default: a new one. */
  hostKey?: string;
  /** Tests' answers to commands, by exact (trimmed) command line: before anything else. */
  exec?: ReadonlyMap<string, SimExecHandler>;
  /** The host's own answers (sim/host.ts: df, /proc, systemctl …), after the tests' ones. */
  host?: (command: string) => SimExecAnswer | undefined;
}

export class SftpServer {
  private server: InstanceType<typeof Server> | undefined;
  private conns = new Set<Connection>();
  readonly hostKey: string;
  /** base64 SHA-256 of the host public key blob (what `hostKeySha256` pins). */
  readonly hostKeySha256: string;
  port = 0;
  /** Fault switch: fail the next N SFTP WRITE requests. */
  failWrites = 0;
  /** Counts of SFTP requests by name (tests). */
  readonly requests: Record<string, number> = {};

  constructor(private readonly opts: SftpServerOptions) {
    if (opts.hostKey) {
      const parsed = utils.parseKey(opts.hostKey);
      const pk = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!pk || pk instanceof Error) throw pk ?? new Error('unreadable host key');
      this.hostKey = opts.hostKey;
      this.hostKeySha256 = crypto.createHash('sha256').update(pk.getPublicSSH()).digest('base64');
      return;
    }
    // ssh2 now and then generates an ed25519 key its own parser rejects (about 1 in 500): draw again.
    for (let attempt = 1; ; attempt++) {
      const kp = utils.generateKeyPairSync('ed25519');
      const parsed = utils.parseKey(kp.public);
      const pub = utils.parseKey(kp.private);
      if (parsed instanceof Error || pub instanceof Error) {
        if (attempt < 20) continue;
        throw parsed instanceof Error ? parsed : pub;
      }
      const pk = Array.isArray(parsed) ? parsed[0] : parsed;
      this.hostKey = kp.private;
      this.hostKeySha256 = crypto.createHash('sha256').update(pk!.getPublicSSH()).digest('base64');
      break;
    }
  }

  async start(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = new Server({ hostKeys: [this.hostKey] }, (client) => this.accept(client));
    this.server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const c of this.conns) c.end();
    this.conns.clear();
    const srv = this.server;
    this.server = undefined;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  }

  private real(p: string): string {
    const norm = path.posix.normalize('/' + p).replace(/\/+$/, '') || '/';
    return path.join(this.opts.fsRoot, norm);
  }

  private accept(client: Connection): void {
    this.conns.add(client);
    client.on('error', () => {});
    client.on('close', () => this.conns.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && this.opts.users[ctx.username] !== undefined && this.opts.users[ctx.username] === ctx.password) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession: AcceptConnection<any>) => {
        const session = acceptSession();
        session.on('sftp', (accept: () => SFTPWrapper) => this.sftp(accept()));
        session.on('exec', (accept: () => ServerChannel, _reject: unknown, info: { command: string }) => this.exec(accept(), info.command));
      });
    });
  }

  private exec(ch: ServerChannel, command: string): void {
    const done = (code: number, out: string, err = '') => {
      if (out) ch.write(out);
      if (err) ch.stderr.write(err);
      ch.exit(code);
      ch.end();
    };
    // A test's answer first: it may make a command the host knows hang or answer garbage.
    const handler = this.opts.exec?.get(command.trim());
    if (handler) {
      void Promise.resolve().then(() => handler(command.trim()))
        .then((a) => done(a.code, a.stdout ?? '', a.stderr ?? ''), (err: Error) => done(1, '', `${err.message}\n`));
      return;
    }
    const host = this.opts.host?.(command.trim());
    if (host) return done(host.code, host.stdout ?? '', host.stderr ?? '');
    const m = /^asterisk\s+-rx\s+(['"])(.*)\1\s*$/.exec(command.trim());
    if (m) {
      const out = this.opts.runCli(m[2] ?? '');
      if (out === undefined) done(0, `No such command '${m[2]}'\n`);
      else done(0, out.join('\n') + '\n');
      return;
    }
    const sh = /^(sha256sum|cat)\s+(['"]?)([^'"]+)\2\s*$/.exec(command.trim());
    if (sh) {
      try {
        const data = fs.readFileSync(this.real(sh[3] ?? ''));
        if (sh[1] === 'cat') done(0, data.toString('utf8'));
        else done(0, `${crypto.createHash('sha256').update(data).digest('hex')}  ${sh[3]}\n`);
      } catch {
        done(1, '', `${sh[1]}: ${sh[3]}: No such file or directory\n`);
      }
      return;
    }
    // chmod <octal mode> 'path' …: what a deploy target's reload runs (roaming: private keys 0600).
    const chmod = /^chmod\s+([0-7]{3,4})((?:\s+'[^']+')+)\s*$/.exec(command.trim());
    if (chmod) {
      const paths = [...chmod[2]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
      const missing = paths.filter((p) => { try { fs.chmodSync(this.real(p), parseInt(chmod[1]!, 8)); return false; } catch { return true; } });
      return missing.length ? done(1, '', missing.map((p) => `chmod: cannot access '${p}': No such file or directory\n`).join('')) : done(0, '');
    }
    if (command.trim() === 'true') return done(0, '');
    done(127, '', `sh: 1: ${command.split(/\s+/)[0]}: not found\n`);
  }

  private sftp(sftp: SFTPWrapper): void {
    const handles = new Map<string, { fd?: number; path: string; dir?: string[] }>();
    let next = 0;
    const count = (n: string) => (this.requests[n] = (this.requests[n] ?? 0) + 1);
    const newHandle = (h: { fd?: number; path: string; dir?: string[] }) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(next++);
      handles.set(b.toString('hex'), h);
      return b;
    };
    const statusOf = (e: unknown): number => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return STATUS.NO_SUCH_FILE;
      if (code === 'EACCES' || code === 'EPERM') return STATUS.PERMISSION_DENIED;
      return STATUS.FAILURE;
    };
    const attrs = (st: fs.Stats) => ({ mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) });
    const guard = (reqid: number, fn: () => void) => {
      try {
        fn();
      } catch (e) {
        sftp.status(reqid, statusOf(e), (e as Error).message);
      }
    };
    sftp.on('OPEN', (reqid, filename, flags) => guard(reqid, () => {
      count('OPEN');
      const fl = utils.sftp.flagsToString(flags) ?? 'r';
      const fd = fs.openSync(this.real(filename), fl);
      sftp.handle(reqid, newHandle({ fd, path: filename }));
    }));
    sftp.on('WRITE', (reqid, handle, offset, data) => guard(reqid, () => {
      count('WRITE');
      const h = handles.get(handle.toString('hex'));
      if (!h || h.fd === undefined) return sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      if (this.failWrites > 0) {
        this.failWrites--;
        return sftp.status(reqid, STATUS.FAILURE, 'simulated write failure');
      }
      fs.writeSync(h.fd, data, 0, data.length, offset);
      sftp.status(reqid, STATUS.OK);
    }));
    sftp.on('READ', (reqid, handle, offset, length) => guard(reqid, () => {
      count('READ');
      const h = handles.get(handle.toString('hex'));
      if (!h || h.fd === undefined) return sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      const buf = Buffer.alloc(length);
      const n = fs.readSync(h.fd, buf, 0, length, offset);
      if (n === 0) return sftp.status(reqid, STATUS.EOF);
      sftp.data(reqid, buf.subarray(0, n));
    }));
    sftp.on('CLOSE', (reqid, handle) => guard(reqid, () => {
      count('CLOSE');
      const key = handle.toString('hex');
      const h = handles.get(key);
      handles.delete(key);
      if (h?.fd !== undefined) fs.closeSync(h.fd);
      sftp.status(reqid, h ? STATUS.OK : STATUS.FAILURE);
    }));
    const doStat = (reqid: number, p: string, l: boolean) => guard(reqid, () => {
      count(l ? 'LSTAT' : 'STAT');
      sftp.attrs(reqid, attrs(l ? fs.lstatSync(this.real(p)) : fs.statSync(this.real(p))));
    });
    sftp.on('STAT', (reqid, p) => doStat(reqid, p, false));
    sftp.on('LSTAT', (reqid, p) => doStat(reqid, p, true));
    sftp.on('FSTAT', (reqid, handle) => guard(reqid, () => {
      count('FSTAT');
      const h = handles.get(handle.toString('hex'));
      if (!h || h.fd === undefined) return sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      sftp.attrs(reqid, attrs(fs.fstatSync(h.fd)));
    }));
    sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS.OK));
    sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS.OK));
    sftp.on('RENAME', (reqid, from, to) => guard(reqid, () => {
      count('RENAME');
      // SFTPv3 / OpenSSH: plain RENAME fails when the target exists.
      if (fs.existsSync(this.real(to))) return sftp.status(reqid, STATUS.FAILURE, 'target exists');
      fs.renameSync(this.real(from), this.real(to));
      sftp.status(reqid, STATUS.OK);
    }));
    sftp.on('REMOVE', (reqid, p) => guard(reqid, () => {
      count('REMOVE');
      fs.unlinkSync(this.real(p));
      sftp.status(reqid, STATUS.OK);
    }));
    sftp.on('MKDIR', (reqid, p) => guard(reqid, () => {
      count('MKDIR');
      fs.mkdirSync(this.real(p));
      sftp.status(reqid, STATUS.OK);
    }));
    sftp.on('RMDIR', (reqid, p) => guard(reqid, () => {
      fs.rmdirSync(this.real(p));
      sftp.status(reqid, STATUS.OK);
    }));
    sftp.on('OPENDIR', (reqid, p) => guard(reqid, () => {
      count('OPENDIR');
      const entries = fs.readdirSync(this.real(p));
      sftp.handle(reqid, newHandle({ path: p, dir: entries }));
    }));
    sftp.on('READDIR', (reqid, handle) => guard(reqid, () => {
      const h = handles.get(handle.toString('hex'));
      if (!h || !h.dir) return sftp.status(reqid, STATUS.FAILURE, 'bad handle');
      if (h.dir.length === 0) return sftp.status(reqid, STATUS.EOF);
      const batch = h.dir.splice(0, h.dir.length);
      sftp.name(reqid, batch.map((f) => {
        const st = fs.lstatSync(path.join(this.real(h.path), f));
        return { filename: f, longname: `${st.isDirectory() ? 'd' : '-'}rw-r--r-- 1 asterisk asterisk ${st.size} Jan 1 00:00 ${f}`, attrs: attrs(st) };
      }));
    }));
    sftp.on('REALPATH', (reqid, p) => {
      const norm = path.posix.normalize('/' + p);
      sftp.name(reqid, [{ filename: norm, longname: norm, attrs: {} as never }]);
    });
  }
}
