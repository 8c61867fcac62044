/**
 * The simulator's ARI call control against the recordings of a real Asterisk 20
 * (tests/fixtures/asterisk20/ari-call-sip*.txt, ari-call-extras.txt: a PJSIP trunk `loop` whose
 * calls came back into `acm-callee`): the same requests give the same replies, and each channel
 * the same events (types, causes, states, dial statuses, playback and bridge fields), in order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../sdk/testing/sim/index.ts';
import { FIXTURES } from './helpers.ts';
import { byChannel, readRecording, replay, replyOf } from './ari-replay.ts';

let sim: SimulatedAsterisk;
const AUTH = 'acmari:acmari-Secret1';

beforeAll(async () => {
  sim = new SimulatedAsterisk();
  const overlay = path.join(FIXTURES, 'ari-call-overlay');
  await sim.start({
    sshPort: -1,
    configFiles: {
      'pjsip.conf': `[transport-udp]\ntype = transport\nprotocol = udp\nbind = 127.0.0.1:5060\n\n${fs.readFileSync(path.join(overlay, 'pjsip-loop.conf'), 'utf8')}`,
      'extensions.conf': fs.readFileSync(path.join(overlay, 'extensions.conf'), 'utf8'),
    },
  });
  // The recorded callee's behaviour is its extension in [acm-callee].
  sim.callees = (d) => {
    const exten = d.resource.split('@')[0];
    if (exten === 'busy' || exten === 'congestion') return { outcome: exten };
    if (exten === 'noanswer') return { outcome: 'no-answer' };
    if (exten === 'hangup') return { outcome: 'answer', hangupAfterMs: 300 };
    if (exten === 'answer') return { outcome: 'answer' };
    return { outcome: 'unallocated' };
  };
});
afterAll(async () => { await sim.stop(); });

describe.each(['sipanswered', 'sipbusy', 'sipcongestion', 'sipnoanswer', 'sipnowhere', 'sipcontinue', 'siphangup', 'extras'])('ari-call-%s.txt', (name) => {
  it('the simulator answers and signals as the real server did', async () => {
    const rec = readRecording(path.join(FIXTURES, `ari-call-${name}.txt`));
    const got = await replay(rec, `http://127.0.0.1:${sim.ports.ari}`, AUTH, 'acm-rec');
    expect(got.replies.map(replyOf)).toEqual(rec.requests.map(replyOf));
    expect(byChannel(got.events)).toEqual(byChannel(rec.events.map((e) => e.e)));
  }, 20_000);
});
