/**
 * File sync between the nodes of an HA group, driven by acm (no daemon on the nodes): every few
 * seconds acm lists each synced path on the ACTIVE node (the one holding the VIPs) and on each
 * standby, compares them, and copies what changed from the active to the standbys — never the
 * other way, never onto the active. The rules, per file (A = active, S = standby, R = what acm
 * recorded after its last copy or check of that file):
 *
 * - A and S unchanged since R ............................ nothing to do (no reads)
 * - only on A ............................................ copied (atomic write on S)
 * - on both, same size and same SHA-256 .................. in sync (R updated)
 * - on both, S untouched since R (acm wrote it) .......... A changed: copied
 * - on both, S changed by someone else and newer than A .. CONFLICT: reported, S left alone
 * - on both, otherwise (A newer) ......................... copied (the active side wins)
 * - only on S, S untouched since R ....................... deleted on A: the deletion propagates
 * - only on S, S changed since R ......................... CONFLICT: reported, S left alone
 * - only on S, no R (first sync, after a failover or a rejoin) .. an ORPHAN: reported, kept
 *
 * R lives in memory: a new active node (failover) or a standby that was unreachable (rejoin)
 * starts over with a full resync (every file compared by content, nothing deleted on a guess).
 * Excluded globs are never copied nor deleted. A file whose size changes while it is read is
 * left for the next round. If the active's path cannot be listed nothing happens (a missing
 * directory never reads as "everything was deleted").
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

export interface FileStat { size: number; /** seconds since the epoch (fractions allowed) */ mtime: number }

/** One connection to one node, for one round. Paths are absolute. */
export interface SyncSession {
  /** Regular files under `root` by '/'-separated path relative to it; null when `root` does not exist. */
  list(root: string): Promise<Map<string, FileStat> | null>;
  read(path: string): Promise<Buffer>;
  /** Atomic (temp file + rename), parent directories created; the new file's stat when known. */
  write(path: string, data: Buffer): Promise<FileStat | null>;
  remove(path: string): Promise<void>;
}

export interface SyncTransport {
  /** Opens a session to a server for the duration of `fn`. */
  with<T>(serverId: number, fn: (s: SyncSession) => Promise<T>): Promise<T>;
}

export interface SyncJob {
  /** Stable id of the synced path (e.g. `group:path id`). */
  key: string;
  root: string;
  excludes: readonly string[];
  active: number;
  peers: readonly number[];
}

export interface SyncConflict { path: string; peer: number; reason: string; activeMtime: number | null; peerMtime: number; since: string }
export interface SyncReport {
  key: string; root: string; active: number; peers: number[]; at: string; ms: number; full: boolean;
  copied: { peer: number; path: string }[];
  deleted: { peer: number; path: string }[];
  conflicts: SyncConflict[];
  /** Files only on a standby that acm never synced (kept). */
  orphans: { peer: number; path: string }[];
  excluded: number;
  errors: string[];
}

interface Rec { a: FileStat; s: FileStat | null; hash: string }

const ROOT_RE = /^\/[A-Za-z0-9_./@+-]*$/;
/** Our own temp files (writeFileAtomic's and the exec transport's): never synced. */
const TEMP_RE = /\.acm-(tmp|b64|new)-[0-9a-f]+$/;

/** A glob as a RegExp over a relative path: `*` and `?` stay within a segment, `**` spans them. A pattern without `/` matches the base name at any depth; `dir/**` everything under dir. */
export function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return glob.includes('/') ? new RegExp(`^${re.replace(/^\\\//, '')}$`) : new RegExp(`(?:^|/)${re}$`);
}

export function excluder(globs: readonly string[]): (rel: string) => boolean {
  const res = globs.map(globRegExp);
  return (rel) => TEMP_RE.test(rel) || res.some((r) => r.test(rel));
}

const CONTROL = { test: (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) };

