import { describe, expect, it } from 'vitest';
import { fixture } from '../../../tests/asterisk/helpers.ts';
import { applicationArgs, filterChars, parseDialplanPriorities, runPriority, separateArgs, substitute } from './app-args.ts';
import { evaluateExpression } from './substitute.ts';

/** The `*97` line of a recording's `dialplan show` and the caller ID the Originate set. */
function recordedCase(name: string) {
  const notes = fixture(`${name}.notes.txt`);
  const shown = /'\*97' =>\s+1\. (.*?)\s+\[extensions\.conf:\d+\]/.exec(notes)![1]!;
  const [p] = parseDialplanPriorities(`[from-internal]\nexten => *97,1,${shown}`);
  const events = fixture(`${name}.txt`).split('\r\n\r\n').concat(fixture(`${name}.txt`).split('\n\n'));
  const newexten = events.find((e) => /Event: Newexten/.test(e) && /Application: VoiceMailMain/.test(e))!;
  return { app: p!.app, data: p!.data, appData: /AppData: (.*)/.exec(newexten)![1]!.trim() };
}

describe('the recorded argument split (FACTS 9)', () => {
  const chan = { exten: '*97', callerId: { num: '1003,s', name: 'Eve' } };

  it('unfiltered: AppData 1003,s@default, so mailbox 1003 with option s (no password)', () => {
    const rec = recordedCase('ami-ev-callerid-argument-split');
    expect(rec).toEqual({ app: 'VoiceMailMain', data: '${CALLERID(num)}@default', appData: '1003,s@default' });
    const run = runPriority(rec, chan);
    expect(run.appData).toBe(rec.appData);
    expect(run.args).toEqual(['1003', 's@default']);
  });

  it('with FILTER(0-9,…): AppData 1003@default, one argument, the password prompt plays', () => {
    const rec = recordedCase('ami-ev-callerid-argument-split-filter');
    expect(rec).toEqual({ app: 'VoiceMailMain', data: '${FILTER(0-9,${CALLERID(num)})}@default', appData: '1003@default' });
    const run = runPriority(rec, chan);
    expect(run.appData).toBe(rec.appData);
    expect(run.args).toEqual(['1003@default']);
  });
});

describe('__ast_app_separate_args', () => {
  it('splits on commas outside (), [] and quotes; drops quotes and backslashes', () => {
    expect(separateArgs('a,b,c', 4)).toEqual(['a', 'b', 'c']);
    expect(separateArgs('PJSIP/x,20,D(1,2)', 4)).toEqual(['PJSIP/x', '20', 'D(1,2)']);
    expect(separateArgs('a[1,2],b', 4)).toEqual(['a[1,2]', 'b']);
    expect(separateArgs('"a,b",c', 4)).toEqual(['a,b', 'c']);
    expect(separateArgs('a\\,b,c', 4)).toEqual(['a,b', 'c']);
    expect(separateArgs('a\\,b,"c"', 4, { raw: true })).toEqual(['a\\,b', '"c"']);
  });
  it('an unbalanced ( or " swallows every later comma', () => {
    expect(separateArgs('a(,b,c', 4)).toEqual(['a(,b,c']);
    expect(separateArgs('a),b', 4)).toEqual(['a)', 'b']);
    expect(separateArgs('"a,b', 4)).toEqual(['a,b']);
  });
  it('the last slot takes the unsplit, unprocessed rest; a trailing comma adds an empty argument', () => {
    expect(separateArgs('1003,s,"x",y', 2)).toEqual(['1003', 's,"x",y']);
    expect(separateArgs('a,', 4)).toEqual(['a', '']);
    expect(separateArgs(',', 4)).toEqual(['', '']);
    expect(separateArgs('', 4)).toEqual([]);
    expect(separateArgs('a,b', 1)).toEqual(['a,b']);
  });
  it('other applications: Goto and GotoIf use strsep, Set splits at the first =', () => {
    expect(applicationArgs('GotoIf', '1?busy:done')).toEqual(['1', 'busy', 'done']);
    expect(applicationArgs('GotoIf', '0?open')).toEqual(['0', 'open', '']);
    expect(applicationArgs('Goto', 'ctx,100,1,x')).toEqual(['ctx', '100', '1']);
    expect(applicationArgs('Set', 'A=b=c,d')).toEqual(['A', 'b=c,d']);
    expect(applicationArgs('GotoIfTime', '09:00-17:29,mon-fri,*,*,Europe/London?open,1')).toEqual(['09:00-17:29,mon-fri,*,*,Europe/London', 'open,1', '']);
    expect(applicationArgs('Background', 'custom/welcome,n,,x')).toEqual(['custom/welcome', 'n', '', 'x']);
    expect(applicationArgs('WaitExten', '5')).toEqual(['5']);
    expect(() => applicationArgs('System', 'id')).toThrow(/no argument model/);
  });
});

