import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../../sdk/index.ts';
import { FaxResults, type FaxOutcome } from '../result.ts';

/**
 * A real Asterisk 20's events of one fax (tests/fixtures/asterisk20/ami-ev-fax.*: an Originate of
 * Local/recv@acm-fax into send@acm-fax, SendFAX on ;1 and ReceiveFAX on ;2, one page).
 */
const text = readFileSync(join(import.meta.dirname, '../../../tests/fixtures/asterisk20/ami-ev-fax.txt'), 'utf8');
const events: AmiEvent[] = text.split(/\r\n\r\n/).filter((b) => b.startsWith('Event: ')).map((b) => {
  const headers = b.split('\r\n').map((l) => { const i = l.indexOf(':'); return [l.slice(0, i), l.slice(i + 1).replace(/^ /, '')] as [string, string]; });
  return { serverId: 1, clusterId: 7, tenantId: 1, event: headers[0]![1], fields: Object.fromEntries(headers), headers, receivedAt: 0 };
});

describe('fax outcomes from a real Asterisk\'s events', () => {
  it('reads both sides as a one-page success, though FAILED/INIT_ERROR came first and FAXERROR stays HANGUP on the sender', () => {
    const r = new FaxResults();
    const out = events.map((e) => r.handle(e)).filter((o): o is FaxOutcome => !!o);
    expect(out).toEqual([
      { serverId: 1, uniqueid: 'acm-ast20-1795420672.167', channel: 'Local/recv@acm-fax-0000004f;2', operation: 'receive', status: 'SUCCESS',
        error: null, statusString: null, pages: 1, remoteStationId: null, file: '/var/spool/asterisk/fax/rx-1795420672.tif' },
      { serverId: 1, uniqueid: 'acm-ast20-1795420672.166', channel: 'Local/recv@acm-fax-0000004f;1', operation: 'send', status: 'SUCCESS',
        error: null, statusString: null, pages: 1, remoteStationId: null, file: '/var/spool/asterisk/fax/acm-fax.tif' },
    ]);
  });

  it('a channel that hangs up before the fax ends is a failure with the last FAXERROR', () => {
    const r = new FaxResults();
    // The recording up to the receiver's first FAILED/Channel Problems, then its Hangup.
    const cut = events.findIndex((e) => e.event === 'VarSet' && e.fields.Value === 'Error before FAX transmission started.');
    for (const e of events.slice(0, cut + 1)) expect(r.handle(e)).toBeNull();
    const hangup = events.find((e) => e.event === 'Hangup' && e.fields.Uniqueid === 'acm-ast20-1795420672.167')!;
    expect(r.handle(hangup)).toMatchObject({ operation: 'receive', status: 'FAILED', error: 'Channel Problems', statusString: 'Error before FAX transmission started.', pages: 0 });
  });
});
