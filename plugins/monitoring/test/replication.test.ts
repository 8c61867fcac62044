/**
 * Replication on the Reporting tile, read from what a real MariaDB 10.11 client printed
 * (tests/fixtures/mariadb), and the simulated host answering the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replicaMetric, REPLICA_STATUS } from '../metrics.ts';
import { SimHost } from '../../../sdk/testing/sim/host.ts';

const recorded = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'mariadb', `show-replica-status-${name}.txt`), 'utf8');
const LEVELS = { warning: 30, critical: 300 };
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });

describe('replication (SHOW REPLICA STATUS)', () => {
  it('a running replica is green with its lag; past the levels orange, then red', () => {
    expect(replicaMetric(ok(recorded('running')), LEVELS)).toMatchObject({ key: 'replication', group: 'reporting', state: 'green', value: 0, text: 'running, 0 s behind the primary (warning 30 s, critical 300 s)' });
    const behind = (s: number) => recorded('running').replace('Seconds_Behind_Master: 0', `Seconds_Behind_Master: ${s}`);
    expect(replicaMetric(ok(behind(45)), LEVELS)?.state).toBe('orange');
    expect(replicaMetric(ok(behind(301)), LEVELS)?.state).toBe('red');
  });

  it('a stopped thread is red with MariaDB\'s own error', () => {
    expect(replicaMetric(ok(recorded('io-error')), LEVELS)).toMatchObject({
      state: 'red', text: "replication stopped: IO thread No: Got fatal error 1236 from master when reading data from binary log: 'Binary log is not open'",
    });
  });

  it('a server that is no replica has no replication metric', () => {
    expect(recorded('not-a-replica')).toBe('');
    expect(replicaMetric(ok(''), LEVELS)).toBeNull();
  });

  it('no privilege, no mysql, garbage or no answer: unknown with the reason, never green', () => {
    expect(replicaMetric({ code: 1, stdout: '', stderr: recorded('denied') }, LEVELS)).toMatchObject({
      state: 'unknown', text: 'unknown: SHOW REPLICA STATUS: Access denied; you need (at least one of) the SUPER, SLAVE MONITOR privilege(s) for this operation',
    });
    expect(replicaMetric({ code: 127, stdout: '', stderr: 'sh: 1: mysql: not found\n' }, LEVELS)?.text).toBe('unknown: mysql not found on the server');
    expect(replicaMetric(ok('Slave_IO_Running: Yes\n'), LEVELS)?.text).toMatch(/^unknown: SHOW REPLICA STATUS: no Slave_SQL_Running/);
    expect(replicaMetric(ok(recorded('running').replace('Seconds_Behind_Master: 0', 'Seconds_Behind_Master: soon')), LEVELS)?.state).toBe('unknown');
    expect(replicaMetric({ error: 'no answer within 2 s' }, LEVELS)).toMatchObject({ state: 'unknown', text: 'unknown: no answer within 2 s' });
  });

  it('the simulated host prints what the real client printed, for the fields read', () => {
    const host = new SimHost(3);
    expect(host.answer(REPLICA_STATUS)).toEqual({ code: 0, stdout: '' });
    host.replica = { io: 'Yes', sql: 'Yes', lagSeconds: 0 };
    const sim = (host.answer(REPLICA_STATUS) as { stdout: string }).stdout;
    const line = (text: string, f: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${f}:`));
    for (const f of ['Slave_IO_Running', 'Slave_SQL_Running', 'Seconds_Behind_Master', 'Last_IO_Error', 'Last_SQL_Error']) expect(line(sim, f)).toBe(line(recorded('running'), f));
    expect(sim.split('\n')[0]).toBe(recorded('running').split('\n')[0]);
    host.replica = { io: 'No', sql: 'Yes', lagSeconds: null, ioError: "Got fatal error 1236 from master when reading data from binary log: 'Binary log is not open'" };
    const stopped = (host.answer(REPLICA_STATUS) as { stdout: string }).stdout;
    for (const f of ['Slave_IO_Running', 'Seconds_Behind_Master', 'Last_IO_Error']) expect(line(stopped, f)).toBe(line(recorded('io-error'), f));
  });
});
