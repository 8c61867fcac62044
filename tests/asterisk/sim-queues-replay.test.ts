/**
 * The simulator's app_queue against the recordings of a real Asterisk 20.20.1: queues.conf with
 * static members, the AMI reload, QueueStatus/QueueSummary and `queue show` before and after
 * (cfg-queues-static-members.txt, FACTS 10), the base server's ussales queue, and the member
 * actions with their errors and events (ami-Queue-members.notes.txt).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { countFrames, fixture, loginRaw, normalize } from './helpers.ts';
import { fileBody, logLines, replay, section } from './recording.ts';

const text = fixture('cfg-queues-static-members.txt');
/** The base pjsip.conf of that recording: 6001 is an endpoint (never registered), 6101 is not. */
const PJSIP = '[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n\n[6001]\ntype = endpoint\ncontext = from-internal\naors = 6001\n\n[6001]\ntype = aor\nmax_contacts = 1\n';
const BASE_QUEUES = '[general]\npersistentmembers = yes\n\n[support]\nstrategy = ringall\ntimeout = 15\nmember => PJSIP/6001\n';

let sim: SimulatedAsterisk;

beforeEach(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({
    authFailDelayMs: 20, sshPort: -1, timestampEvents: true, registrations: {},
    configFiles: { 'pjsip.conf': PJSIP, 'extensions.conf': fixture('conf-extensions.conf'), 'queues.conf': BASE_QUEUES, 'queuerules.conf': '; stock\n' },
  });
});

afterEach(async () => {
  await sim.stop();
});

/** CLI lines without blank ones; the seconds since login/pause/call vary between runs. */
const cli = (c: string) => (sim.ami.cli(c) ?? []).filter((l) => l.trim() !== '').map(secs);
const secs = (l: string) => l.replace(/\d+ secs ago/g, 'N secs ago');

/** The `k: v` lines of an AMI answer (raw, CRLF) or of a recorded text section, without the ones that vary. */
function fields(lines: string[]): string[] {
  return lines.filter((l) => l.trim() !== '' && !/^(ActionID|LoginTime|Timestamp): /.test(l));
}

async function amiText(action: string): Promise<string[]> {
  const raw = await amiRaw(action);
  return fields(raw.split('\r\n'));
}

async function amiRaw(action: string): Promise<string> {
  const c = await loginRaw(sim.ports.ami);
  try {
    c.send(`${action}\r\n\r\n`);
    await c.waitFor((d) => /Event: Queue(Status|Summary)Complete[\s\S]*?\r\n\r\n/.test(d));
    return c.take();
  } finally {
    c.close();
  }
}

describe('queues.conf with static members (cfg-queues-static-members)', () => {
  it('base queue: queue show and QueueStatus as recorded', async () => {
    expect(cli('queue show support')).toEqual(section(text, 'state before (base queues.conf): queue show support').map(secs));
    expect(await amiText('Action: QueueStatus\r\nQueue: support')).toEqual(fields(section(text, 'state before: AMI QueueStatus')));
  });

  it('AMI Reload of app_queue.so: Success, Reload event, the queuerules NOTICE; members with names, Invalid and Unavailable', async () => {
    sim.writeConfig('queues.conf', fileBody(text, 0));
    const n = sim.state.log.length;
    const got = await replay(sim.ports.ami, 'cfg-queues-static-members.ami-reload.request.txt', 'cfg-queues-static-members.ami-reload.txt', 'system');
    expect(normalize(got)).toBe(normalize(fixture('cfg-queues-static-members.ami-reload.txt')));
    expect(sim.state.log.slice(n)).toEqual(logLines(text, 'full log lines produced by the AMI reload'));
    expect(cli('queue show support')).toEqual(section(text, 'state after AMI reload: queue show support').map(secs));
    const status = await replay(sim.ports.ami, 'ami-QueueStatus-static-members.request.txt', 'ami-QueueStatus-static-members.txt');
    expect(normalize(status)).toBe(normalize(fixture('ami-QueueStatus-static-members.txt')));
    const summary = await replay(sim.ports.ami, 'ami-QueueSummary-static-members.request.txt', 'ami-QueueSummary-static-members.txt');
    expect(summary).toBe(fixture('ami-QueueSummary-static-members.txt'));
  });

  it('a member removed from the file is gone after the next reload', async () => {
    sim.writeConfig('queues.conf', fileBody(text, 0));
    sim.state.reloadModule('app_queue.so');
    sim.writeConfig('queues.conf', fileBody(text, 1));
    expect(sim.ami.cli('module reload app_queue.so')).toEqual(["Module 'app_queue.so' reloaded successfully."]);
    expect(cli('queue show support')).toEqual(section(text, 'state after the second reload: queue show support').map(secs));
    expect(await amiText('Action: QueueStatus\r\nQueue: support')).toEqual(fields(section(text, 'after the second reload: AMI QueueStatus')));
    sim.writeConfig('queues.conf', BASE_QUEUES);
    sim.state.reloadModule('app_queue.so');
    expect(cli('queue show support')).toEqual(section(text, 'after restoring the base queues.conf and reloading: queue show support').map(secs));
  });
});

