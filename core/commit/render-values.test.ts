import { describe, expect, it } from 'vitest';
import { renderPjsip } from './render/pjsip.ts';
import { renderVoicemail } from './render/voicemail.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import type { ClusterSnapshot } from './snapshot.ts';

const ext = (s: ClusterSnapshot, n: string) => s.extensions.find((e) => e.extension === n)!;
const trunk = (s: ClusterSnapshot, n: string) => s.trunks.find((t) => t.name === n)!;
/** The option lines of the `[name]` section of one type (an endpoint may take its type from its template). */
const section = (text: string, name: string, type: string) => {
  const blocks = text.split(/\n(?=\[)/).filter((b) => (b.startsWith(`[${name}]\n`) || b.startsWith(`[${name}](`))
    && (b.includes(`\ntype = ${type}\n`) || (type === 'endpoint' && !b.includes('\ntype = '))));
  expect(blocks, `${type} ${name}`).toHaveLength(1);
  return blocks[0]!.split('\n').slice(1).filter((l) => l && !l.startsWith(';'));
};

describe('transport bind address', () => {
  it('is 0.0.0.0 by default and the cluster setting when given, IPv6 in brackets', () => {
    const s = tpa1();
    expect(section(renderPjsip(s), 'transport-udp', 'transport')).toContain('bind = 0.0.0.0:5060');
    s.cluster.sipBindAddress = '10.20.0.10';
    expect(section(renderPjsip(s), 'transport-udp', 'transport')).toContain('bind = 10.20.0.10:5060');
    expect(section(renderPjsip(s), 'transport-tcp', 'transport')).toContain('bind = 10.20.0.10:5060');
    s.cluster.sipBindAddress = '2001:db8::10';
    expect(section(renderPjsip(s), 'transport-udp', 'transport')).toContain('bind = [2001:db8::10]:5060');
  });
});

describe('trunk identification', () => {
  it('matches an address as is and a host name as a name (Asterisk resolves it at load; verify checks it)', () => {
    const text = renderPjsip(tpa1());
    expect(section(text, 'carrier-b', 'identify')).toContain('match = 203.0.113.20');
    expect(section(text, 'carrier-a', 'identify')).toContain('match = sip.carrier-a.example');
  });

  it('is by source address only, so a From user equal to the trunk name does not pick the trunk', () => {
    const text = renderPjsip(tpa1());
    for (const name of ['carrier-a', 'carrier-b']) expect(section(text, name, 'endpoint')).toContain('identify_by = ip');
    // Extensions authenticate: they keep the default (username, then ip).
    expect(section(text, '6101', 'endpoint').some((l) => l.startsWith('identify_by'))).toBe(false);
  });

  it('puts IPv6 hosts in brackets in URIs but not in match', () => {
    const s = tpa1();
    trunk(s, 'carrier-b').host = '2001:db8::20';
    trunk(s, 'carrier-a').host = '2001:db8::21';
    const text = renderPjsip(s);
    expect(section(text, 'carrier-b', 'aor')).toContain('contact = sip:[2001:db8::20]:5080');
    expect(section(text, 'carrier-b', 'identify')).toContain('match = 2001:db8::20');
    expect(section(text, 'carrier-a', 'registration')).toEqual(expect.arrayContaining(['server_uri = sip:[2001:db8::21]:5060', 'client_uri = sip:tpa1acct@[2001:db8::21]:5060']));
  });

  it('refuses a registration user that would move the URI host', () => {
    const s = tpa1();
    trunk(s, 'carrier-a').username = 'acct@evil.example';
    expect(() => renderPjsip(s)).toThrow(/user part of a SIP URI/);
  });
});

describe('text Asterisk keeps in 80-byte buffers is cut on character boundaries', () => {
  const longName = 'é'.repeat(80);
  it('the caller ID made from a long display name', () => {
    const s = tpa1();
    ext(s, '6101').name = longName;
    const line = section(renderPjsip(s), '6101', 'endpoint').find((l) => l.startsWith('callerid = '))!;
    expect(line).toBe(`callerid = "${'é'.repeat(39)}" <6101>`);
  });

  it('the voicemail full name', () => {
    const s = tpa1();
    ext(s, '6101').name = longName;
    const line = renderVoicemail(s).split('\n').find((l) => l.startsWith('6101 => '))!;
    const fullName = line.split(',')[1]!;
    expect(Buffer.byteLength(fullName)).toBe(78);
    expect(fullName).toBe('é'.repeat(39));
  });
});
