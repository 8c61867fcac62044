/** The collector's time bound: a connection that never comes up, or never answers, ends the round at the deadline. */
import { describe, expect, it } from 'vitest';
import type { SshService, SshSession } from '../../../sdk/index.ts';
import { collectHost } from '../collect.ts';
import { hostCommands, hostMetrics } from '../metrics.ts';
import { MonitoringSettings } from '../manifest.ts';

const never = () => new Promise<never>(() => {});
const t = MonitoringSettings.parse({}).thresholds;

describe('collectHost', () => {
  it('an SSH connect that hangs: every metric unknown, "no connection within", at the deadline', async () => {
    const ssh = { session: never } as unknown as SshService;
    const started = Date.now();
    const r = await collectHost(ssh, 1, hostCommands(['asterisk']), 300);
    expect(Date.now() - started).toBeLessThan(1000);
    const metrics = hostMetrics(r, ['asterisk'], t);
    expect(new Set(metrics.map((m) => m.text))).toEqual(new Set(['unknown: SSH: no connection within 0.3 s']));
  });

  it('a refused connection: its reason on every metric', async () => {
    const ssh = { session: async () => { throw new Error('SSH connect to 10.0.0.9 failed: connect ECONNREFUSED'); } } as unknown as SshService;
    const metrics = hostMetrics(await collectHost(ssh, 1, hostCommands([]), 300), [], t);
    expect(metrics.every((m) => m.state === 'unknown' && m.text === 'unknown: SSH: SSH connect to 10.0.0.9 failed: connect ECONNREFUSED')).toBe(true);
  });

  it('connected, but one command never answers: that one late, the session closed right after the deadline', async () => {
    let closed = false;
    const ssh = {
      async session(_id: number, fn: (s: SshSession) => Promise<unknown>) {
        try { return await fn({ exec: async (cmd: string) => (cmd === 'nproc' ? never() : { code: 0, stdout: cmd === 'cat /proc/loadavg' ? '0.10 0.20 0.30 1/2 3\n' : '', stderr: '' }) } as SshSession); } finally { closed = true; }
      },
    } as unknown as SshService;
    const r = await collectHost(ssh, 1, hostCommands([]), 300);
    expect(r.results.nproc).toEqual({ error: "no answer to 'nproc' within 0.3 s" });
    expect(r.results.loadavg).toMatchObject({ code: 0 });
    await new Promise((res) => setTimeout(res, 20)); // the round does not wait for the close itself
    expect(closed).toBe(true);
  });
});
