import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk, trunkDids } from './index.ts';
import { CallGenerator } from './call-generator.ts';

/**
 * The call generator's inbound calls go through the loaded dialplan: DID 5551000 of the carrier
 * trunk reaches the queue in office hours (GotoIfTime on the simulator's clock) and voicemail
 * outside them; a trunk whose context routes nothing brings no call.
 */
const PHONE = (n: string) => `[${n}]\ntype = endpoint\ncontext = from-internal\naors = ${n}\n\n[${n}]\ntype = aor\nmax_contacts = 1\n`;
const PJSIP = `${PHONE('6101')}\n${PHONE('6102')}\n[carrier]\ntype = endpoint\ncontext = from-carrier\n\n[quiet]\ntype = endpoint\ncontext = from-quiet\n`;
const EXTENSIONS = `[from-internal]
exten => _61XX,1,Dial(PJSIP/\${EXTEN},20)

[from-carrier]
exten => 5551000,1,NoOp(sales line)
 same => n,GotoIfTime(09:00-17:00,mon-fri,*,*?open)
 same => n,VoiceMail(6101@default,u)
 same => n,Hangup()
 same => n(open),Queue(sales)
 same => n,Hangup()
exten => _X.,1,Hangup(1)

[from-quiet]
exten => _X.,1,Hangup()
include => from-nothing
`;

const started = async () => {
  const s = new SimulatedAsterisk();
  await s.start({
    sshPort: -1,
    registrations: { '6101': 'sip:6101@127.0.0.1:5071', '6102': 'sip:6102@127.0.0.1:5072' },
    configFiles: { 'pjsip.conf': PJSIP, 'extensions.conf': EXTENSIONS, 'voicemail.conf': '[default]\n6101 => 1234,Ann\n', 'queues.conf': '[general]\n\n[sales]\nstrategy = ringall\nmember => PJSIP/6101\nmember => PJSIP/6102\n' },
  });
  return s;
};
let sim: SimulatedAsterisk;
beforeAll(async () => { sim = await started(); });
afterAll(async () => { await sim.stop(); });

type Ev = { name: string; fields: Array<[string, string]> };
const get = (e: Ev, k: string) => e.fields.find(([n]) => n === k)?.[1];
const WEDNESDAY_10 = new Date('2026-12-02T10:00:00Z');
const WEDNESDAY_20 = new Date('2026-12-02T20:00:00Z');

/** Runs `steps` steps of a generator on the carrier trunk and answers the events (the generator is stopped after). */
function run(o: { seed: number; at: Date; trunks?: string[]; endpoints?: string[]; steps?: number; before?: (g: CallGenerator) => void }) {
  sim.setClock(o.at);
  const events: Ev[] = [];
  const on = (e: Ev) => events.push(e);
  sim.state.on('ami', on);
  const g = sim.startCallGenerator({ seed: o.seed, endpoints: o.endpoints ?? ['6101', '6102'], trunks: o.trunks ?? ['carrier'], stepMs: 3_600_000 });
  try {
    for (let i = 0; i < (o.steps ?? 200); i++) g.step();
    o.before?.(g);
  } finally {
    g.stop();
    sim.state.off('ami', on);
  }
  return { g, events };
}

