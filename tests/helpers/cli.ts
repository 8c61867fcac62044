import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { testDatabase } from '../../sdk/testing/kernel.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'acm.mjs');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs `acm ARGS` as a child process on the test database `db`; a non-zero exit is a result, not a throw. */
export async function runAcm(db: Awaited<ReturnType<typeof testDatabase>>, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ACM_DATA_DIR: db.dataDir, ...(db.dbUrl ? { ACM_DB_URL: db.dbUrl } : {}), ACM_ADMIN_PASSWORD: 'cli-admin-password', ACM_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as CliResult & { killed?: boolean; signal?: string | null };
    // Killed by the timeout: say so, with what it printed, rather than a bare null exit code.
    const why = e.killed || e.signal ? `\n[runAcm: ${args.join(' ')} killed (${e.signal ?? 'timeout'}) after 60 s]` : '';
    return { code: e.code, stdout: e.stdout, stderr: `${e.stderr ?? ''}${why}` };
  }
}