describe('substitution (before the split)', () => {
  const chan = { exten: '9011442071234567', context: 'internal', callerId: { num: '6101', name: 'Alice' }, vars: { DIALSTATUS: 'BUSY' }, db: { 'acm-conference/800': 'open' } };
  it('variables, offsets and functions', () => {
    expect(substitute('PJSIP/${EXTEN:1}@carrier-a', chan)).toBe('PJSIP/011442071234567@carrier-a');
    expect(substitute('${EXTEN:-4}|${EXTEN:1:3}|${EXTEN:2:-10}|${EXTEN:99}', chan)).toBe('4567|011|1144|');
    expect(substitute('${CALLERID(num)} ${CALLERID(name)} ${CALLERID(all)}', chan)).toBe('6101 Alice "Alice" <6101>');
    expect(substitute('${UNSET}x${DB(acm-conference/800)}$5', chan)).toBe('xopen$5');
  });
  it('a value is copied, never substituted again', () => {
    const evil = { exten: 's', callerId: { num: '${EXTEN}$[1+1]}' } };
    expect(substitute('<${CALLERID(num)}>', evil)).toBe('<${EXTEN}$[1+1]}>');
    expect(substitute('${FILTER(0-9,${CALLERID(num)})}', { exten: 's', callerId: { num: '1)2,3}4' } })).toBe('1234');
  });
  it('a value with ) and : changes only what FILTER returns, never lets other characters through', () => {
    // parse_variable_name sees `FILTER(0-9,91)x:2)`: the `:` after a balanced `)` is an offset (2 of "91").
    expect(substitute('${FILTER(0-9,${CALLERID(num)})}', { exten: 's', callerId: { num: '91)x:2' } })).toBe('');
    expect(substitute('${FILTER(0-9,${CALLERID(num)})}', { exten: 's', callerId: { num: '1234)x:1:2' } })).toBe('23');
  });
  it('expressions', () => {
    expect(substitute('$["${DIALSTATUS}" = "BUSY"]?busy', chan)).toBe('1?busy');
    expect(evaluateExpression('"CHANUNAVAIL" = "CHANUNAVAIL" | "CHANUNAVAIL" = "CONGESTION"')).toBe('1');
    expect(evaluateExpression('"ANSWER" = "CHANUNAVAIL" | "ANSWER" = "CONGESTION"')).toBe('0');
    expect(evaluateExpression('2 + 1')).toBe('3');
    expect(evaluateExpression('3 < 3')).toBe('0');
    expect(() => evaluateExpression('1 ~ 2')).toThrow();
  });
});

describe('FILTER (func_strings.c)', () => {
  it('ranges, literals and escapes', () => {
    expect(filterChars('0-9', '1003,s')).toBe('1003');
    expect(filterChars('0-9*#+', '+1 (800) 555-0100*#,&@/')).toBe('+18005550100*#');
    expect(filterChars('a\\-z', 'a-b-z')).toBe('a--z');
    expect(filterChars('\\x41-C', 'ABCD')).toBe('ABC');
    expect(filterChars('\\060-\\061', '0123')).toBe('01');
    expect(filterChars('0-9', '١٢٣123é')).toBe('123');
  });
  it('a trailing - is the character itself; a malformed \\x fails the call', () => {
    expect(filterChars('0-', '0-1')).toBe('0');
    expect(filterChars('\\xZ', 'x')).toBeUndefined();
    expect(substitute('[${FILTER(\\xZ,abc)}]', { exten: 's' })).toBe('[]');
  });
});

