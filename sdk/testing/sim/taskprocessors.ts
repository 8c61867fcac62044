/**
 * `core show taskprocessors` as Asterisk 20.20.1 prints it (tests/fixtures/asterisk20/
 * cli-core-show-taskprocessors.txt): a few of the recorded processors, whose queue a test fills.
 */
export interface SimTaskprocessor { processed: number; inQueue: number; maxDepth: number; lowWater: number; highWater: number }

const HEADER = 'Processor                                                               Processed   In Queue  Max Depth  Low water High water Low time(us) High time(us)';

export function defaultTaskprocessors(): Map<string, SimTaskprocessor> {
  const idle = (processed = 0): SimTaskprocessor => ({ processed, inQueue: 0, maxDepth: processed ? 1 : 0, lowWater: 450, highWater: 500 });
  return new Map([
    ['app_voicemail', idle()], ['ast_msg_queue', idle()], ['CCSS_core', idle()], ['dns_system_resolver_tp', idle()],
    ['pjsip/distributor-00000020', idle()], ['stasis/m:manager:core-00000006', idle(152)], ['taskpool/s:stasis-00000004', idle(1)],
  ]);
}

export function renderTaskprocessors(tps: ReadonlyMap<string, SimTaskprocessor>): string[] {
  const rows = [...tps].map(([name, t]) => name.padEnd(70) + [t.processed, t.inQueue, t.maxDepth, t.lowWater, t.highWater, 0, 0].map((n) => String(n).padStart(11)).join(''));
  return ['', HEADER, ...rows, '', `${tps.size} taskprocessors`];
}
