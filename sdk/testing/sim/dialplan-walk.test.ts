import { describe, expect, it } from 'vitest';
import { mapSource } from './config-parser.ts';
import { Dialplan } from './dialplan.ts';
import { checkTiming, walkCall } from './dialplan-walk.ts';

/** The outcomes a real Asterisk 20.20.1 gave at these instants (tests/fixtures/asterisk20/oracle-inbound.txt). */
describe('GotoIfTime as ast_check_timing2 decides', () => {
  const open = '09:00-17:29,mon-fri,*,*,America/New_York';
  const at = (iso: string) => new Date(iso);
  it('times include their last minute, in the condition\'s timezone', () => {
    expect(checkTiming(open, at('2026-12-02T15:00:00Z'))).toBe(true); // Wed 10:00 EST
    expect(checkTiming(open, at('2026-12-02T22:29:00Z'))).toBe(true); // 17:29
    expect(checkTiming(open, at('2026-12-02T22:30:00Z'))).toBe(false); // 17:30
    expect(checkTiming(open, at('2026-12-02T13:59:00Z'))).toBe(false); // 08:59 EST, 13:59 UTC
    expect(checkTiming('10:00-23:59,sat,*,*,America/New_York', at('2026-12-06T04:59:00Z'))).toBe(true); // Sat 23:59 EST
    expect(checkTiming(open, at('2026-12-06T15:00:00Z'))).toBe(false); // Sunday
    expect(checkTiming('*,*,25,dec,America/New_York', at('2026-12-25T15:00:00Z'))).toBe(true);
  });
  it('ranges wrap (sat-mon, 22:00-02:00) and & lists add up', () => {
    expect(checkTiming('*,sat-mon,*,*', at('2026-12-06T12:00:00Z'))).toBe(true); // Sunday
    expect(checkTiming('*,sat-mon,*,*', at('2026-12-08T12:00:00Z'))).toBe(false); // Tuesday
    expect(checkTiming('22:00-02:00,*,*,*', at('2026-12-08T01:30:00Z'))).toBe(true);
    expect(checkTiming('22:00-02:00,*,*,*', at('2026-12-08T02:01:00Z'))).toBe(false);
    expect(checkTiming('*,*,1&15,jan&jul', at('2027-07-15T12:00:00Z'))).toBe(true);
    expect(checkTiming('*,*,1&15,jan&jul', at('2027-07-16T12:00:00Z'))).toBe(false);
  });
});

describe('a call walked through the loaded dialplan', () => {
  const dp = new Dialplan();
  dp.reload(mapSource({
    'extensions.conf': [
      '[from-trunk]', 'include => routes',
      '[routes]', 'exten => 5550,1,Set(CALLERID(name)=VIP ${CALLERID(name)})', ' same => n,NoOp(${CALLERID(name)})', ' same => n,Goto(hours,s,1)',
      '[hours]', 'exten => s,1,GotoIfTime(09:00-16:59,mon-fri,*,*,Europe/London?menu,s,1)', ' same => n,VoiceMail(100@default,u)',
      '[menu]', 'include => direct',
      'exten => s,1,Set(TRIES=0)', ' same => n(again),Background(custom/hello)', ' same => n,WaitExten(5)',
      'exten => 1,1,Queue(sales)', 'exten => i,1,Set(TRIES=$[${TRIES} + 1])', ' same => n,GotoIf($[${TRIES} <= 1]?s,again)', ' same => n,Hangup()',
      'exten => t,1,Hangup(16)',
      '[direct]', 'exten => 6101,1,Dial(PJSIP/6101,20)',
    ].join('\n'),
  }));
  const end = (steps: { app: string; data: string }[]) => `${steps.at(-1)!.app}(${steps.at(-1)!.data})`;
  const wed = (hhmm: string) => new Date(`2026-12-02T${hhmm}:00Z`);

  it('follows includes, the clock and the digits to where the call ends', () => {
    expect(end(walkCall(dp, 'from-trunk', '5550', { now: wed('10:00'), digits: ['1'] }))).toBe('Queue(sales)');
    expect(end(walkCall(dp, 'from-trunk', '5550', { now: wed('17:00') }))).toBe('VoiceMail(100@default,u)');
    // Found through `include => direct`: the channel stays in menu.
    const direct = walkCall(dp, 'from-trunk', '5550', { now: wed('10:00'), digits: ['6101'] });
    expect(direct.at(-1)).toMatchObject({ context: 'menu', exten: '6101', app: 'Dial' });
    expect(end(walkCall(dp, 'from-trunk', '5550', { now: wed('10:00'), digits: [''] }))).toBe('Hangup(16)');
  });

  it('counts tries in channel variables and sets the caller\'s name', () => {
    const steps = walkCall(dp, 'from-trunk', '5550', { now: wed('10:00'), digits: ['7', '8'], callerId: { name: 'Ann' } });
    expect(steps.filter((s) => s.exten === 'i' && s.app === 'Set').map((s) => s.data)).toEqual(['TRIES=1', 'TRIES=2']);
    expect(end(steps)).toBe('Hangup()');
    expect(steps[1]).toMatchObject({ app: 'NoOp', data: 'VIP Ann' });
  });
});
