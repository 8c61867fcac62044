/** The collector's parsers: real output read, anything else a reason (never a value). */
import { describe, expect, it } from 'vitest';
import { output, parseDf, parseEpoch, parseIsActive, parseLoadavg, parseMeminfo, parseNproc, parseUptime } from '../parse.ts';
import { SimHost } from '../../../sdk/testing/sim/host.ts';

// df -P of a Debian 12 server (coreutils 9.1), a mount point with a space.
const DF = `Filesystem     1024-blocks    Used Available Capacity Mounted on
udev               1998452       0   1998452       0% /dev
tmpfs               402888    1100    401788       1% /run
/dev/sda1         20509264 8123456  11320000      42% /
/dev/loop0           65536   65536         0     100% /snap/core/1
//nas/backup    1073741824 805306368 268435456     75% /mnt/nas backup
`;

describe('parsers', () => {
  it('df -P: real filesystems with their capacity; pseudo ones and snaps left out', () => {
    expect(parseDf(DF)).toEqual({ ok: true, value: [
      { filesystem: '/dev/sda1', sizeKb: 20509264, usedKb: 8123456, usedPercent: 42, mount: '/' },
      { filesystem: '//nas/backup', sizeKb: 1073741824, usedKb: 805306368, usedPercent: 75, mount: '/mnt/nas backup' },
    ] });
    expect(parseDf('Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 20G 8G 11G 42% /\n')).toMatchObject({ ok: false, reason: expect.stringMatching(/^df -P: unexpected header/) });
    expect(parseDf(DF.replace('42%', 'xx%'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^df -P: unreadable line "\/dev\/sda1/) });
    expect(parseDf(DF.split('\n').slice(0, 3).join('\n'))).toEqual({ ok: false, reason: 'df -P: no filesystem listed' });
  });

  it('/proc/meminfo: needs MemAvailable and swap; values that cannot be are refused', () => {
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 400 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')).toEqual({ ok: true, value: { totalKb: 1000, availableKb: 400, swapTotalKb: 0, swapFreeKb: 0 } });
    expect(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')).toEqual({ ok: false, reason: '/proc/meminfo: no MemAvailable' });
    expect(parseMeminfo('MemTotal: 1000 kB\nMemAvailable: 4000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n')).toEqual({ ok: false, reason: '/proc/meminfo: values do not add up' });
  });

  it('loadavg, nproc, uptime, date: exactly their format', () => {
    expect(parseLoadavg('0.52 0.41 0.30 1/213 48211\n')).toEqual({ ok: true, value: [0.52, 0.41, 0.3] });
    expect(parseLoadavg('0.52 0.41\n').ok).toBe(false);
    expect(parseNproc('4\n')).toEqual({ ok: true, value: 4 });
    expect(parseNproc('0\n').ok).toBe(false);
    expect(parseNproc('four\n').ok).toBe(false);
    expect(parseUptime('350735.47 234388.90\n')).toEqual({ ok: true, value: 350735.47 });
    expect(parseUptime('up 4 days\n').ok).toBe(false);
    expect(parseEpoch('1795419787.123456789\n')).toEqual({ ok: true, value: Number('1795419787.123456789') });
    expect(parseEpoch('Wed Dec  2 20:30:00 UTC 2026\n').ok).toBe(false);
  });

  it('systemctl is-active: one known state per unit asked, in order', () => {
    expect(parseIsActive('active\nfailed\ninactive\n', ['asterisk', 'mariadb', 'cron'])).toEqual({ ok: true, value: { asterisk: 'active', mariadb: 'failed', cron: 'inactive' } });
    expect(parseIsActive('active\n', ['asterisk', 'mariadb'])).toEqual({ ok: false, reason: 'systemctl is-active: 1 line(s) for 2 unit(s)' });
    expect(parseIsActive('active\nSystem has not been booted with systemd\n', ['a', 'b'])).toMatchObject({ ok: false, reason: expect.stringContaining('unreadable "System has not been booted') });
  });

  it('a command that failed, is missing or timed out gives its reason, not its output', () => {
    expect(output('nproc', { code: 127, stdout: '', stderr: 'sh: 1: nproc: not found\n' })).toEqual({ ok: false, reason: 'nproc not found on the server' });
    expect(output('df -P', { code: 1, stdout: '', stderr: 'df: /mnt/nfs: Stale file handle\n' })).toEqual({ ok: false, reason: "'df -P' exited 1: df: /mnt/nfs: Stale file handle" });
    expect(output('df -P', { code: null, stdout: '', stderr: '' })).toEqual({ ok: false, reason: "'df -P' exited without a code" });
    expect(output('systemctl is-active a', { code: 3, stdout: 'inactive\n', stderr: '' }, [0, 3])).toEqual({ ok: true, value: 'inactive\n' });
    expect(output('df -P', { error: "no answer to 'df -P' within 2 s" })).toEqual({ ok: false, reason: "no answer to 'df -P' within 2 s" });
  });

  it('what the simulated host prints, every parser reads', () => {
    const host = new SimHost(3);
    const out = (c: string) => host.answer(c)!.stdout!;
    expect(parseDf(out('df -P'))).toMatchObject({ ok: true, value: [{ mount: '/' }, { mount: '/var' }] });
    for (const [cmd, parse] of [['cat /proc/meminfo', parseMeminfo], ['cat /proc/loadavg', parseLoadavg], ['nproc', parseNproc], ['cat /proc/uptime', parseUptime], ['date +%s.%N', parseEpoch]] as const) {
      expect((parse as (s: string) => { ok: boolean })(out(cmd)).ok, cmd).toBe(true);
    }
    host.services.mariadb = 'failed';
    expect(host.answer('systemctl is-active asterisk mariadb nosuch')).toEqual({ code: 3, stdout: 'active\nfailed\ninactive\n' });
    expect(host.answer('uname -a')).toBeUndefined();
    expect(new SimHost(3).disks).toEqual(host.disks); // seeded: the same host each run
  });
});
