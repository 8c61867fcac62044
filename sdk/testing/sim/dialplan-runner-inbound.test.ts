import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SimulatedAsterisk, type SimCallTrace } from './index.ts';

// The inbound plugin's rendered dialplan (its golden file, read as a fixture) run by sim.call.
const golden = fs.readFileSync(path.join(import.meta.dirname, '../../../plugins/inbound/test/golden/extensions-inbound.conf'), 'utf8');
let sim: SimulatedAsterisk;
beforeAll(async () => {
  sim = new SimulatedAsterisk();
  await sim.start({
    sshPort: -1,
    queues: { ussales: [] },
    configFiles: {
      'extensions.conf': '[internal]\nexten => _61XX,1,Dial(PJSIP/${EXTEN},20)\n same => n,VoiceMail(${EXTEN}@default,u)\n[queues]\nexten => 600,1,Queue(ussales)\n#include acm/extensions-inbound.conf\n',
      'acm/extensions-inbound.conf': golden,
      'pjsip.conf': '[telnyx]\ntype = endpoint\ncontext = inbound-TELNYX-1\n',
    },
  });
});
afterAll(async () => { await sim.stop(); });

const call = (iso: string, digits: string[] = []) => {
  const t = sim.call({ from: { trunk: 'telnyx' }, exten: '+15551230000', callerId: { name: 'Eve' }, at: new Date(iso), digits });
  t.hangup();
  return t;
};
const end = (t: SimCallTrace) => [t.ended, t.result.queue ?? t.result.mailbox ?? t.result.cause];

it('in office hours (New York) the IVR sends digit 1 to the queue; the caller name gets its prefix', () => {
  const t = call('2026-12-02T15:00:00Z', ['1']); // Wednesday 10:00 EST
  expect(end(t)).toEqual(['queue', 'ussales']);
  expect(t.channel?.callerIdName).toBe('SalesEve');
  expect(t.steps.map((s) => s.context)).toEqual(expect.arrayContaining(['hours-office', 'ivr-main', 'queues']));
});

it('after 17:29 voicemail, on Christmas a hangup, and the menu retries twice before its timeout destination', () => {
  expect(end(call('2026-12-02T22:30:00Z'))).toEqual(['voicemail', '6101@default']); // 17:30 EST
  expect(end(call('2026-12-02T22:29:00Z', ['1']))).toEqual(['queue', 'ussales']); // 17:29 EST
  expect(end(call('2026-12-25T15:00:00Z', ['1']))).toEqual(['hangup', 16]);
  const silent = call('2026-12-02T15:00:00Z');
  expect(silent.steps.filter((s) => s.app === 'WaitExten')).toHaveLength(3);
  expect(silent.steps.at(-2)?.args).toEqual(['PJSIP/6101', '20']); // Goto(internal,6101,1): no contact, so on to VoiceMail
  const wrong = call('2026-12-02T15:00:00Z', ['5', '7', '8']);
  expect([wrong.played.filter((f) => f === 'invalid').length, ...end(wrong)]).toEqual([3, 'voicemail', '6101@default']);
});
