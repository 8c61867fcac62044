import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AmiFrameParser, AmiMessage } from '../../core/asterisk/ami-parser.ts';
import { RefAmiFrameParser, type RefAmiMessage } from './ami-parser.reference.ts';
import { fixture } from './helpers.ts';

/** Names looked up in every comparison: canonical, other cases, absent, odd. */
const PROBES = ['Event', 'event', 'EVENT', 'ActionID', 'actionid', 'Response', 'Output', 'output', 'Foo', 'foo', 'FOO', 'A', 'a', 'a b', '', '__proto__', '__PROTO__', 'é', 'É', '1', 'Missing'];

/** Everything observable about one message, read in an order that leaves the header list unbuilt as long as possible. */
function view(m: AmiMessage | RefAmiMessage, probes: string[]): unknown {
  const gets = probes.map((p) => [m.get(p), m.has(p)]);
  const kind = m.kind;
  const obj = { ...m.toObject() };
  const all = probes.map((p) => m.getAll(p));
  return { gets, kind, obj, all, headers: m.headers.map((h) => [...h]), serialized: m.serialize() };
}

function feed(p: AmiFrameParser | RefAmiFrameParser, text: string, cuts: number[]): Array<AmiMessage | RefAmiMessage> {
  const out: Array<AmiMessage | RefAmiMessage> = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].filter((c) => c < text.length).sort((a, b) => a - b).concat(text.length)) {
    out.push(...p.push(text.slice(prev, c)));
    prev = c;
  }
  return out;
}

function same(text: string, cuts: number[], expectBanner: boolean, probes = PROBES): void {
  const a = new AmiFrameParser({ expectBanner, maxFrameBytes: 300 });
  const b = new RefAmiFrameParser({ expectBanner, maxFrameBytes: 300 });
  const ma = feed(a, text, cuts);
  const mb = feed(b, text, cuts);
  expect(ma.map((m) => view(m, probes))).toEqual(mb.map((m) => view(m, probes)));
  expect(a.counters).toEqual(b.counters);
  expect(a.banner).toBe(b.banner);
  expect(a.pendingBytes).toBe(b.pendingBytes);
  a.reset();
  b.reset();
  expect(a.counters).toEqual(b.counters);
}

/** AMI-ish text: header lines with awkward names/values, CR/LF quirks, blank and broken lines. */
const piece = fc.constantFrom(
  'Event', 'event', 'EVENT', 'Response', 'ActionID', 'Output', 'Foo', 'foo', 'FOO', 'A', 'a', '__proto__', '__PROTO__', 'constructor', '1', 'é', 'É', '\u00a0',
  ':', ': ', ' ', '  ', '\t', '\r', '\n', '\r\n', '\r\n\r\n', '\n\r\n\r\n', 'value', 'Success', 'Error', 'x:y', '-', 'Asterisk Call Manager/9.0.0', '\u2028',
);
const amiText = fc.array(piece, { maxLength: 60 }).map((xs) => xs.join(''));
const cutList = fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 12 });

describe('AmiFrameParser (offset walk, lazy header list)', () => {
  it('behaves exactly like the reference parser on random input split at random places', () => {
    fc.assert(fc.property(amiText, cutList, fc.boolean(), (text, cuts, banner) => same(text, cuts, banner)), { numRuns: 3000 });
  });

  it('behaves like the reference on well-formed frames with repeated and re-cased names', () => {
    const line = fc.tuple(fc.constantFrom('Event', 'event', 'Output', 'OUTPUT', 'ActionID', 'Foo', 'foo', 'Bar', 'Response'), fc.constantFrom('', 'x', ' y', 'Success', 'a\nb', '9999\n'));
    const frame = fc.array(line, { minLength: 1, maxLength: 8 }).map((ls) => ls.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
    fc.assert(fc.property(fc.array(frame, { maxLength: 6 }), cutList, (frames, cuts) => same(frames.join(''), cuts, false)), { numRuns: 1000 });
  });

  it('behaves like the reference on the recorded Asterisk 20 fixtures, in any chunking', () => {
    const text = `Asterisk Call Manager/9.0.0\r\n${fixture('ami-PJSIPShowEndpoint-missing.txt')}${fixture('ami-Command-pjsip-show-endpoints.txt')}${fixture('ami-QueueStatus.txt')}${fixture('ami-DBGet-existing.txt')}`;
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: text.length }), { maxLength: 20 }), (cuts) => {
      const a = feed(new AmiFrameParser({ maxFrameBytes: 1 << 20 }), text, cuts);
      const b = feed(new RefAmiFrameParser({ maxFrameBytes: 1 << 20 }), text, cuts);
      expect(a.map((m) => view(m, PROBES))).toEqual(b.map((m) => view(m, PROBES)));
    }), { numRuns: 50 });
  });

  it('keeps repeated headers in order, first value wins, names are case-insensitive', () => {
    const [m] = new AmiFrameParser({ expectBanner: false }).push('Response: Success\r\nOutput: one\r\nOUTPUT: two\r\noutput: three\r\nActionID: x-1\r\n\r\n');
    expect(m!.kind).toBe('response');
    expect(m!.get('actionid')).toBe('x-1');
    expect(m!.get('oUtPuT')).toBe('one');
    // As before the rewrite: a name spelled exactly as sent finds its own first value.
    expect(m!.get('output')).toBe('three');
    expect(m!.getAll('Output')).toEqual(['one', 'two', 'three']);
    expect(m!.headers.map(([k]) => k)).toEqual(['Response', 'Output', 'OUTPUT', 'output', 'ActionID']);
  });

  it('counts malformed lines and frames and trims the bare-LF quirk', () => {
    const p = new AmiFrameParser({ expectBanner: false });
    const msgs = p.push('Response: Error\r\nno colon here\r\n: no name\r\nMessage: Unable to retrieve endpoint 9999\n\r\n\r\njunk\r\n\r\n');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.get('Message')).toBe('Unable to retrieve endpoint 9999');
    expect(p.counters).toEqual({ frames: 1, malformedLines: 3, malformedFrames: 1, truncatedFrames: 0 });
  });

  it('stays linear on long runs of lines and frames without a colon', () => {
    const junk = 'no colon on this line\r\n'.repeat(20_000) + 'x\r\n\r\n'.repeat(50_000) + 'Event: Late\r\n\r\n';
    const p = new AmiFrameParser({ expectBanner: false, maxFrameBytes: 8 << 20 });
    const t0 = performance.now();
    const msgs = p.push(junk);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(msgs.map((m) => m.get('Event'))).toEqual(['Late']);
    expect(p.counters.malformedFrames).toBe(50_000);
  });

  it('bus-style lazy header lists match the eager ones after frames split across chunks', () => {
    const text = 'Event: A\r\nX: 1\r\nx: 2\r\n\r\nResponse: Success\r\nOutput: a\r\nOutput: b\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new AmiFrameParser({ expectBanner: false });
      const all = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(all.map((m) => m.headers)).toEqual([[['Event', 'A'], ['X', '1'], ['x', '2']], [['Response', 'Success'], ['Output', 'a'], ['Output', 'b']]]);
    }
  });

  it('messages built by hand still work as before', () => {
    const m = new AmiMessage([['Event', 'Foo'], ['X', '1'], ['x', '2']]);
    expect(m.kind).toBe('event');
    expect(m.get('X')).toBe('1');
    expect(m.getAll('x')).toEqual(['1', '2']);
    expect(new AmiMessage().kind).toBe('unknown');
  });
});
