import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedAsterisk, type SimCallTrace } from './index.ts';
import type { SimAmiEvent } from './state.ts';

const golden = (f: string) => fs.readFileSync(path.join(import.meta.dirname, '../../../plugins/queues/test/golden', f), 'utf8');
const endpoint = (name: string, context: string) => `[${name}]\ntype = endpoint\ncontext = ${context}\naors = ${name}\n\n[${name}]\ntype = aor\nmax_contacts = 1\n\n`;

const EXTENSIONS = `[general]
[test-patterns]
exten => _X.,1,NoOp(any)
exten => _NXX,1,NoOp(nxx)
exten => 200,1,NoOp(exact)
exten => _[1-5]XX,1,NoOp(set)
exten => _2!,1,NoOp(bang)

[test-includes]
exten => 100,1,NoOp(own)
include => inc-a
include => inc-b
include => inc-day,09:00-17:00,mon-fri,*,*

[inc-a]
exten => _9XX,1,NoOp(a pattern)
[inc-b]
exten => 901,1,NoOp(b exact)
exten => 100,1,NoOp(b 100)
[inc-day]
exten => 300,1,NoOp(day)

[hours]
exten => s,1,GotoIfTime(08:00-17:00,mon-fri,*,*,America/New_York?open)
 same => n,Playback(closed)
 same => n,Hangup()
 same => n(open),Set(CALLERID(name)=Sales \${CALLERID(num)})
 same => n,Goto(ivr,s,1)
exten => tz,1,GotoIfTime(08:00-17:00,mon-fri,*,*?s,open)
 same => n,Hangup(17)
exten => xmas,1,GotoIf($[\${EPOCH} >= 1798156800 & \${EPOCH} < 1798243200]?s,1)
 same => n,Hangup(18)

[ivr]
exten => s,1,Answer()
 same => n(menu),Background(welcome&menu)
 same => n,WaitExten(5)
exten => 1,1,Read(PIN,enter-pin,4)
 same => n,GotoIf($["\${PIN}" = "1234"]?ok:bad)
 same => n(ok),Hangup(16)
 same => n(bad),Hangup(21)
exten => i,1,Playback(invalid)
 same => n,Goto(s,menu)
exten => t,1,Playback(goodbye)
 same => n,Hangup()
exten => h,1,NoOp(end \${INVALID_EXTEN})

[apps]
exten => 10,1,Dial(PJSIP/t2-6101,20)
 same => n,VoiceMail(6101@default,u)
exten => 11,1,Dial(PJSIP/t2-6103&PJSIP/t2-6104,20)
 same => n,NoOp(\${DIALSTATUS})
 same => n,ConfBridge(8600)
exten => _1[23],1,ExecIf($[\${EXTEN} = 12]?Set(X=yes):Set(X=no))

[loop]
exten => s,1,Goto(s,1)

[unknown-app]
exten => s,1,Wait(1)

#include acm/extensions-queues.conf
`;

let sim: SimulatedAsterisk;
let events: SimAmiEvent[] = [];
const names = () => events.map((e) => e.name);
const field = (e: SimAmiEvent | undefined, k: string) => e?.fields.find(([n]) => n === k)?.[1];
const apps = (t: SimCallTrace) => t.steps.map((s) => `${s.exten},${s.priority},${s.app}(${s.args.join(',')})`);

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({
    sshPort: -1,
    configFiles: {
      'extensions.conf': EXTENSIONS,
      'acm/extensions-queues.conf': golden('extensions-queues.t2.conf'),
      'queues.conf': '[general]\n#include acm/queues.conf\n',
      'acm/queues.conf': golden('queues.acm.t2.conf'),
      'pjsip.conf': endpoint('t2-6101', 't2-internal') + endpoint('t2-6102', 't2-internal') + endpoint('t2-6103', 't2-internal') + endpoint('t2-telnyx', 't2-from-telnyx'),
    },
    registrations: { 't2-6101': 'sip:t2-6101@127.0.0.1:5071', 't2-6102': 'sip:t2-6102@127.0.0.1:5072' },
  });
  sim.state.on('ami', (e: SimAmiEvent) => events.push(e));
});
afterAll(async () => { await sim.stop(); });
beforeEach(() => { events = []; sim.setClock(); sim.timezone = 'UTC'; });

