/**
 * The simulator's app_queue actions and events against apps/app_queue.c of Asterisk 20.20.1
 * (manager_add_queue_member, manager_remove_queue_member, manager_pause_queue_member,
 * manager_queue_member_penalty, queue_member_blob_create): every error answer, the events, what a
 * reload keeps, includes, member status from device state, callers in QueueStatus.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { fixture, loginRaw, RawAmi } from './helpers.ts';

let sim: SimulatedAsterisk;
let c: RawAmi;

const QUEUES = '[general]\npersistentmembers = yes\n\n[ussales]\nstrategy = ringall\nmember => PJSIP/6101,0,Alice\n\n[support]\nmember => PJSIP/6101\n';

beforeEach(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({
    authFailDelayMs: 20, sshPort: -1, registrations: { '6101': 'sip:6101@127.0.0.1:5071' },
    users: { ami: { acmtest: 'acmtest-Secret1', ro: { secret: 'ro-Secret1', write: ['system'] } } },
    configFiles: { 'pjsip.conf': fixture('conf-pjsip.conf'), 'extensions.conf': fixture('conf-extensions.conf'), 'queues.conf': QUEUES },
  });
  c = await loginRaw(sim.ports.ami, 'agent');
});

afterEach(async () => {
  c.close();
  await sim.stop();
});

type Frame = Record<string, string>;

function parse(raw: string): Frame[] {
  return raw.split('\r\n\r\n').filter((f) => f !== '').map((f) => Object.fromEntries(f.split('\r\n').map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)])));
}

/** Send an action; its response and the `frames - 1` frames after it (events it caused), after a short settle. */
async function act(action: Record<string, string>, frames = 1): Promise<Frame[]> {
  await new Promise((r) => setTimeout(r, 10));
  c.take(); // events that came before
  c.send(`${Object.entries(action).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
  const fromResponse = (d: string) => parse(d).slice(Math.max(0, parse(d).findIndex((f) => f.Response !== undefined)));
  await c.waitFor((d) => d.includes('Response: ') && fromResponse(d).length >= frames);
  await new Promise((r) => setTimeout(r, 20));
  return fromResponse(c.take());
}

async function answer(action: Record<string, string>): Promise<Frame> {
  return (await act({ ActionID: 'x', ...action }))[0] ?? {};
}

const error = (message: string) => ({ Response: 'Error', ActionID: 'x', Message: message });
const success = (message: string) => ({ Response: 'Success', ActionID: 'x', Message: message });

async function status(queue: string): Promise<Frame[]> {
  const all = await act({ Action: 'QueueStatus', Queue: queue }, 2);
  return all.filter((f) => f.Event === 'QueueMember' || f.Event === 'QueueEntry');
}

describe('error answers (exact texts of app_queue.c)', () => {
  it.each([
    [{ Action: 'QueueAdd', Interface: 'PJSIP/6102' }, "'Queue' not specified."],
    [{ Action: 'QueueAdd', Queue: 'ussales' }, "'Interface' not specified."],
    [{ Action: 'QueueAdd', Queue: 'nosuch', Interface: 'PJSIP/6102' }, 'Unable to add interface to queue: No such queue'],
    [{ Action: 'QueueAdd', Queue: 'ussales', Interface: 'pjsip/6101' }, 'Unable to add interface: Already there'],
    [{ Action: 'QueueRemove', Queue: 'ussales' }, "Need 'Queue' and 'Interface' parameters."],
    [{ Action: 'QueueRemove', Interface: 'PJSIP/6101' }, "Need 'Queue' and 'Interface' parameters."],
    [{ Action: 'QueueRemove', Queue: 'nosuch', Interface: 'PJSIP/6101' }, 'Unable to remove interface from queue: No such queue'],
    [{ Action: 'QueueRemove', Queue: 'ussales', Interface: 'PJSIP/6102' }, 'Unable to remove interface: Not there'],
    [{ Action: 'QueueRemove', Queue: 'ussales', Interface: 'PJSIP/6101' }, 'Member not dynamic'],
    [{ Action: 'QueuePause', Interface: 'PJSIP/6101' }, "Need 'Interface' and 'Paused' parameters."],
    [{ Action: 'QueuePause', Paused: 'true' }, "Need 'Interface' and 'Paused' parameters."],
    [{ Action: 'QueuePause', Interface: 'PJSIP/6102', Paused: 'true' }, 'Interface not found'],
    [{ Action: 'QueuePause', Queue: 'nosuch', Interface: 'PJSIP/6101', Paused: 'true' }, 'Interface not found'],
    [{ Action: 'QueuePenalty', Interface: 'PJSIP/6101' }, "Need 'Interface' and 'Penalty' parameters."],
    [{ Action: 'QueuePenalty', Interface: 'PJSIP/6101', Penalty: '-1' }, 'Invalid interface, queuename or penalty'],
    [{ Action: 'QueuePenalty', Interface: 'PJSIP/6102', Penalty: '1' }, 'Invalid interface, queuename or penalty'],
    [{ Action: 'QueuePenalty', Queue: 'nosuch', Interface: 'PJSIP/6101', Penalty: '1' }, 'Invalid interface, queuename or penalty'],
  ])('%o -> %s', async (action, message) => {
    expect(await answer(action)).toEqual(error(message));
  });

  it('member actions need the agent write class; QueueStatus needs none', async () => {
    const r = await RawAmi.connect(sim.ports.ami);
    await r.waitFor((d) => d.includes('\r\n'));
    r.send('Action: Login\r\nUsername: ro\r\nSecret: ro-Secret1\r\nEvents: off\r\n\r\nAction: QueueAdd\r\nActionID: a\r\nQueue: ussales\r\nInterface: PJSIP/6102\r\n\r\nAction: QueueSummary\r\nActionID: b\r\nQueue: ussales\r\n\r\n');
    await r.waitFor((d) => d.includes('QueueSummaryComplete'));
    const frames = parse(r.take().replace(/^[^\r]*\r\n/, ''));
    r.close();
    expect(frames[1]).toEqual({ Response: 'Error', ActionID: 'a', Message: 'Permission denied' });
    expect(frames.some((f) => f.Event === 'QueueSummary' && f.LoggedIn === '1')).toBe(true);
  });
});

describe('member changes and their events', () => {
  it('QueueAdd: a dynamic member, QueueMemberAdded with the blob fields; persisted in AstDB', async () => {
    const frames = await act({ Action: 'QueueAdd', ActionID: 'x', Queue: 'ussales', Interface: 'PJSIP/6102', Penalty: '2', Paused: 'yes', Reason: 'lunch', MemberName: 'Bob', Wrapuptime: '-3' }, 2);
    expect(frames[0]).toEqual(success('Added interface to queue'));
    const ev = frames[1] ?? {};
    expect(Object.keys(ev)).toEqual(['Event', 'Privilege', 'SystemName', 'Queue', 'MemberName', 'Interface', 'StateInterface', 'Membership', 'Penalty', 'CallsTaken', 'LastCall', 'LastPause', 'LoginTime', 'InCall', 'Status', 'Paused', 'PausedReason', 'Ringinuse', 'Wrapuptime']);
    expect(ev).toMatchObject({ Event: 'QueueMemberAdded', Privilege: 'agent,all', Queue: 'ussales', MemberName: 'Bob', Interface: 'PJSIP/6102', StateInterface: 'PJSIP/6102', Membership: 'dynamic', Penalty: '2', Status: '5', Paused: '1', PausedReason: 'lunch', Ringinuse: '1', Wrapuptime: '0' });
    expect(Number(ev.LastPause)).toBeGreaterThan(0);
    expect(sim.state.db.get('/Queue/PersistentMembers/ussales')).toBe('PJSIP/6102;2;1;Bob;PJSIP/6102;lunch;0');
    expect(sim.ami.cli('queue show ussales')?.[3]).toMatch(/^ {6}Bob \(PJSIP\/6102\) with penalty 2 \(ringinuse enabled\) \(dynamic\) \(paused:lunch was \d+ secs ago\) \(Unavailable\) has taken no calls yet/);
    const removed = await act({ Action: 'QueueRemove', ActionID: 'x', Queue: 'USSALES', Interface: 'pjsip/6102' }, 2);
    expect(removed[0]).toEqual(success('Removed interface from queue'));
    expect(removed[1]).toMatchObject({ Event: 'QueueMemberRemoved', Queue: 'ussales', Interface: 'PJSIP/6102', Membership: 'dynamic' });
    expect(sim.state.db.has('/Queue/PersistentMembers/ussales')).toBe(false);
  });

  it('QueuePause without Queue pauses the interface in every queue; the reason shows in events, QueueStatus and queue show', async () => {
    const frames = await act({ Action: 'QueuePause', ActionID: 'x', Interface: 'PJSIP/6101', Paused: 'on', Reason: 'break' }, 3);
    expect(frames[0]).toEqual(success('Interface paused successfully'));
    expect(frames.slice(1).map((f) => [f.Event, f.Queue, f.Paused, f.PausedReason]).sort()).toEqual([['QueueMemberPause', 'support', '1', 'break'], ['QueueMemberPause', 'ussales', '1', 'break']]);
    expect((await status('ussales')).map((f) => [f.Paused, f.PausedReason])).toEqual([['1', 'break']]);
    expect(sim.ami.cli('queue show support')?.[2]).toMatch(/^ {6}PJSIP\/6101 \(ringinuse enabled\) \(paused:break was \d+ secs ago\) \(Not in use\)/);
    const un = await act({ Action: 'QueuePause', ActionID: 'x', Queue: 'ussales', Interface: 'PJSIP/6101', Paused: 'false', Reason: 'back' }, 2);
    expect(un[0]).toEqual(success('Interface unpaused successfully'));
    expect(un[1]).toMatchObject({ Event: 'QueueMemberPause', Queue: 'ussales', Paused: '0', PausedReason: 'back' });
    expect((await status('ussales')).map((f) => [f.Paused, f.PausedReason])).toEqual([['0', '']]);
    expect((await status('support')).map((f) => f.Paused)).toEqual(['1']);
  });

  it('QueuePenalty sets the penalty (all queues without Queue) with QueueMemberPenalty', async () => {
    const frames = await act({ Action: 'QueuePenalty', ActionID: 'x', Interface: 'PJSIP/6101', Penalty: '4' }, 3);
    expect(frames[0]).toEqual(success('Interface penalty set successfully'));
    expect(frames.slice(1).map((f) => [f.Event, f.Penalty]).sort()).toEqual([['QueueMemberPenalty', '4'], ['QueueMemberPenalty', '4']]);
    expect((await status('ussales')).map((f) => f.Penalty)).toEqual(['4']);
  });

  it('QueueStatus filters by Member (interface or name) and lists waiting callers as QueueEntry', async () => {
    await answer({ Action: 'QueueAdd', Queue: 'ussales', Interface: 'PJSIP/6102' });
    expect((await act({ Action: 'QueueStatus', Queue: 'ussales', Member: 'Alice' }, 2)).filter((f) => f.Event === 'QueueMember').map((f) => f.Location)).toEqual(['PJSIP/6101']);
    const q = sim.state.queues.get('ussales');
    if (!q) throw new Error('no ussales');
    const ch = sim.state.newChannel({ name: 'PJSIP/trunk-00000001', callerIdNum: '5550001', callerIdName: 'Caller A', exten: '600', state: 6 });
    sim.state.queues.join(q, ch);
    const entries = (await status('ussales')).filter((f) => f.Event === 'QueueEntry');
    expect(entries).toEqual([{ Event: 'QueueEntry', Queue: 'ussales', Position: '1', Channel: 'PJSIP/trunk-00000001', Uniqueid: ch.uniqueid, CallerIDNum: '5550001', CallerIDName: 'Caller A', ConnectedLineNum: 'unknown', ConnectedLineName: 'unknown', Wait: '0', Priority: '0' }]);
    const summary = (await act({ Action: 'QueueSummary', Queue: 'ussales' }, 2)).find((f) => f.Event === 'QueueSummary');
    expect(summary).toMatchObject({ LoggedIn: '1', Available: '1', Callers: '1' });
    expect(sim.ami.cli('queue show ussales')).toContain('      1. PJSIP/trunk-00000001 (wait: 0:00, prio: 0)');
  });

  it("member status follows the device: 5 -> 1 on REGISTER, 6 ringing, 2 in use, 1, 5 on unregister", async () => {
    await answer({ Action: 'QueueAdd', Queue: 'support', Interface: 'PJSIP/6102' });
    sim.state.register('6102', 'sip:6102@127.0.0.1:5072');
    const ch = sim.state.newChannel({ name: 'PJSIP/6102-00000009', endpoint: '6102', state: 5 });
    sim.state.setChannelState(ch, 6);
    sim.state.hangup(ch);
    sim.state.unregister('6102');
    await new Promise((r) => setTimeout(r, 30));
    const seen = parse(c.take()).filter((f) => f.Event === 'QueueMemberStatus' && f.Interface === 'PJSIP/6102').map((f) => f.Status);
    expect(seen).toEqual(['1', '6', '2', '1', '5']);
  });
});

describe('queues.conf on reload and at boot', () => {
  const reload = () => {
    const n = sim.state.log.length;
    expect(sim.state.reloadModule('app_queue.so')).toEqual({ ok: true, message: 'Module Reloaded', status: 0 });
    return sim.state.log.slice(n);
  };
  const members = (name: string) => {
    const q = sim.state.queues.get(name);
    return q ? sim.state.queues.orderedMembers(q) : [];
  };

  it('dynamic members survive a reload; a paused static member keeps its pause; a queue gone from the file is gone', async () => {
    await answer({ Action: 'QueueAdd', Queue: 'ussales', Interface: 'PJSIP/6102' });
    await answer({ Action: 'QueuePause', Queue: 'ussales', Interface: 'PJSIP/6101', Paused: '1' });
    sim.writeConfig('queues.conf', '[ussales]\nstrategy = ringall\nmember => PJSIP/6101,0,Alice\nmember => PJSIP/6103\n');
    reload();
    expect(members('ussales').map((m) => [m.iface, m.membership, m.paused]).sort()).toEqual([['PJSIP/6101', 'static', 1], ['PJSIP/6102', 'dynamic', 0], ['PJSIP/6103', 'static', 0]]);
    expect(sim.state.queues.get('support')).toBeUndefined();
    expect(sim.state.queues.persistentMembers).toBe(false);
  });

  it('an untouched queues.conf is not reparsed; parameters and member options as app_queue reads them', () => {
    sim.writeConfig('queues.conf', [
      '[sales]', 'strategy = bogus', 'timeout = -4', 'retry = 0', 'maxlen = -1', 'weight = 3', 'servicelevel = 60', 'wrapuptime = 5',
      'ringinuse = no', 'joinempty = paused,nonsense', 'musicclass = sales-moh', 'announce-round-seconds = 7', 'colour = blue',
      'member => PJSIP/6101,-2,Agent One,Custom:agent1,maybe,-5,yes', 'member => PJSIP/6102,1,,,yes,10', 'member => ', 'member => 6103', '',
    ].join('\n'));
    expect(reload()).toEqual([
      'NOTICE app_queue.c: No queuerules.conf file found, queues will not follow penalty rules',
      "WARNING app_queue.c: 'bogus' isn't a valid strategy for queue 'sales', using ringall instead",
      "WARNING app_queue.c: Unknown option nonsense for 'joinempty'",
      "WARNING app_queue.c: '7' isn't a valid value for announce-round-seconds using 0 instead for queue 'sales' at line 12 of queues.conf",
      "WARNING app_queue.c: Unknown keyword in queue 'sales': colour at line 13 of queues.conf",
      'ERROR app_queue.c: Member Agent One has an invalid ringinuse value. Using sales ringinuse value.',
      'WARNING app_queue.c: Empty queue member definition. Moving on!',
      "WARNING app_queue.c: No location at interface '6103'",
    ]);
    const q = sim.state.queues.get('SALES');
    expect(q?.params).toMatchObject({ strategy: 'ringall', timeout: 15, retry: 5, maxlen: 0, weight: 3, servicelevel: 60, wrapuptime: 5, ringinuse: false, joinempty: 2, musicclass: 'sales-moh' });
    expect(members('sales').map((m) => [m.iface, m.penalty, m.name, m.stateInterface, m.ringinuse, m.wrapuptime, m.paused, m.status]).sort()).toEqual([
      ['PJSIP/6101', 0, 'Agent One', 'Custom:agent1', false, 0, 1, 0],
      ['PJSIP/6102', 1, 'PJSIP/6102', 'PJSIP/6102', true, 10, 0, 5],
      ['6103', 0, '6103', '6103', false, 0, 0, 4],
    ].sort());
    expect(reload()).toEqual(['NOTICE app_queue.c: No queuerules.conf file found, queues will not follow penalty rules']);
  });

  it('#include / #tryinclude of acm/queues.acm.conf; a missing #include rejects the file and keeps the queues', () => {
    sim.writeConfig('acm/queues.acm.conf', '[acm-sales]\nstrategy = rrordered\nmember => PJSIP/6103\nmember => PJSIP/6102\n');
    sim.writeConfig('queues.conf', '[general]\npersistentmembers = yes\n#include acm/queues.acm.conf\n#tryinclude acm/none.conf\n');
    reload();
    expect(sim.state.queues.list().map((q) => q.name)).toEqual(['acm-sales']);
    expect(members('acm-sales').map((m) => m.iface)).toEqual(['PJSIP/6103', 'PJSIP/6102']);
    sim.writeConfig('queues.conf', '#include acm/none.conf\n[other]\n');
    expect(reload()).toContain('ERROR app_queue.c: Config file queues.conf is in an invalid format.  Aborting.');
    expect(sim.state.queues.list().map((q) => q.name)).toEqual(['acm-sales']);
  });

  it('without queues.conf app_queue declines at boot: its actions and CLI do not exist until module load', async () => {
    (await import('node:fs')).rmSync(`${sim.configRoot}/queues.conf`);
    c.close();
    await sim.restart();
    c = await loginRaw(sim.ports.ami, 'agent');
    expect(sim.state.log).toContain('NOTICE app_queue.c: No call queueing config file (queues.conf), so no call queues');
    expect(await answer({ Action: 'QueueStatus' })).toEqual(error('Invalid/unknown command: QueueStatus. Use Action: ListCommands to show available commands.'));
    expect(sim.ami.cli('queue show')).toBeUndefined();
    sim.writeConfig('queues.conf', QUEUES);
    expect(sim.ami.cli('module load app_queue.so')).toEqual(['Loaded app_queue.so']);
    expect(sim.ami.cli('queue show')?.[0]).toMatch(/^support has 0 calls/);
  });
});

describe('the call generator on the config-driven queues', () => {
  it('calls from a trunk to a DID the dialplan sends to a queue ring an available member (QueueMemberStatus 6), agents become dynamic members', async () => {
    sim.writeConfig('queues.conf', '[general]\n\n[acmq]\nmember => PJSIP/6101\n');
    sim.writeConfig('pjsip.conf', `${fixture('conf-pjsip.conf')}\n[carrier]\ntype = endpoint\ncontext = from-carrier\n`);
    sim.writeConfig('extensions.conf', `${fixture('conf-extensions.conf')}\n[from-carrier]\nexten => 5551000,1,Queue(acmq)\n`);
    for (const m of ['app_queue.so', 'res_pjsip.so', 'pbx_config.so']) expect(sim.state.reloadModule(m).ok).toBe(true);
    const events: Array<{ name: string; fields: Array<[string, string]> }> = [];
    sim.state.on('ami', (e: { name: string; fields: Array<[string, string]> }) => events.push(e));
    const g = sim.startCallGenerator({ seed: 3, endpoints: ['6101', '6102'], trunks: ['carrier'], stepMs: 60_000 });
    for (let i = 0; i < 300; i++) g.step();
    g.stop();
    const get = (e: { fields: Array<[string, string]> }, k: string) => e.fields.find(([n]) => n === k)?.[1];
    const joins = events.filter((e) => e.name === 'QueueCallerJoin');
    expect(joins.length).toBeGreaterThan(0);
    expect(new Set(joins.map((e) => get(e, 'Queue')))).toEqual(new Set(['acmq']));
    expect(events.some((e) => e.name === 'QueueMemberStatus' && get(e, 'Interface') === 'PJSIP/6101' && get(e, 'Status') === '6')).toBe(true);
    expect(events.some((e) => e.name === 'QueueMemberAdded' && get(e, 'Membership') === 'dynamic')).toBe(true);
    // As recorded (ami-ev-queue-call.txt): AgentCalled, then QueueCallerLeave before AgentConnect, AgentComplete with the reason.
    const agent = events.filter((e) => e.name.startsWith('Agent') && e.name !== 'AgentLogin' && e.name !== 'AgentLogoff');
    const connect = agent.findIndex((e) => e.name === 'AgentConnect');
    expect(connect).toBeGreaterThan(0);
    const id = get(agent[connect]!, 'Uniqueid');
    const forCall = events.filter((e) => get(e, 'Uniqueid') === id && /^(Agent|QueueCaller)/.test(e.name)).map((e) => e.name);
    expect(forCall).toEqual(['QueueCallerJoin', 'AgentCalled', 'QueueCallerLeave', 'AgentConnect', 'AgentComplete']);
    const complete = agent.find((e) => e.name === 'AgentComplete' && get(e, 'Uniqueid') === id);
    expect(complete?.fields.slice(-6).map(([k]) => k)).toEqual(['Queue', 'Interface', 'MemberName', 'HoldTime', 'TalkTime', 'Reason']);
    expect(get(complete!, 'DestChannel')).toMatch(/^PJSIP\/6101-/);
    expect(events.find((e) => e.name === 'QueueCallerLeave')?.fields.slice(-3).map(([k]) => k)).toEqual(['Queue', 'Position', 'Count']);
    const q = sim.state.queues.get('acmq');
    expect(q?.entries).toEqual([]);
    expect((q?.completed ?? 0) + (q?.abandoned ?? 0)).toBe(joins.length);
    expect(q?.members.some((m) => m.callsTaken > 0)).toBe(true);
    expect(await answer({ Action: 'QueueReset', Queue: 'acmq' })).toEqual(success('Queue stats reset successfully'));
    expect([q?.completed, q?.abandoned, q?.members.some((m) => m.callsTaken > 0)]).toEqual([0, 0, false]);
  });
});