describe('the call generator\'s inbound calls through the dialplan', () => {
  it('finds the DIDs of a trunk in its context and the contexts included from it', () => {
    expect(trunkDids(sim.state, 'carrier')).toEqual(['5551000']);
    expect(trunkDids(sim.state, 'quiet')).toEqual([]);
    expect(trunkDids(sim.state, 'nosuch')).toEqual([]);
  });

  it('in office hours the calls to 5551000 join the queue, ring its members and are answered or abandoned', () => {
    // No phones of its own (no registrations, outbound calls or agent changes): the members ring for the queue only.
    const { g, events } = run({
      seed: 5, at: WEDNESDAY_10, endpoints: [],
      // QueueSummary's and `queue show`'s callers are app_queue's entries, the ones the generator's callers joined.
      before: () => {
        const waiting = sim.state.queues.get('sales')!.entries.length;
        expect(sim.ami.cli('queue show sales')?.[0]).toMatch(new RegExp(`^sales has ${waiting} calls`));
      },
    });
    const joins = events.filter((e) => e.name === 'QueueCallerJoin');
    expect(joins.length).toBeGreaterThan(10);
    expect(g.ended).toEqual({ queue: joins.length });
    expect(g.stats.queueCalls).toBe(joins.length);
    expect(joins.every((e) => get(e, 'Queue') === 'sales' && /^PJSIP\/carrier-/.test(get(e, 'Channel')!) && get(e, 'Exten') === '5551000' && get(e, 'Context') === 'from-carrier')).toBe(true);
    // The dialplan ran for each call: Newexten of the GotoIfTime and the Queue priority.
    const first = get(joins[0]!, 'Uniqueid');
    expect(events.filter((e) => e.name === 'Newexten' && get(e, 'Uniqueid') === first).map((e) => get(e, 'Application'))).toEqual(['NoOp', 'GotoIfTime', 'Queue']);
    expect(events.some((e) => e.name === 'MessageWaiting')).toBe(false);
    const seq = (id: string | undefined) => events.filter((e) => get(e, 'Uniqueid') === id && /^(Agent|QueueCaller)/.test(e.name)).map((e) => e.name);
    // ringall: both members ring when both are free; the one that did not answer stops, answered elsewhere.
    const id = joins.map((e) => get(e, 'Uniqueid')).find((u) => seq(u).filter((n) => n === 'AgentCalled').length === 2 && seq(u).includes('AgentConnect'));
    expect(seq(id)).toEqual(['QueueCallerJoin', 'AgentCalled', 'AgentCalled', 'QueueCallerLeave', 'AgentConnect', 'AgentComplete']);
    const loser = events.find((e) => e.name === 'DialEnd' && get(e, 'Uniqueid') === id && get(e, 'DialStatus') === 'CANCEL');
    expect(events.find((e) => e.name === 'Hangup' && get(e, 'Channel') === get(loser!, 'DestChannel'))?.fields.slice(-2)).toEqual([['Cause', '26'], ['Cause-txt', 'Answered elsewhere']]);
    expect(events.some((e) => e.name === 'QueueCallerAbandon')).toBe(true);
    const q = sim.state.queues.get('sales')!;
    expect(q.entries).toEqual([]);
    expect(q.completed + q.abandoned).toBe(joins.length);
    expect(sim.state.channels.size).toBe(0);
  });

  it('out of hours the same DID reaches voicemail: the caller leaves a message (MessageWaiting) and hangs up', () => {
    const { g, events } = run({ seed: 5, at: WEDNESDAY_20 });
    expect(events.some((e) => e.name === 'QueueCallerJoin')).toBe(false);
    const mwi = events.filter((e) => e.name === 'MessageWaiting');
    expect(g.ended).toEqual({ voicemail: mwi.length });
    expect(mwi.length).toBeGreaterThan(10);
    const last = mwi.at(-1)!;
    expect(last.fields.slice(-4)).toEqual([['Mailbox', '6101@default'], ['Waiting', '1'], ['New', String(sim.state.mailboxes.get('6101@default')!.newMsgs)], ['Old', '0']]);
    const hangup = events.find((e) => e.name === 'Hangup' && get(e, 'Uniqueid') === get(last, 'Uniqueid'))!;
    expect([get(hangup, 'Cause'), get(hangup, 'Exten'), get(hangup, 'ChannelStateDesc')]).toEqual(['16', '5551000', 'Up']);
    expect(events.indexOf(hangup)).toBeGreaterThan(events.indexOf(last));
  });

  it('the same seed, configuration and clock give the same events in the same order; another seed others', async () => {
    const names = (r: { events: Ev[] }) => r.events.map((e) => `${e.name}:${get(e, 'Channel') ?? get(e, 'URI') ?? get(e, 'Interface') ?? ''}`.replace(/-[0-9a-f]{8}$/, ''));
    const fresh = async (seed: number) => {
      const main = sim;
      sim = await started();
      try {
        return names(run({ seed, at: WEDNESDAY_10, steps: 150 }));
      } finally {
        await sim.stop();
        sim = main;
      }
    };
    const a = await fresh(11);
    expect(a.filter((n) => n.startsWith('QueueCallerJoin:')).length).toBeGreaterThan(5);
    expect(await fresh(11)).toEqual(a);
    expect(await fresh(12)).not.toEqual(a);
  });

  it('a trunk whose context routes no DID brings no inbound call, and options may name the DIDs', () => {
    const quiet = run({ seed: 5, at: WEDNESDAY_10, trunks: ['quiet'] });
    expect([quiet.g.stats.inbound, quiet.g.stats.queueCalls, quiet.events.some((e) => e.name === 'QueueCallerJoin')]).toEqual([0, 0, false]);
    expect(quiet.g.stats.unrouted).toBeGreaterThan(10);
    // A number the carrier's context has only as a pattern: the dialplan hangs up with the route's cause.
    const g = new CallGenerator(sim.state, { seed: 5, endpoints: ['6101'], trunks: ['carrier'], dids: { carrier: ['5559999'] } });
    const causes: string[] = [];
    const on = (e: Ev) => { if (e.name === 'Hangup' && get(e, 'Context') === 'from-carrier') causes.push(get(e, 'Cause')!); };
    sim.state.on('ami', on);
    for (let i = 0; i < 100; i++) g.step();
    g.stop();
    sim.state.off('ami', on);
    expect(g.ended).toEqual({ hangup: g.stats.inbound });
    expect(causes.length).toBe(g.stats.inbound);
    expect(new Set(causes)).toEqual(new Set(['1']));
  });
});
