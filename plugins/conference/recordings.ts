import type { SshService } from '../../sdk/index.ts';
import { profileNames } from './render.ts';

export interface Recording {
  serverId: number;
  file: string;
  path: string;
  bytes: number;
  /** From the `-<epoch>` Asterisk appends (record_file_timestamp), when present. */
  startedAt: string | null;
}

/** Single-quoted for a POSIX shell. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Parses `ls -ln` lines (`-rw-r--r-- 1 0 0 123456 Nov 23 08:00 name`) of one room's files. */
export function parseListing(stdout: string, number: string): { file: string; bytes: number; startedAt: string | null }[] {
  const base = profileNames(number).recording;
  const out: { file: string; bytes: number; startedAt: string | null }[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^-\S*\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+\S+\s+(.+)$/.exec(line.trim());
    if (!m) continue;
    const file = m[2]!;
    if (!file.startsWith(`${base}.`) && !file.startsWith(`${base}-`)) continue;
    const ts = /-(\d{9,11})\.[A-Za-z0-9]+$/.exec(file);
    out.push({ file, bytes: Number(m[1]), startedAt: ts ? new Date(Number(ts[1]) * 1000).toISOString() : null });
  }
  return out.sort((a, b) => (a.file < b.file ? 1 : a.file > b.file ? -1 : 0));
}

/** Recordings of one room on each server of its cluster (`ls` over SSH). */
export async function listRecordings(ssh: SshService, serverIds: number[], dir: string, number: string): Promise<{ recordings: Recording[]; errors: { serverId: number; error: string }[] }> {
  const recordings: Recording[] = [];
  const errors: { serverId: number; error: string }[] = [];
  for (const serverId of serverIds) {
    try {
      const r = await ssh.exec(serverId, `ls -ln -- ${shellQuote(dir)}`);
      if (r.code !== 0) {
        errors.push({ serverId, error: (r.stderr || `ls exited with ${r.code}`).trim() });
        continue;
      }
      for (const f of parseListing(r.stdout, number)) recordings.push({ serverId, path: `${dir.replace(/\/+$/, '')}/${f.file}`, ...f });
    } catch (err) {
      errors.push({ serverId, error: (err as Error).message });
    }
  }
  return { recordings, errors };
}