describe('extension matching', () => {
  it('takes an exact extension first, then patterns from the most specific (ext_cmp order)', () => {
    const run = (exten: string) => sim.call({ context: 'test-patterns', exten }).steps[0]?.args[0];
    expect(run('200')).toBe('exact');
    expect(run('234')).toBe('bang'); // _2! sorts before _[1-5]XX, _NXX and _X.
    expect(run('134')).toBe('set');
    expect(run('634')).toBe('nxx');
    expect(run('6345')).toBe('any');
  });

  it('searches includes after the context, in order, and a timed include only in its time', () => {
    const run = (exten: string) => sim.call({ context: 'test-includes', exten }).steps[0]?.args[0];
    expect(run('100')).toBe('own');
    expect(run('901')).toBe('a pattern'); // inc-a's pattern before inc-b's exact 901
    sim.setClock(new Date('2026-03-09T10:00:00Z')); // Monday 10:00 UTC
    expect(run('300')).toBe('day');
    sim.setClock(() => new Date('2026-03-09T18:00:00Z'));
    const t = sim.call({ context: 'test-includes', exten: '300' });
    expect([t.ended, t.steps]).toEqual(['notfound', []]);
  });

  it('refuses an unknown extension like chan_pjsip (404) and core_local do: no channel', () => {
    expect(sim.call({ from: { endpoint: 't2-6101' }, exten: '999' }).ended).toBe('notfound');
    const t = sim.call({ context: 'ivr', exten: '999' });
    expect([t.ended, t.steps, t.channel]).toEqual(['notfound', [], undefined]);
    expect(events).toEqual([]);
  });
});

describe('time conditions on the simulator clock', () => {
  it('opens at 08:00 New York time on both sides of the DST change', () => {
    sim.setClock(new Date('2026-03-06T13:00:00Z')); // Friday 08:00 EST
    expect(sim.call({ context: 'hours', exten: 's', callerId: { num: '5550001' } }).steps[1]?.app).toBe('Set');
    const closed = sim.call({ context: 'hours', exten: 's', at: new Date('2026-03-09T11:30:00Z') }); // Monday 07:30 EDT
    expect([closed.ended, closed.played]).toEqual(['hangup', ['closed']]);
    const open = sim.call({ context: 'hours', exten: 's', at: new Date('2026-03-09T12:00:00Z'), callerId: { num: '5550001' } });
    expect(open.steps.map((s) => s.app).slice(0, 3)).toEqual(['GotoIfTime', 'Set', 'Goto']);
    expect(open.channel?.callerIdName).toBe('Sales 5550001');
  });

  it('is closed on Saturday New York time even when UTC says Friday is over', () => {
    const sat = sim.call({ context: 'hours', exten: 's', at: new Date('2026-03-07T15:00:00Z') }); // Saturday 10:00 EST
    expect(sat.played).toEqual(['closed']);
    const fri = sim.call({ context: 'hours', exten: 's', at: new Date('2026-03-06T21:59:00Z') }); // Friday 16:59 EST
    expect(fri.played).not.toContain('closed');
  });

  it('takes a spec without a zone in the server zone (sim.timezone)', () => {
    const at = new Date('2026-03-09T17:30:00Z'); // Monday: 17:30 UTC, 13:30 in New York
    expect(sim.call({ context: 'hours', exten: 'tz', at }).result.cause).toBe(17);
    sim.timezone = 'America/New_York';
    expect(sim.call({ context: 'hours', exten: 'tz', at }).steps.map((s) => s.app)).toContain('Set');
  });

  it('reads ${EPOCH} from the clock (a holiday window written as epoch seconds)', () => {
    expect(sim.call({ context: 'hours', exten: 'xmas', at: new Date('2026-12-24T23:59:59Z') }).result.cause).toBe(18);
    expect(sim.call({ context: 'hours', exten: 'xmas', at: new Date('2026-12-25T00:00:00Z') }).steps[1]?.app).toBe('GotoIfTime');
  });

  it('uses TESTTIME (epoch seconds) over the clock, as pbx_builtin_gotoiftime does', () => {
    sim.setClock(new Date('2026-03-07T15:00:00Z'));
    const t = sim.call({ context: 'hours', exten: 's', vars: { TESTTIME: String(Date.parse('2026-03-09T14:00:00Z') / 1000) } });
    expect(t.played).not.toContain('closed');
  });
});

