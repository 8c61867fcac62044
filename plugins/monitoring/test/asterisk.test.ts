/**
 * The trunk check against what a real Asterisk 20.20.1 answered (tests/fixtures/asterisk20,
 * recorded with one trunk whose static contact does not answer OPTIONS and one that does):
 * PJSIPShowContacts lists no static contact at all, so the check reads PJSIPShowEndpoint's
 * ContactStatusDetail.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AmiService } from '../../../sdk/index.ts';
import { asteriskMetrics, linkMetrics, taskprocessorMetric } from '../asterisk.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'asterisk20');
/** A recorded list answer: its events' headers (the response and the …Complete event left out). */
function listItems(file: string): Record<string, string>[] {
  return readFileSync(join(FIXTURES, file), 'utf8').split('\n\n').map((m) => Object.fromEntries(m.split('\n').filter((l) => l.includes(': ') || l.endsWith(':')).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i), l.slice(i + 1).trim()];
  }))).filter((h) => h.Event && !h.Event.endsWith('Complete'));
}

const recorded: Record<string, string> = { 'carrier-down': 'ami-PJSIPShowEndpoint-trunk-unreachable.txt', 'carrier-up': 'ami-PJSIPShowEndpoint-trunk-reachable.txt' };
const ami = {
  action: async (_s: number, name: string) => (name === 'CoreSettings' ? { AsteriskVersion: '20.20.1' } : {}),
  command: async (_s: number, cli: string) => readFileSync(join(FIXTURES, cli === 'core show taskprocessors' ? 'cli-core-show-taskprocessors.txt' : 'cli-core-show-uptime-seconds.txt'), 'utf8').split('\n'),
  list: async (_s: number, name: string, h: Record<string, string> = {}) => {
    if (name === 'CoreShowChannels') return [];
    if (name === 'PJSIPShowEndpoint') return listItems(recorded[h.Endpoint!]!);
    throw new Error(`unexpected ${name}`);
  },
} as unknown as AmiService;

describe('trunks on a real Asterisk 20', () => {
  it('PJSIPShowContacts has no static contacts: the reason the check does not use it', () => {
    expect(readFileSync(join(FIXTURES, 'ami-PJSIPShowContacts-static-only.txt'), 'utf8')).toMatch(/^Response: Error\n.*\nMessage: No Contacts found\n/);
  });

  it('the unanswered trunk is TRUNK DOWN, the answering one green', async () => {
    const metrics = await asteriskMetrics(ami, 1, true, { modules: [], trunks: new Map([['carrier-down', 'carrier-down'], ['carrier-up', 'carrier-up']]) });
    expect(metrics.filter((m) => m.key.startsWith('trunk:')).map((m) => [m.key, m.state, m.text])).toEqual([
      ['trunk:carrier-down', 'red', 'TRUNK DOWN: does not answer OPTIONS'],
      ['trunk:carrier-up', 'green', 'reachable'],
    ]);
    expect(metrics.find((m) => m.key === 'asterisk-uptime')).toMatchObject({ value: 162, text: 'up 2 min' });
  });
});

describe('taskprocessors on a real Asterisk 20', () => {
  const recorded = readFileSync(join(FIXTURES, 'cli-core-show-taskprocessors.txt'), 'utf8').split('\n');
  it('an idle server: all 114 read, none backed up', () => {
    expect(taskprocessorMetric(recorded)).toMatchObject({ state: 'green', text: '114 taskprocessors, none backed up' });
  });
  it('a queue past its low water is orange, at its high water red; garbage unknown', () => {
    const filled = (n: number) => recorded.map((l) => (l.startsWith('app_voicemail ') ? l.replace(/^(app_voicemail\s+\d+\s+)\s{0,9}\d+/, (_, a: string) => `${a}${String(n).padStart(10)}`) : l));
    expect(taskprocessorMetric(filled(460))).toMatchObject({ state: 'orange', text: 'filling: app_voicemail: 460 queued (low water 450, high water 500)' });
    expect(taskprocessorMetric(filled(612))).toMatchObject({ state: 'red', value: 612 });
    expect(taskprocessorMetric(['No such command \'core show taskprocessors\'']).state).toBe('unknown');
  });

  it('inter-site links (roaming): green only when IAX2 and DUNDi both qualify the peer', () => {
    const link = { serverId: 1, server: 'a', clusterId: 1, peerClusterId: 2, iaxMs: 3, dundiMs: 1 };
    expect(linkMetrics([{ ...link, iax: 'OK', dundi: 'OK' }])).toEqual([{ key: 'link:2', group: 'asterisk', label: 'Link to cluster 2', state: 'green', text: 'IAX UP (3 ms) / DUNDI UP', value: 1 }]);
    expect(linkMetrics([{ ...link, iax: 'OK', dundi: 'UNREACHABLE' }])[0]).toMatchObject({ state: 'red', text: 'IAX UP (3 ms) / DUNDI UNREACHABLE' });
    expect(linkMetrics([{ ...link, iax: 'missing', iaxMs: null, dundi: 'OK' }])[0]).toMatchObject({ state: 'red', text: 'IAX missing / DUNDI UP' });
  });
});