describe('pbx_config line parsing', () => {
  it('cuts extension, priority, label, application and data (to the last ")")', () => {
    const text = [
      '[internal]', 'exten => _9011.,1,Dial(PJSIP/${EXTEN:1}@carrier-a) ; comment',
      ' same => n(busy),VoiceMail(6101@default,b)', 'exten => 6101,hint,PJSIP/6101', 'exten => [12]00,1,Hangup',
    ].join('\n');
    expect(parseDialplanPriorities(text).map(({ line: _l, ...p }) => p)).toEqual([
      { context: 'internal', exten: '_9011.', priority: '1', label: undefined, app: 'Dial', data: 'PJSIP/${EXTEN:1}@carrier-a' },
      { context: 'internal', exten: '_9011.', priority: 'n', label: 'busy', app: 'VoiceMail', data: '6101@default,b' },
      { context: 'internal', exten: '6101', priority: 'hint', label: undefined, app: 'PJSIP/6101', data: '' },
      { context: 'internal', exten: '[12]00', priority: '1', label: undefined, app: 'Hangup', data: '' },
    ]);
  });
});

describe('pbx_config refusals', () => {
  it('an unclosed [ in the extension swallows the priority and the application', () => {
    const [p] = parseDialplanPriorities('[x]\nexten => _9[,1,Dial(PJSIP/1@t)');
    expect(p).toMatchObject({ exten: '_9[,1,Dial(PJSIP/1@t)', invalid: 'invalid priority ""' });
    expect(parseDialplanPriorities('[x]\nexten => _9[1-3],1,Dial(PJSIP/1@t)')[0]).toMatchObject({ exten: '_9[1-3]', app: 'Dial', data: 'PJSIP/1@t' });
  });
});

describe("acm's FILTER lines on a real Asterisk (oracle-dialplan-filter.txt)", () => {
  const text = fixture('oracle-dialplan-filter.txt');
  const utf8 = Buffer.from(text, 'latin1').toString('utf8');
  const shown = [...utf8.matchAll(/^ {2}'([^']+)' =>\s+1\. (.*?)\s+\[extensions\.acm\.conf:\d+\]$/gm)].map((m) => `exten => ${m[1]},1,${m[2]}`);
  const priorities = {
    'international': parseDialplanPriorities(`[international]\n${shown[0]}`)[0]!,
    'internal': parseDialplanPriorities(`[internal]\n${shown[1]}`)[0]!,
    'international-unfiltered': parseDialplanPriorities('[x]\nexten => _9011.,1,Dial(PJSIP/${EXTEN:1}@carrier-a)')[0]!,
    'internal-unfiltered': parseDialplanPriorities('[x]\nexten => *97,1,VoiceMailMain(${CALLERID(num)}@default)')[0]!,
  } as const;
  const events = utf8.split('\n').filter((l) => l.startsWith('Newexten\t')).map((l) => Object.fromEntries(l.split('\t').slice(1).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)])));

  it('the model substitutes exactly as Asterisk did, filtered and unfiltered', () => {
    expect(events).toHaveLength(4);
    for (const e of events) {
      const p = priorities[e.Context as keyof typeof priorities];
      expect(p.app).toBe(e.Application);
      expect(runPriority(p, { exten: e.Exten!, callerId: { num: e.CallerIDNum } }).appData, e.Context).toBe(e.AppData);
    }
  });
  it('unfiltered, VoiceMailMain took the rest as options, quote included (the last slot is not processed)', () => {
    const e = events.find((x) => x.Context === 'internal-unfiltered')!;
    const [, options] = runPriority(priorities['internal-unfiltered'], { exten: '*97', callerId: { num: e.CallerIDNum } }).args;
    expect(options).toBe('s&"@x${EXTEN}@default');
    const warned = [...utf8.matchAll(/\[C-00000017\] app\.c: Unrecognized option: '(.)'/g)].map((m) => m[1]);
    expect(warned.join('')).toBe('&"@x${EXTEN}@fl');
    // Every other character is an option app_voicemail.c knows (vm_app_options).
    expect([...options!].filter((c) => !'sSbugdpaUPetr'.includes(c)).join('')).toBe(warned.join(''));
  });
});
