/**
 * Test helper: the SSH session the SDK should offer (SshSessionLike in ../sync.ts), over ssh2
 * against a simulator's SFTP target, host key pinned. One connection per `with`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import ssh2 from 'ssh2';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { SshSessionLike } from '../sync.ts';

export interface SftpTarget { host: string; port: number; username: string; password: string; hostKeySha256: string }

const p = <T>(fn: (cb: (e: Error | null | undefined, v?: T) => void) => void) => new Promise<T>((res, rej) => fn((e, v) => (e ? rej(e) : res(v as T))));
const NO_SUCH_FILE = 2;

function session(sftp: SFTPWrapper): SshSessionLike {
  const stat = async (path: string) => {
    try {
      const st = await p<Stats>((cb) => sftp.stat(path, cb));
      return { size: st.size, mtimeMs: st.mtime * 1000, isFile: st.isFile(), isDirectory: st.isDirectory() };
    } catch (e) {
      if ((e as { code?: number }).code === NO_SUCH_FILE) return null;
      throw e;
    }
  };
  const self: SshSessionLike = {
    readFile: (path) => p<Buffer>((cb) => sftp.readFile(path, cb)),
    async writeFileAtomic(path, content) {
      const data = typeof content === 'string' ? Buffer.from(content) : content;
      const tmp = `${path}.acm-tmp-${randomBytes(6).toString('hex')}`;
      await p<void>((cb) => sftp.writeFile(tmp, data, cb));
      const back = await p<Buffer>((cb) => sftp.readFile(tmp, cb));
      const h = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      if (h(back) !== h(data)) throw new Error(`verify ${path} failed`);
      // The simulator (like SFTPv3) refuses a plain RENAME over an existing file.
      await p<void>((cb) => sftp.unlink(path, cb)).catch(() => {});
      await p<void>((cb) => sftp.rename(tmp, path, cb));
    },
    stat,
    async readdir(path) {
      const list = await p<{ filename: string; attrs: Stats }[]>((cb) => sftp.readdir(path, cb as never));
      return list.map((e) => ({ name: e.filename, size: e.attrs.size, mtimeMs: e.attrs.mtime * 1000, isFile: e.attrs.isFile(), isDirectory: e.attrs.isDirectory() }));
    },
    async mkdirp(dir) {
      let cur = '';
      for (const part of posix.normalize(dir).split('/').filter(Boolean)) {
        cur += `/${part}`;
        if ((await stat(cur))?.isDirectory) continue;
        await p<void>((cb) => sftp.mkdir(cur, cb));
      }
    },
    unlink: (path) => p<void>((cb) => sftp.unlink(path, cb)),
  };
  return self;
}

/** `open(serverId, fn)` over SFTP to the targets by server id. */
export function sftpOpener(targets: Map<number, SftpTarget>) {
  return async <T>(serverId: number, fn: (s: SshSessionLike) => Promise<T>): Promise<T> => {
    const t = targets.get(serverId);
    if (!t) throw new Error(`no server ${serverId}`);
    const c = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      c.once('ready', () => resolve());
      c.once('error', reject);
      c.connect({
        host: t.host, port: t.port, username: t.username, password: t.password, readyTimeout: 5000,
        hostVerifier: (key: Buffer) => createHash('sha256').update(key).digest('base64') === t.hostKeySha256,
      });
    });
    try {
      const sftp = await p<SFTPWrapper>((cb) => c.sftp(cb));
      return await fn(session(sftp));
    } finally {
      c.end();
    }
  };
}