describe('the base server (cli-queue-show-ussales.txt, ami-QueueStatus.txt)', () => {
  it('ussales with PJSIP/6101 registered: Not in use, status 1', async () => {
    const other = new SimulatedAsterisk();
    await other.start({ sshPort: -1 });
    try {
      const show = (other.ami.cli('queue show ussales') ?? []).map(secs);
      expect(show).toEqual(fixture('cli-queue-show-ussales.txt').split('\n').map(secs));
      const got = await replay(other.ports.ami, 'ami-QueueStatus.request.txt', 'ami-QueueStatus.txt');
      expect(normalize(got)).toBe(normalize(fixture('ami-QueueStatus.txt')));
    } finally {
      await other.stop();
    }
  });
});

/** The cases of ami-Queue-members.notes.txt, in the order they were recorded on one connection. */
const MEMBER_CASES = [
  'QueueAdd-no-queue', 'QueueAdd-no-interface', 'QueueAdd-unknown-queue', 'QueueAdd', 'QueueAdd-already-there',
  'DBGet-persistent-members', 'Command-queue-show-ussales', 'QueueRemove-no-interface', 'QueueRemove-unknown-queue',
  'QueueRemove-not-there', 'QueueRemove-static', 'QueuePause-no-paused', 'QueuePause-not-found', 'QueuePause-unknown-queue',
  'QueuePause-all-queues', 'QueuePause-unpause', 'QueuePenalty-no-penalty', 'QueuePenalty-negative', 'QueuePenalty-not-found',
  'QueuePenalty', 'QueueStatus-after-changes', 'QueueRemove', 'QueueAdd-unpaused-reason', 'QueueMemberRingInUse-no-ringinuse',
  'QueueMemberRingInUse-not-truth', 'QueueMemberRingInUse-not-found', 'QueueMemberRingInUse', 'QueueReset-unknown-queue', 'QueueReset',
  'Command-queue-show-after-ringinuse',
];

describe('member actions as recorded (ami-Queue-members.notes.txt)', () => {
  it('answers and events of every case, byte for byte but for times', async () => {
    const other = new SimulatedAsterisk();
    const pjsip = '[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n' + ['6001', '6002'].map((e) => `\n[${e}]\ntype = endpoint\ncontext = from-internal\naors = ${e}\n\n[${e}]\ntype = aor\nmax_contacts = 1\n`).join('');
    const queues = '[general]\npersistentmembers = yes\n\n[ussales]\nstrategy = ringall\nmember => PJSIP/6001,0,Alice\n\n[support]\nmember => PJSIP/6001\n';
    await other.start({ sshPort: -1, timestampEvents: true, registrations: {}, configFiles: { 'pjsip.conf': pjsip, 'extensions.conf': fixture('conf-extensions.conf'), 'queues.conf': queues } });
    const c = await loginRaw(other.ports.ami, 'agent');
    const times = (t: string) => normalize(t).replace(/^(LastPause): [1-9]\d*/gm, '$1: <X>').replace(/\d+ secs ago/g, 'N secs ago');
    try {
      for (const name of MEMBER_CASES) {
        const expected = fixture(`ami-${name}.txt`);
        c.send(fixture(`ami-${name}.request.txt`));
        await c.waitFor((d) => countFrames(d) >= countFrames(expected));
        await new Promise((r) => setTimeout(r, 10));
        expect.soft(times(c.take()), name).toBe(times(expected));
      }
    } finally {
      c.close();
      await other.stop();
    }
  });
});

