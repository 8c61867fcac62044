import type { AmiEvent } from '../../sdk/index.ts';

/** How one SendFAX or ReceiveFAX ended, as acm reads it from the channel's events. */
export interface FaxOutcome {
  serverId: number; uniqueid: string; channel: string; operation: 'send' | 'receive';
  /** FAXSTATUS's last value: SUCCESS or FAILED ('' when the channel hung up before res_fax set one). */
  status: string;
  /** FAXERROR and FAXSTATUSSTRING, only for a failure: after a success res_fax leaves FAXERROR stale (HANGUP). */
  error: string | null; statusString: string | null;
  pages: number; remoteStationId: string | null; file: string | null;
}

const VARS = new Set(['FAXSTATUS', 'FAXERROR', 'FAXSTATUSSTRING', 'FAXPAGES', 'REMOTESTATIONID']);

interface Tracked { operation: 'send' | 'receive'; channel: string; file: string | null; vars: Record<string, string> }

/**
 * Folds a server's AMI events into fax outcomes. The result is only in the VarSet events of the
 * fax variables, each set several times while res_fax runs (FAILED/INIT_ERROR first, then cleared,
 * then the real value): the last value counts, read when the SendFAX/ReceiveFAX event ends the
 * application or, failing that, when the channel hangs up (tests/fixtures/asterisk20/ami-ev-fax.txt).
 */
export class FaxResults {
  private readonly channels = new Map<string, Tracked>();

  /** The outcome this event completes, if any. */
  handle(e: AmiEvent): FaxOutcome | null {
    const id = e.fields.Uniqueid;
    if (!id) return null;
    const key = `${e.serverId}/${id}`;
    if (e.event === 'Newexten' && (e.fields.Application === 'SendFAX' || e.fields.Application === 'ReceiveFAX')) {
      this.channels.set(key, { operation: e.fields.Application === 'SendFAX' ? 'send' : 'receive', channel: e.fields.Channel ?? '', file: e.fields.AppData?.split(',')[0] || null, vars: {} });
      return null;
    }
    const t = this.channels.get(key);
    if (!t) return null;
    if (e.event === 'VarSet' && e.fields.Variable && VARS.has(e.fields.Variable)) { t.vars[e.fields.Variable] = e.fields.Value ?? ''; return null; }
    const done = (e.event === 'SendFAX' && t.operation === 'send') || (e.event === 'ReceiveFAX' && t.operation === 'receive') || e.event === 'Hangup';
    if (!done) return null;
    this.channels.delete(key);
    const status = t.vars.FAXSTATUS ?? '';
    const pages = Number(e.fields.PagesTransferred ?? t.vars.FAXPAGES ?? 0);
    return {
      serverId: e.serverId, uniqueid: id, channel: t.channel, operation: t.operation, status,
      error: status === 'SUCCESS' ? null : t.vars.FAXERROR || null,
      statusString: status === 'SUCCESS' ? null : t.vars.FAXSTATUSSTRING || null,
      pages: Number.isFinite(pages) ? pages : 0,
      remoteStationId: (e.fields.RemoteStationID ?? t.vars.REMOTESTATIONID) || null,
      file: e.fields.FileName || t.file,
    };
  }
}
