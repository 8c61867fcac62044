import type { Outcome } from '../leads/eligibility.ts';

/*
 * A call that never reached Stasis (never answered) ends with ChannelDestroyed and its Q.850
 * cause, as Asterisk 20 reports it for an originated channel (tests/fixtures/asterisk20/ari-call-*
 * recordings: 17 busy, 19 no answer after the originate timeout, 34 congestion).
 */
export function outcomeOfCause(cause: number | undefined): Exclude<Outcome, 'answered' | 'in-progress'> {
  switch (cause) {
    case 17: case 21: return 'busy';
    case 1: case 3: case 28: return 'unobtainable';
    case 34: case 38: case 41: case 42: case 47: return 'congestion';
    // 16 (normal clearing before an answer), 18, 19 and anything else: nobody picked up.
    default: return 'no-answer';
  }
}

/** Causes that say the trunk (not the callee) failed: several in a row pause dialling on it. */
export const isTrunkFailure = (cause: number | undefined) => cause === 34 || cause === 38 || cause === 41 || cause === 42 || cause === 47;