describe('reload semantics as recorded (cfg-queues-reload-semantics.txt)', () => {
  const rs = fixture('cfg-queues-reload-semantics.txt');
  const logged = (fn: () => void) => {
    const n = sim.state.log.length;
    fn();
    return sim.state.log.slice(n);
  };
  const reloadAs = (label: string, body: number) => {
    sim.writeConfig('queues.conf', fileBody(rs, body));
    let out: string[] = [];
    const log = logged(() => (out = cli('module reload app_queue.so')));
    expect(out, label).toEqual(section(rs, `${label}: module reload app_queue.so`));
    expect(log, label).toEqual(logLines(rs, `full log lines produced by ${label}`));
  };

  it('coercions and their log lines, untouched file, what a reload keeps, includes, boot without queues.conf', async () => {
    sim.writeConfig('queues.conf', fileBody(rs, 1));
    sim.writeConfig('pjsip.conf', `${PJSIP}\n[6002]\ntype = endpoint\ncontext = from-internal\naors = 6002\n\n[6002]\ntype = aor\nmax_contacts = 1\n`);
    sim.state.reloadModule('res_pjsip.so');
    sim.state.reloadModule('app_queue.so');
    expect(cli('queue show')).toEqual(section(rs, 'base: queue show').map(secs));
    reloadAs('bad values', 0);
    expect(cli('queue show sales')).toEqual(section(rs, 'after bad values: queue show sales').map(secs));
    expect(logged(() => sim.state.reloadModule('app_queue.so'))).toEqual(logLines(rs, 'full log lines produced by the untouched reload'));
    reloadAs('base again', 1);
    expect(sim.state.queues.add('ussales', 'PJSIP/6002')).toBe('ok');
    expect(sim.state.queues.pause('ussales', 'PJSIP/6001', 'lunch', true)).toBe(true);
    reloadAs('support dropped', 2);
    expect(cli('queue show')).toEqual(section(rs, 'after support dropped: queue show').map(secs));
    sim.writeConfig('acm/queues.acm.conf', fileBody(rs, 3));
    reloadAs('include', 4);
    expect(cli('queue show')).toEqual(section(rs, 'after include: queue show').map(secs));
    reloadAs('missing include', 5);
    expect(cli('queue show')).toEqual(section(rs, 'after missing include: queue show').map(secs));
    // The dynamic member of ussales is still in AstDB: it comes back when app_queue loads.
    (await import('node:fs')).rmSync(`${sim.configRoot}/queues.conf`);
    await sim.restart();
    const boot = logLines(rs, 'fresh boot without queues.conf: app_queue lines of the boot log');
    expect(sim.state.log.filter((l) => boot.includes(l))).toEqual(boot);
    expect(sim.ami.cli('queue show')).toBeUndefined();
    sim.writeConfig('queues.conf', fileBody(rs, 1));
    expect(cli('module reload app_queue.so')).toEqual(section(rs, 'then: module reload app_queue.so'));
    let loaded: string[] = [];
    expect(logged(() => (loaded = cli('module load app_queue.so')))).toEqual(logLines(rs, 'full log lines produced by module load'));
    expect(loaded).toEqual(section(rs, 'then: module load app_queue.so').filter((l) => !l.startsWith('[')));
    expect(cli('queue show')).toEqual(section(rs, 'after module load: queue show').map(secs));
  });
});