/** A relative path we are willing to touch: no `..`, no absolute path, no control characters. */
export function safeRel(rel: string): boolean {
  return rel.length > 0 && rel.length <= 1024 && !rel.startsWith('/') && !CONTROL.test(rel) && !rel.split('/').some((p) => p === '..' || p === '.' || p === '');
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const same = (x: FileStat | null | undefined, y: FileStat | null | undefined) => !!x && !!y && x.size === y.size && x.mtime === y.mtime;

export interface SyncEngineOptions {
  /** Files larger than this are reported, not copied (default 64 MiB). */
  maxFileBytes?: number;
  /** More files than this under one path: the round stops with an error (default 50 000). */
  maxFiles?: number;
  /** A new conflict (once per file and standby until it is resolved). */
  onConflict?: (job: SyncJob, c: SyncConflict) => void;
}

export class SyncEngine {
  private records = new Map<string, Map<string, Rec>>();
  private lastActive = new Map<string, number>();
  private conflicts = new Map<string, Map<string, SyncConflict>>();
  private down = new Set<string>();
  readonly last = new Map<string, SyncReport>();

  constructor(private readonly transport: SyncTransport, private readonly o: SyncEngineOptions = {}) {}

  /** Forgets what was synced: the next round compares everything (a full resync). */
  resync(key?: string): void {
    for (const k of [...this.records.keys()]) if (!key || k.startsWith(`${key}|`)) this.records.delete(k);
  }

  /** Open conflicts of the paths whose key starts with `prefix` (all without). */
  openConflicts(prefix = ''): SyncConflict[] {
    return [...this.conflicts.entries()].filter(([k]) => k.startsWith(prefix)).flatMap(([, m]) => [...m.values()]);
  }

  async run(job: SyncJob): Promise<SyncReport> {
    const started = Date.now();
    const report: SyncReport = {
      key: job.key, root: job.root, active: job.active, peers: [...job.peers], at: new Date().toISOString(), ms: 0, full: false,
      copied: [], deleted: [], conflicts: [], orphans: [], excluded: 0, errors: [],
    };
    const finish = () => { report.ms = Date.now() - started; this.last.set(job.key, report); return report; };
    if (!ROOT_RE.test(job.root) || job.root.split('/').includes('..') || job.root === '/') {
      report.errors.push(`refusing to sync ${JSON.stringify(job.root).slice(0, 80)}: not a safe absolute path`);
      return finish();
    }
    const peers = job.peers.filter((p) => p !== job.active);
    if (this.lastActive.get(job.key) !== job.active) {
      // A new active node (first round or a failover): the direction changed, start over.
      this.resync(job.key);
      for (const k of [...this.conflicts.keys()]) if (k.startsWith(`${job.key}|`)) this.conflicts.delete(k);
      this.lastActive.set(job.key, job.active);
    }
    const skip = excluder(job.excludes);
    try {
      await this.transport.with(job.active, async (A) => {
        const listed = await A.list(job.root);
        if (!listed) throw new Error(`${job.root} does not exist on the active node (server ${job.active}): nothing synced`);
        if (listed.size > (this.o.maxFiles ?? 50_000)) throw new Error(`${job.root} holds more than ${this.o.maxFiles ?? 50_000} files on the active node`);
        const src = new Map<string, FileStat>();
        for (const [rel, st] of listed) {
          if (!safeRel(rel)) { report.errors.push(`skipped an unsafe name under ${job.root}: ${JSON.stringify(rel).slice(0, 80)}`); continue; }
          if (skip(rel)) { report.excluded++; continue; }
          src.set(rel, st);
        }
        for (const peer of peers) {
          const pk = `${job.key}|${job.active}>${peer}`;
          try {
            await this.transport.with(peer, (S) => this.pair(job, pk, peer, A, S, src, skip, report));
            this.down.delete(pk);
          } catch (e) {
            // Unreachable or failing standby: when it comes back, a full resync.
            this.down.add(pk);
            this.records.delete(pk);
            report.errors.push(`server ${peer}: ${(e as Error).message}`);
          }
        }
      });
    } catch (e) {
      report.errors.push((e as Error).message);
    }
    return finish();
  }

  private async pair(job: SyncJob, pk: string, peer: number, A: SyncSession, S: SyncSession, src: Map<string, FileStat>, skip: (r: string) => boolean, report: SyncReport): Promise<void> {
    let recs = this.records.get(pk);
    if (!recs) { recs = new Map(); this.records.set(pk, recs); report.full = true; }
    let open = this.conflicts.get(pk);
    if (!open) { open = new Map(); this.conflicts.set(pk, open); }
    const dst = new Map<string, FileStat>();
    for (const [rel, st] of (await S.list(job.root)) ?? []) if (safeRel(rel) && !skip(rel)) dst.set(rel, st);
    const abs = (rel: string) => posix.join(job.root, rel);
    const conflict = (rel: string, reason: string, a: FileStat | null, s: FileStat) => {
      let c = open.get(rel);
      if (!c) {
        c = { path: abs(rel), peer, reason, activeMtime: a?.mtime ?? null, peerMtime: s.mtime, since: new Date().toISOString() };
        open.set(rel, c);
        this.o.onConflict?.(job, c);
      }
      report.conflicts.push(c);
    };
    /** Whether S is still what acm wrote (by stat, or by content when the transport gave no stat after the write). */
    const untouched = async (rel: string, s: FileStat, r: Rec | undefined, hs?: string) => {
      if (!r) return false;
      if (r.s) return same(s, r.s);
      if ((hs ?? sha(await S.read(abs(rel)))) !== r.hash) return false;
      r.s = s;
      return true;
    };
    const copy = async (rel: string, a: FileStat) => {
      if (a.size > (this.o.maxFileBytes ?? 64 * 1024 * 1024)) { report.errors.push(`${abs(rel)}: ${a.size} bytes, larger than the sync limit`); return; }
      const data = await A.read(abs(rel));
      if (data.length !== a.size) return; // being written on the active: next round
      const st = await S.write(abs(rel), data);
      recs.set(rel, { a, s: st, hash: sha(data) });
      open.delete(rel);
      report.copied.push({ peer, path: abs(rel) });
    };

    for (const [rel, a] of src) {
      const s = dst.get(rel);
      const r = recs.get(rel);
      try {
        if (s && r && same(a, r.a) && same(s, r.s)) continue;
        if (!s) { await copy(rel, a); continue; }
        let hs: string | undefined;
        if (a.size === s.size) {
          const ha = r && same(a, r.a) ? r.hash : sha(await A.read(abs(rel)));
          hs = sha(await S.read(abs(rel)));
          if (ha === hs) { recs.set(rel, { a, s, hash: ha }); open.delete(rel); continue; }
        }
        if (!(await untouched(rel, s, r, hs)) && Math.floor(s.mtime) > Math.floor(a.mtime)) {
          conflict(rel, 'the standby copy is newer than the active one: left alone (the active side never takes files back)', a, s);
          continue;
        }
        await copy(rel, a);
      } catch (e) {
        report.errors.push(`${abs(rel)}: ${(e as Error).message}`);
      }
    }
    for (const [rel, s] of dst) {
      if (src.has(rel)) continue;
      const r = recs.get(rel);
      try {
        if (await untouched(rel, s, r)) {
          await S.remove(abs(rel));
          recs.delete(rel);
          report.deleted.push({ peer, path: abs(rel) });
        } else if (r) {
          conflict(rel, 'deleted on the active, but changed on the standby since it was synced: left alone', null, s);
        } else {
          report.orphans.push({ peer, path: abs(rel) });
        }
      } catch (e) {
        report.errors.push(`${abs(rel)}: ${(e as Error).message}`);
      }
    }
    // Records of files gone from both sides.
    for (const rel of [...recs.keys()]) if (!src.has(rel) && !dst.has(rel)) recs.delete(rel);
    for (const rel of [...open.keys()]) if (!src.has(rel) && !dst.has(rel)) open.delete(rel);
  }
}

// --- transports -----------------------------------------------------------------------------

const safeAbs = (p: string) => {
  if (!p.startsWith('/') || CONTROL.test(p) || p.split('/').includes('..')) throw new Error(`unsafe path ${JSON.stringify(p).slice(0, 80)}`);
  return p;
};

/** What the SDK's SshService.session offers: everything over one connection. */
export interface SshSessionLike {
  readFile(path: string): Promise<Buffer>;
  writeFileAtomic(path: string, content: string | Buffer): Promise<void>;
  /** null when missing. mtimeMs: milliseconds since the epoch. */
  stat(path: string): Promise<{ size: number; mtimeMs: number; isFile: boolean; isDirectory: boolean } | null>;
  readdir(path: string): Promise<{ name: string; size: number; mtimeMs: number; isFile: boolean; isDirectory: boolean }[]>;
  mkdirp(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/** The transport over an SFTP session: a bounded directory walk (symlinks not followed). */
export function sessionTransport(open: <T>(serverId: number, fn: (s: SshSessionLike) => Promise<T>) => Promise<T>, o: { maxDepth?: number; maxEntries?: number } = {}): SyncTransport {
  return {
    with: (serverId, fn) => open(serverId, (s) => fn({
      async list(root) {
        const top = await s.stat(safeAbs(root));
        if (!top?.isDirectory) return null;
        const out = new Map<string, FileStat>();
        let seen = 0;
        const walk = async (rel: string, depth: number): Promise<void> => {
          if (depth > (o.maxDepth ?? 32)) throw new Error(`${root}: deeper than ${o.maxDepth ?? 32} levels`);
          for (const e of await s.readdir(rel ? posix.join(root, rel) : root)) {
            if (++seen > (o.maxEntries ?? 100_000)) throw new Error(`${root}: more than ${o.maxEntries ?? 100_000} entries`);
            if (e.name === '.' || e.name === '..') continue;
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory) await walk(r, depth + 1);
            else if (e.isFile) out.set(r, { size: e.size, mtime: e.mtimeMs / 1000 });
          }
        };
        await walk('', 0);
        return out;
      },
      read: (path) => s.readFile(safeAbs(path)),
      async write(path, data) {
        const p = safeAbs(path);
        const dir = posix.dirname(p);
        if (!(await s.stat(dir))?.isDirectory) await s.mkdirp(dir);
        await s.writeFileAtomic(p, data);
        const st = await s.stat(p);
        return st ? { size: st.size, mtime: st.mtimeMs / 1000 } : null;
      },
      remove: (path) => s.unlink(safeAbs(path)),
    })),
  };
}
