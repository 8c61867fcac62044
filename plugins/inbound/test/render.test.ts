import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenDir } from '../../../sdk/testing/golden.ts';
import { dialledNumber, dialplanArgumentProblems, parseDialplanPriorities, runPriority, type DialplanPriority } from '../../../sdk/testing/sim/app-args.ts';
import { oneOffSeconds, openCondition, weekdaySpec, yearlyCondition } from '../hours-time.ts';
import { mailboxFile, renderMailboxes } from '../mailboxes.ts';
import { inboundFile, renderInbound } from '../render.ts';
import { inboundValidator } from '../validate.ts';
import { data, extras, lookups, NOW, snapshot } from './fixture.ts';

const golden = goldenDir(join(import.meta.dirname, 'golden'));

describe('business hours as GotoIfTime sees them', () => {
  it('days as ranges of consecutive days, the end minute inclusive as ast_build_timing reads it', () => {
    expect(weekdaySpec(['mon', 'tue', 'wed', 'thu', 'fri'])).toBe('mon-fri');
    expect(weekdaySpec(['sun', 'mon', 'wed', 'thu'])).toBe('mon&wed-thu&sun');
    expect(weekdaySpec(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).toBe('*');
    // `to` is exclusive in acm, Asterisk's range includes its last minute: 17:30 closes at 17:29:59.
    expect(openCondition({ days: ['mon'], from: '09:00', to: '17:30' }, 'Europe/London')).toBe('09:00-17:29,mon,*,*,Europe/London');
    expect(openCondition({ days: ['sat'], from: '10:00', to: '24:00' }, 'UTC')).toBe('10:00-23:59,sat,*,*,UTC');
    expect(yearlyCondition({ date: '12-25', name: 'x' }, 'UTC')).toBe('*,*,25,dec,UTC');
  });

  it('one-off holidays are the site\'s local day in epoch seconds, DST days included', () => {
    expect(oneOffSeconds('2027-01-01', 'America/New_York')).toEqual({ from: Date.UTC(2027, 0, 1, 5) / 1000, to: Date.UTC(2027, 0, 2, 5) / 1000 });
    // 2027-03-14: New York springs forward, the day has 23 hours; 2027-11-07 falls back, 25.
    const spring = oneOffSeconds('2027-03-14', 'America/New_York');
    expect([spring.from, spring.to - spring.from]).toEqual([Date.UTC(2027, 2, 14, 5) / 1000, 23 * 3600]);
    const fall = oneOffSeconds('2027-11-07', 'America/New_York');
    expect(fall.to - fall.from).toBe(25 * 3600);
    expect(oneOffSeconds('2027-06-01', 'Asia/Tokyo').from).toBe(Date.UTC(2027, 4, 31, 15) / 1000);
  });
});

describe('inbound rendering', () => {
  it('declares one dialplan file the core verifies (pbx_config)', () => {
    const { render: _r, note: _n, ...decl } = inboundFile(async () => data());
    expect(decl).toEqual({ name: 'acm/extensions-inbound.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf' });
  });

  it('renders hours, menus and routes for the default and a hosted tenant (golden)', () => {
    golden('extensions-inbound.conf', renderInbound(snapshot(), data(), NOW));
    golden('extensions-inbound.t2.conf', renderInbound(snapshot(2, null), data(2), NOW));
  });

  it('renders the hours routes and menus reach, holidays before the open rules, in the site\'s timezone', () => {
    const plan = renderInbound(snapshot(), data(), NOW);
    const office = parseDialplanPriorities(plan).filter((p) => p.context === 'hours-office' && p.exten === 's').map((p) => `${p.app}(${p.data})`);
    expect(office).toEqual([
      'NoOp(acm hours office)',
      'GotoIfTime(*,*,25,dec,America/New_York?holiday,1)',
      `GotoIf($[\${EPOCH} >= ${Date.UTC(2027, 0, 1, 5) / 1000} & \${EPOCH} < ${Date.UTC(2027, 0, 2, 5) / 1000}]?holiday,1)`,
      'GotoIfTime(09:00-17:29,mon-fri,*,*,America/New_York?open,1)',
      'GotoIfTime(10:00-23:59,sat,*,*,America/New_York?open,1)',
      'Goto(closed,1)',
    ]);
    expect(plan).not.toContain('[hours-unused]');
    expect(plan).toContain('[hours-always]\nexten => s,1,NoOp(acm hours always)\n same => n,Goto(open,1)\nexten => open,1,Goto(internal,6101,1)\n');
    // Without a site timezone: UTC.
    expect(renderInbound(snapshot(2, null), data(2), NOW)).toContain('GotoIfTime(09:00-17:29,mon-fri,*,*,UTC?open,1)');
  });

  it('routes each trunk\'s DIDs from the context its calls land in, the catch-all never into internal', () => {
    const plan = renderInbound(snapshot(2), data(2), NOW);
    expect(plan).toContain('[t2-from-telnyx]\ninclude => t2-inbound-TELNYX-1\n');
    expect(plan).toContain('[t2-from-bw]\ninclude => t2-inbound-BW\n');
    expect(plan).toContain('[t2-internal]\ninclude => t2-inbound-LEGACY\n');
    const prios = parseDialplanPriorities(plan);
    const extens = (ctx: string) => [...new Set(prios.filter((p) => p.context === ctx).map((p) => p.exten))];
    // TELNYX-1 has its own catch-all (route 4), which wins over the every-trunk one (route 3).
    expect(extens('t2-inbound-TELNYX-1')).toEqual(['+15551230000', '15551230001', '_X.', '_+X.', 's']);
    expect(prios.filter((p) => p.context === 't2-inbound-TELNYX-1' && p.exten === 's').map((p) => p.data))
      .toEqual(['acm inbound route 4', 'CALLERID(name)=TX -${FILTER(- A-Za-z0-9._\',${CALLERID(name)})}', 't2-internal,6102,1']);
    expect(extens('t2-inbound-BW')).toEqual(['15551230001', '_X.', '_+X.', 's']);
    expect(extens('t2-inbound-LEGACY')).toEqual(['15551230001']);
    expect(plan).toContain('; route 3: no catch-all, the trunk\'s calls land in t2-internal');
  });

  it('an IVR menu plays its prompt, takes digits, retries and direct-dials extensions only', () => {
    const plan = renderInbound(snapshot(2), data(2), NOW);
    const main = parseDialplanPriorities(plan).filter((p) => p.context === 't2-ivr-main').map((p) => `${p.exten} ${p.app}(${p.data})`);
    expect(main).toEqual([
      's Set(ACM_IVR_TRIES=0)', 's Answer()', 's Background(custom/welcome)', 's WaitExten(5)',
      '1 Goto(t2-queues,600,1)', '2 Goto(t2-internal,6102,1)', '9 Goto(t2-ivr-sub,s,1)', '* Goto(t2-inbound--dial,+442071234567,1)',
      'i Playback(invalid)', 'i Set(ACM_IVR_TRIES=$[${ACM_IVR_TRIES} + 1])', 'i GotoIf($[${ACM_IVR_TRIES} <= 2]?s,menu)', 'i Goto(t2-inbound--voicemail,6101,1)',
      't Set(ACM_IVR_TRIES=$[${ACM_IVR_TRIES} + 1])', 't GotoIf($[${ACM_IVR_TRIES} <= 2]?s,menu)', 't Goto(t2-internal,6101,1)',
    ]);
    expect(plan).toContain('[t2-ivr-main]\ninclude => t2-ivr--direct\n');
    expect(plan).not.toMatch(/\[t2-ivr-sub\]\ninclude/);
    expect(plan).toContain('[t2-ivr--direct]\nexten => 6101,1,Goto(t2-internal,6101,1)\nexten => 6102,1,Goto(t2-internal,6102,1)\n');
    expect(plan).toContain('[t2-inbound--voicemail]\nexten => 6101,1,VoiceMail(6101@t2-default,u)\n');
    expect(plan).toContain('[t2-inbound--dial]\ninclude => t2-internal\ninclude => t2-local\ninclude => t2-longdistance\ninclude => t2-international\n');
  });

  it('gives every application exactly the arguments meant, whatever the caller sends as name, number or digits', () => {
    const plan = renderInbound(snapshot(2), data(2), NOW);
    const chan = (name: string, tail: string) => (p: DialplanPriority) => ({
      exten: dialledNumber(p.exten, tail), endpoint: 't2-TELNYX-1', callerId: { num: name, name },
      vars: { ACM_IVR_TRIES: '1', EPOCH: String(NOW.getTime() / 1000) },
    });
    expect(dialplanArgumentProblems(plan, chan('Alice', '123'), chan('Bob', '456'), chan('1,s)x${SHELL(id)}"\\', '1,2)@x&y'))).toEqual([]);
    // The only caller data in the file: the name behind the prefix, filtered.
    expect(plan.match(/\$\{(CALLERID|EXTEN|CONNECTEDLINE)[^}]*\}/g)).toEqual(Array(4).fill('${CALLERID(name)}'));
    expect(plan.match(/Set\(CALLERID\(name\)=.*/g)).toEqual([
      ...Array(1).fill('Set(CALLERID(name)=Sales${FILTER(- A-Za-z0-9._\',${CALLERID(name)})})'),
      ...Array(3).fill('Set(CALLERID(name)=TX -${FILTER(- A-Za-z0-9._\',${CALLERID(name)})})'),
    ]);
    const set = runPriority({ app: 'Set', data: 'CALLERID(name)=Sales${FILTER(- A-Za-z0-9._\',${CALLERID(name)})}' }, { exten: 's', callerId: { name: 'Jean-Luc O\'Brien, ${x}' } });
    expect(set.args).toEqual(['CALLERID(name)', 'SalesJean-Luc O\'Brien x']);
  });

  it('refuses to render a destination that is gone, naming the object; the commit validator names it first', async () => {
    const d = data();
    d.ivrs = d.ivrs.filter((i) => i.name !== 'sub');
    expect(() => renderInbound(snapshot(), d, NOW)).toThrow('IVR main (digit 9): IVR 2 is not on cluster tpa1');
    const problems = await inboundValidator(async () => d, lookups).validate(snapshot());
    expect(problems.filter((p) => p.severity === 'error')).toEqual([{ object: 'IVR main', field: 'options.2.destination', message: 'the destination is gone: IVR 2 is not on cluster tpa1', severity: 'error' }]);
  });

  it('the validator: a catch-all on a trunk landing in internal, and trunks sharing a context', async () => {
    const s = snapshot();
    const d = data();
    d.routes = [...d.routes, { ...d.routes[3]!, id: 5, trunkId: 3 }];
    const shared = { ...s, trunks: [...s.trunks, { ...s.trunks[0]!, id: 4, name: 'TELNYX-2' }] };
    const problems = await inboundValidator(async () => d, lookups).validate(shared);
    expect(problems.map((p) => [p.object, p.field, p.severity, p.message.split(':')[0]])).toEqual([
      ['inbound route 1 (DID +15551230000)', 'trunkId', 'error', 'trunk TELNYX-1 shares the context from-telnyx with trunk TELNYX-2'],
      ['inbound route 4 (catch-all)', 'trunkId', 'error', 'trunk TELNYX-1 shares the context from-telnyx with trunk TELNYX-2'],
      ['inbound route 5 (catch-all)', 'did', 'error', 'trunk LEGACY has no context of its own'],
    ]);
    expect((await inboundValidator(async () => data(), lookups).validate(s)).map((p) => [p.object, p.severity])).toEqual([['inbound route 3 (catch-all)', 'warning']]);
    expect((await inboundValidator(async () => data(), lookups).validate(snapshot(1, 'Mars/Olympus'))).filter((p) => p.severity === 'error'))
      .toEqual([{ object: 'site tampa', field: 'timezone', severity: 'error', message: '"Mars/Olympus" is not an IANA time zone; business hours need one' }]);
    // A group whose context is an IVR's: pbx_config would merge the two.
    const clash = { ...s, groups: [{ id: 1, tenantId: 1, name: 'sales', context: 'ivr-main' }] };
    expect((await inboundValidator(async () => data(), lookups).validate(clash)).filter((p) => p.severity === 'error'))
      .toEqual([{ object: 'group sales', field: 'context', severity: 'error', message: 'the context ivr-main is the one acm renders for IVR main; name another' }]);
  });
});

describe('announcements, conference rooms, group mailboxes and hours per queue', () => {
  it('renders them for the default and a hosted tenant (golden)', () => {
    golden('extensions-inbound.extras.conf', renderInbound(snapshot(), extras(), NOW));
    golden('extensions-inbound.extras.t2.conf', renderInbound(snapshot(2), extras(2), NOW));
    golden('voicemail-inbound.conf', renderMailboxes(snapshot(), extras().mailboxes));
    golden('voicemail-inbound.t2.conf', renderMailboxes(snapshot(2), extras(2).mailboxes));
  });

  it('declares the voicemail file for voicemail.conf (the core verifies app_voicemail)', () => {
    const { render: _r, note: _n, ...decl } = mailboxFile(async () => []);
    expect(decl).toEqual({ name: 'acm/voicemail-inbound.conf', reload: 'app_voicemail.so', includeFrom: 'voicemail.conf' });
  });

  it('an announcement answers or gives early media, plays its prompt `repeat` times, then its destination', () => {
    const plan = parseDialplanPriorities(renderInbound(snapshot(2), extras(2), NOW));
    const ctx = (c: string) => plan.filter((p) => p.context === c).map((p) => `${p.exten} ${p.app}(${p.data})`);
    expect(ctx('t2-announce-closed')).toEqual([
      's NoOp(acm announcement closed)', 's Answer()', 's Playback(custom/closed)', 's Playback(custom/closed)', 's Goto(t2-inbound--groupvm,6001,1)',
    ]);
    expect(ctx('t2-announce-merry-christmas')).toEqual(['s NoOp(acm announcement merry-christmas)', 's Progress()', 's Playback(custom/xmas,noanswer)', 's Hangup()']);
  });

  it('a queue with hours of its own goes through them, from routes and menus; the hours reach the queue itself', () => {
    const plan = parseDialplanPriorities(renderInbound(snapshot(2), extras(2), NOW));
    const at = (c: string, e: string) => plan.filter((p) => p.context === c && p.exten === e).map((p) => `${p.app}(${p.data})`);
    expect(at('t2-inbound-BW', '15551230005')).toEqual(['NoOp(acm inbound route 5)', 'Goto(t2-hours-support,s,1)']);
    expect(at('t2-ivr-sub', '5')).toEqual(['Goto(t2-hours-support,s,1)']);
    expect(at('t2-hours-support', 'open')).toEqual(['Goto(t2-queues,602,1)']);
    expect(at('t2-hours-support', 'closed')).toEqual(['Goto(t2-announce-closed,s,1)']);
    // Queue 1 has no hours: straight to it.
    expect(at('t2-ivr-main', '1')).toEqual(['Goto(t2-queues,600,1)']);
    expect(at('t2-ivr-sub', '8')).toEqual(['Goto(t2-conferences,8600,1)']);
  });

  it('group mailboxes: VoiceMail of the destinations, *98<box> for every box from internal, boxes in the plugin\'s own voicemail context', () => {
    const text = renderInbound(snapshot(2), extras(2), NOW);
    expect(text).toContain('[t2-inbound--groupvm]\nexten => 6001,1,VoiceMail(6001@t2-groups,u)\n same => n,Hangup()\n\n');
    expect(text).toContain('[t2-inbound--groupvm-main]\nexten => *9860,1,VoiceMailMain(60@t2-groups)\n same => n,Hangup()\nexten => *986001,1,VoiceMailMain(6001@t2-groups)\n');
    expect(text).toMatch(/\[t2-internal\]\ninclude => t2-inbound-LEGACY\ninclude => t2-inbound--groupvm-main\n$/);
    const vm = renderMailboxes(snapshot(2), extras(2).mailboxes);
    expect(vm).toContain('[t2-groups]\n; group mailbox 60 (id 2)\n60 => 9876,Sales\n; group mailbox 6001 (id 1) of queue 2\n6001 => 4711,Support team,support@example.com|lead@example.com\n');
    // Only mailboxes render nothing else: the file is not empty for them alone.
    const only = { ...data(2), routes: [], ivrs: [], hours: [], mailboxes: extras(2).mailboxes };
    expect(renderInbound(snapshot(2), only, NOW)).toContain('[t2-internal]\ninclude => t2-inbound--groupvm-main\n');
    expect(renderMailboxes({ ...snapshot(2), cluster: { ...snapshot(2).cluster, id: 8 } }, extras(2).mailboxes)).toBe('');
  });

  it('refuses to render a stored mailbox whose name, email or PIN would add a field', () => {
    const [m] = extras().mailboxes;
    for (const bad of [{ name: 'A, B' }, { name: 'A|B' }, { emails: ['a@example.com|b@example.com'] }, { emails: ['a@example.com,x'] }, { pin: '12,3' }, { number: '60,1' }]) {
      expect(() => renderMailboxes(snapshot(), [{ ...m!, ...bad }]), JSON.stringify(bad)).toThrow(/cannot go into voicemail.conf/);
    }
  });

  it('gives every application exactly the arguments meant', () => {
    const plan = renderInbound(snapshot(2), extras(2), NOW);
    const chan = (name: string, tail: string) => (p: DialplanPriority) => ({
      exten: dialledNumber(p.exten, tail), endpoint: 't2-TELNYX-1', callerId: { num: name, name },
      vars: { ACM_IVR_TRIES: '1', EPOCH: String(NOW.getTime() / 1000) },
    });
    expect(dialplanArgumentProblems(plan, chan('Alice', '123'), chan('Bob', '456'), chan('1,s)x${SHELL(id)}"\\', '1,2)@x&y'))).toEqual([]);
  });

  it('the validator: a deleted announcement, room or mailbox, and an extension mailbox in the groups context', async () => {
    const d = extras();
    const gone = { ...d, announcements: d.announcements.filter((a) => a.id !== 1), rooms: new Map(), mailboxes: d.mailboxes.filter((m) => m.id !== 1) };
    const s = snapshot();
    const clash = { ...s, extensions: [...s.extensions, { ...s.extensions[0]!, id: 13, extension: '6103', mailbox: '6103@groups' }] };
    const problems = (await inboundValidator(async () => gone, lookups).validate(clash)).filter((p) => p.severity === 'error');
    expect(problems).toEqual([
      { object: 'business hours support', field: 'destinations.closed', severity: 'error', message: 'the destination is gone: announcement 1 is not on cluster tpa1' },
      { object: 'IVR sub', field: 'options.2.destination', severity: 'error', message: 'the destination is gone: conference room 3 is not on cluster tpa1 (or the conference plugin does not run)' },
      { object: 'extension 6103', field: 'mailbox', severity: 'error', message: 'the voicemail context groups is the one acm renders for group mailboxes; name another' },
    ]);
    const noBox = { ...d, mailboxes: d.mailboxes.filter((m) => m.id !== 1) };
    expect((await inboundValidator(async () => noBox, lookups).validate(s)).filter((p) => p.severity === 'error'))
      .toEqual([{ object: 'announcement closed', field: 'then', severity: 'error', message: 'the destination is gone: group mailbox 1 is not on cluster tpa1' }]);
  });
});