describe('IVR', () => {
  it('a digit during Background goes to that extension; Read takes the next answer', () => {
    const t = sim.call({ context: 'ivr', exten: 's', digits: ['1', '1234#'] });
    expect(apps(t)).toEqual(['s,1,Answer()', 's,2,Background(welcome&menu)', '1,1,Read(PIN,enter-pin,4)', '1,2,GotoIf(1,ok,bad)', '1,3,Hangup(16)', 'h,1,NoOp(end )']);
    expect([t.ended, t.result.cause, t.vars.PIN, t.vars.READSTATUS, t.played]).toEqual(['hangup', 16, '1234', 'OK', ['welcome', 'menu', 'enter-pin']]);
  });

  it('no input: WaitExten times out to t, then h runs', () => {
    const t = sim.call({ context: 'ivr', exten: 's' });
    expect(t.steps.map((s) => `${s.exten},${s.priority}`)).toEqual(['s,1', 's,2', 's,3', 't,1', 't,2', 'h,1']);
    expect(t.played).toEqual(['welcome', 'menu', 'goodbye']);
    expect(names().filter((n) => ['Newchannel', 'Newstate', 'Hangup'].includes(n))).toEqual(['Newchannel', 'Newstate', 'Hangup']);
  });

  it('an unknown digit goes to i with INVALID_EXTEN; an empty answer lets Background play through', () => {
    const t = sim.call({ context: 'ivr', exten: 's', digits: ['9', '', '1', ''] });
    expect(t.steps.map((s) => `${s.exten},${s.priority}`)).toEqual(['s,1', 's,2', 'i,1', 'i,2', 's,2', 's,3', '1,1', '1,2', '1,4', 'h,1']);
    expect([t.vars.INVALID_EXTEN, t.vars.READSTATUS, t.result.cause, t.steps.at(-1)?.args]).toEqual(['9', 'TIMEOUT', 21, ['end 9']]);
  });

  it('stops a dialplan loop at 500 steps and throws on an application without a model', () => {
    const t = sim.call({ context: 'loop', exten: 's' });
    expect([t.ended, t.steps.length]).toEqual(['loop', 500]);
    expect(() => sim.call({ context: 'unknown-app', exten: 's' })).toThrow(/Wait has no argument model/);
  });
});

describe('blocking applications and ExecIf', () => {
  it('Dial rings a registered PJSIP endpoint and the call waits there; DIALSTATUS goes on to VoiceMail', () => {
    const t = sim.call({ context: 'apps', exten: '10' });
    expect([t.ended, t.result.dial, sim.state.endpointChannels('t2-6101').length]).toEqual(['dial', 'PJSIP/t2-6101', 1]);
    expect(field(events.find((e) => e.name === 'DialBegin'), 'DialString')).toBe('t2-6101');
    t.hangup();
    expect(sim.state.endpointChannels('t2-6101')).toEqual([]);
    const vm = sim.call({ context: 'apps', exten: '10', dialStatus: 'NOANSWER' });
    expect([vm.ended, vm.vars.DIALSTATUS, vm.result.mailbox, vm.channel?.state]).toEqual(['voicemail', 'NOANSWER', '6101@default', 6]);
    vm.hangup();
  });

  it('Dial to endpoints without a contact is CHANUNAVAIL and the dialplan continues', () => {
    const t = sim.call({ context: 'apps', exten: '11' });
    expect([t.ended, t.steps[1]?.args, t.result.conference]).toEqual(['confbridge', ['CHANUNAVAIL'], '8600']);
    t.hangup();
  });

  it('ExecIf runs the true or the false application', () => {
    expect(sim.call({ context: 'apps', exten: '12' }).vars.X).toBe('yes');
    expect(sim.call({ context: 'apps', exten: '13' }).vars.X).toBe('no');
  });
});

