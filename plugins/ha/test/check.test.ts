import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { amiPing, optionsRequest, reach, sipOptions } from '../node/probes.ts';
import { NodeConfig, recordNotify, runCheck, stateWords } from '../node/agent.ts';

let sim: SimulatedAsterisk;
let ports: Awaited<ReturnType<SimulatedAsterisk['start']>>;
let sipp: ChildProcess | undefined;
const stateDir = mkdtempSync(join(tmpdir(), 'acm-ha-state-'));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  ports = await sim.start({ sshPort: -1, sipPort: 0, authFailDelayMs: 50 });
});
afterAll(async () => {
  await sim?.stop();
  if (sipp && sipp.exitCode === null) sipp.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('probes', () => {
  it('writes an RFC 3261 OPTIONS request', () => {
    const req = optionsRequest({ host: '127.0.0.1', port: 5060, localHost: '127.0.0.1', localPort: 40000, branch: 'z9hG4bKabc', tag: 't1', callId: 'c1@acm-ha', cseq: 1 });
    expect(req.split('\r\n')).toEqual(expect.arrayContaining([
      'OPTIONS sip:127.0.0.1:5060 SIP/2.0', 'Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKabc;rport', 'Max-Forwards: 70',
      'From: "acm ha check" <sip:acm-ha@127.0.0.1>;tag=t1', 'To: <sip:127.0.0.1:5060>', 'Call-ID: c1@acm-ha', 'CSeq: 1 OPTIONS',
      'Contact: <sip:acm-ha@127.0.0.1:40000>', 'Content-Length: 0',
    ]));
    expect(req.endsWith('\r\n\r\n')).toBe(true);
  });

  it('SIP OPTIONS: the simulator answers; a closed port times out', async () => {
    const ok = await sipOptions('127.0.0.1', ports.sip, 1500);
    expect(ok).toMatchObject({ ok: true });
    expect(ok.detail).toMatch(/answered 200/);
    const dead = await sipOptions('127.0.0.1', await freePort(), 600);
    expect(dead.ok).toBe(false);
  });

  it.runIf(existsSync('/usr/bin/sipp'))('SIP OPTIONS: sipp -sn uas -aa answers', async () => {
    const port = await freePort();
    sipp = spawn('/usr/bin/sipp', ['-sn', 'uas', '-aa', '-i', '127.0.0.1', '-p', String(port), '-nostdin', '-timeout', '20s', '-trace_err', '-error_file', join(stateDir, 'sipp.err')], { stdio: 'ignore' });
    let r = { ok: false, detail: '', ms: 0 };
    for (let i = 0; i < 20 && !r.ok; i++) {
      r = await sipOptions('127.0.0.1', port, 500);
    }
    expect(r.ok, r.detail).toBe(true);
    sipp.kill('SIGKILL');
  });

  it('AMI Ping against the simulator; wrong secret and dead port fail', async () => {
    expect(await amiPing({ host: '127.0.0.1', port: ports.ami, username: 'acmtest', secret: 'acmtest-Secret1' })).toMatchObject({ ok: true });
    expect((await amiPing({ host: '127.0.0.1', port: ports.ami, username: 'acmtest', secret: 'wrong' })).ok).toBe(false);
    expect((await amiPing({ host: '127.0.0.1', port: await freePort(), username: 'a', secret: 'b' })).ok).toBe(false);
    expect((await amiPing({ host: '127.0.0.1', port: ports.ami, username: 'a\r\nAction: Originate', secret: 'b' })).ok).toBe(false);
  });

  it('reachability: TCP refused = reachable; ICMP to loopback; bad input never reaches a command', async () => {
    expect((await reach('127.0.0.1', await freePort())).ok).toBe(true);
    expect((await reach('127.0.0.1')).ok).toBe(true);
    expect((await reach('127.0.0.1; touch /tmp/x')).ok).toBe(false);
  });
});

describe('acm ha check / notify', () => {
  const cfg = () => NodeConfig.parse({
    node: 'lon-ast1', group: 'lon-pair', groupId: 1, stateDir, timeoutMs: 800, primary: true,
    self: { address: '127.0.0.1', interface: 'lo', priority: 150 },
    ami: { port: ports.ami, username: 'acmtest', secret: 'acmtest-Secret1' }, sip: { port: ports.sip },
    witness: { address: '127.0.0.1' }, trunks: [{ name: 'lo', interface: 'lo' }],
  });

  it('passes while AMI, SIP, witness and trunk answer; fails when SIP stops, and when the witness is gone', async () => {
    const ok = await runCheck(cfg());
    expect(ok.items.filter((i) => !i.ok)).toEqual([]);
    expect(JSON.parse(readFileSync(join(stateDir, 'check.json'), 'utf8')).ok).toBe(true);
    const c = cfg();
    c.sip = { host: '127.0.0.1', port: await freePort() };
    c.witness = { address: '127.0.0.1', port: null };
    const r = await runCheck({ ...c, trunks: [{ name: 'x', interface: 'nosuch0', address: null, port: null }] });
    expect(r.ok).toBe(false);
    expect(r.items.filter((i) => !i.ok).map((i) => i.name).sort()).toEqual(['sip', 'trunk x interface']);
  });

  it('fails while AMI does not answer', async () => {
    sim.neverAnswer = true;
    try {
      const r = await runCheck(cfg(), undefined, false);
      expect(r.items.find((i) => i.name === 'ami')?.ok).toBe(false);
    } finally {
      sim.neverAnswer = false;
    }
  });

  it('notify records history and the current state per instance', async () => {
    await recordNotify(cfg(), ['INSTANCE', 'acm_1_voice_51', 'MASTER', '150']);
    await recordNotify(cfg(), ['INSTANCE', 'acm_1_voice_51', 'FAULT', '150']);
    await expect(recordNotify(cfg(), ['INSTANCE', 'x;rm', 'MASTER'])).rejects.toThrow(/usage/);
    expect(JSON.parse(readFileSync(join(stateDir, 'vrrp.json'), 'utf8'))).toMatchObject({ acm_1_voice_51: { state: 'FAULT' } });
    expect(readFileSync(join(stateDir, 'events.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('says the state in plain words', () => {
    expect(stateWords({ selfPrimary: true, selfHolds: true, peerHolds: false, checkOk: true, vips: 1 })).toBe('NOW IN NORMAL STATE');
    expect(stateWords({ selfPrimary: false, selfHolds: true, peerHolds: false, checkOk: true, vips: 1 })).toBe('FAILOVER ACTIVE ON SECONDARY');
  });
});