describe('queues through the generated dialplan (plugins/queues golden files)', () => {
  const member = (iface: string) => sim.state.queues.get('t2-ussales')?.members.find((m) => m.iface === iface);

  it('*45600 logs a phone in as a dynamic member (QueueMemberAdded); a static member is MEMBERALREADY', () => {
    const t = sim.call({ from: { endpoint: 't2-6103' }, exten: '*45600' });
    expect(apps(t)).toEqual(['*45600,1,Set(ACM_AGENT,PJSIP/t2-6103)', '*45600,2,AddQueueMember(t2-ussales,PJSIP/t2-6103)', '*45600,3,Playback(agent-loginok)', '*45600,4,Hangup()']);
    expect([t.vars.AQMSTATUS, member('PJSIP/t2-6103')?.membership]).toEqual(['ADDED', 'dynamic']);
    const added = events.find((e) => e.name === 'QueueMemberAdded');
    expect([field(added, 'Queue'), field(added, 'Interface'), field(added, 'Membership')]).toEqual(['t2-ussales', 'PJSIP/t2-6103', 'dynamic']);
    events = [];
    const again = sim.call({ from: { endpoint: 't2-6101' }, exten: '*45600' });
    expect([again.vars.AQMSTATUS, names().includes('QueueMemberAdded')]).toEqual(['MEMBERALREADY', false]);
  });

  it('*46600 removes the dynamic member; a static one stays (NOTDYNAMIC); *471 pauses with a reason everywhere', () => {
    expect(sim.call({ from: { endpoint: 't2-6103' }, exten: '*46600' }).vars.RQMSTATUS).toBe('REMOVED');
    expect(member('PJSIP/t2-6103')).toBeUndefined();
    expect(sim.call({ from: { endpoint: 't2-6101' }, exten: '*46600' }).vars.RQMSTATUS).toBe('NOTDYNAMIC');
    events = [];
    const p = sim.call({ from: { endpoint: 't2-6101' }, exten: '*471' });
    expect(p.vars.PQMSTATUS).toBe('PAUSED');
    const pause = events.find((e) => e.name === 'QueueMemberPause');
    expect([field(pause, 'Paused'), field(pause, 'PausedReason'), member('PJSIP/t2-6101')?.paused]).toEqual(['1', 'lunch', 1]);
    expect(sim.call({ from: { endpoint: 't2-6101' }, exten: '*48' }).vars.UPQMSTATUS).toBe('UNPAUSED');
    expect(member('PJSIP/t2-6101')?.paused).toBe(0);
  });

  it('600 from the trunk joins t2-ussales (QueueCallerJoin after its Newexten) and rings the members (ringall)', () => {
    const t = sim.call({ from: { trunk: 't2-telnyx' }, exten: '600', callerId: { num: '5550001', name: 'Caller A' } });
    expect([t.ended, t.result, apps(t)]).toEqual(['queue', { queue: 't2-ussales', position: 1 }, ['600,1,NoOp(acm queue t2-ussales)', '600,2,Queue(t2-ussales)']]);
    expect(names().filter((n) => n !== 'DeviceStateChange').slice(0, 4)).toEqual(['Newchannel', 'Newexten', 'Newexten', 'QueueCallerJoin']);
    const join = events.find((e) => e.name === 'QueueCallerJoin');
    expect([field(join, 'Channel')?.startsWith('PJSIP/t2-telnyx-'), field(join, 'Context'), field(join, 'Exten'), field(join, 'Priority'), field(join, 'Count')]).toEqual([true, 't2-from-telnyx', '600', '2', '1']);
    expect(events.filter((e) => e.name === 'AgentCalled').map((e) => field(e, 'Interface')).sort()).toEqual(['PJSIP/t2-6101', 'PJSIP/t2-6102']);
    // The recorded Newexten carries the channel fields, then Extension, Application, AppData.
    const queueExten = events.find((e) => e.name === 'Newexten' && field(e, 'Application') === 'Queue')!;
    expect(queueExten.fields.map(([k]) => k)).toEqual(recordedFields('Newexten', 'Queue'));
    expect(field(queueExten, 'AppData')).toBe('t2-ussales');
    events = [];
    t.hangup();
    expect(names().filter((n) => n.startsWith('QueueCaller') || n === 'Hangup')).toEqual(['QueueCallerAbandon', 'QueueCallerLeave', 'Hangup', 'Hangup', 'Hangup']);
    expect(sim.state.queues.get('t2-ussales')?.entries).toEqual([]);
  });

  it('601 does not join t2-support (joinempty = strict, its members are invalid): QUEUESTATUS=JOINEMPTY, on to Hangup', () => {
    const t = sim.call({ from: { trunk: 't2-telnyx' }, exten: '601' });
    expect([t.ended, t.vars.QUEUESTATUS, t.steps.map((s) => s.app), names().includes('QueueCallerJoin')]).toEqual(['hangup', 'JOINEMPTY', ['NoOp', 'Queue', 'Hangup'], false]);
  });
});

/** Header names of the first recorded event `name` with that Application (ami-ev-queue-call.txt), without the envelope. */
function recordedFields(name: string, app: string): string[] {
  const text = fs.readFileSync(path.join(import.meta.dirname, '../../../tests/fixtures/asterisk20/ami-ev-queue-call.txt'), 'utf8');
  const block = text.split(/\r?\n\r?\n/).find((b) => b.startsWith(`Event: ${name}`) && b.includes(`Application: ${app}`))!;
  return block.split(/\r?\n/).map((l) => l.slice(0, l.indexOf(':'))).filter((k) => !['Event', 'Privilege', 'Timestamp', 'SystemName'].includes(k));
}
