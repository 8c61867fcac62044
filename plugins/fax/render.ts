import { confName, confValue, dialNumberProblem, tenantPrefix, type ClusterSnapshotView } from '../../sdk/index.ts';
import type { FaxNumber } from './entities.ts';

const DIR = /^(\/[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*)+$/;

/**
 * Two contexts per cluster (tenant-prefixed):
 * - `acm-fax-in`: each fax DID answers and receives into `<spool>/t<tenant>/in-<number>-${UNIQUEID}.tif`.
 *   FAXSTATUS, FAXPAGES … come back to acm as VarSet events of the channel; the number and the
 *   spool path are validated again here, so no stored row adds an argument.
 * - `acm-fax-out`: what acm's Originate enters; the file is the channel variable ACM_FAX_FILE that
 *   acm sets itself (a path it built under the spool), never text a user sent.
 */
export function renderFaxDialplan(s: ClusterSnapshotView, numbers: readonly FaxNumber[], spoolDir: string): string {
  if (!DIR.test(spoolDir) || spoolDir.split('/').some((p) => p === '.' || p === '..')) throw new Error(`fax spool ${JSON.stringify(spoolDir)} cannot go into ReceiveFAX()`);
  const p = tenantPrefix(s.tenant);
  const inCtx = confName(`${p}acm-fax-in`, 'context');
  const outCtx = confName(`${p}acm-fax-out`, 'context');
  const spool = `${spoolDir}/t${s.tenant.id}`;
  const lines = [`; fax numbers of cluster ${confValue(s.cluster.name)}`, `[${inCtx}]`];
  for (const n of [...numbers].sort((a, b) => a.number.localeCompare(b.number))) {
    if (dialNumberProblem(n.number)) throw new Error(`fax number ${n.id}: ${JSON.stringify(n.number)} cannot be an extension`);
    if (n.label) lines.push(`; ${confValue(n.label, 'label')}`);
    lines.push(
      `exten => ${n.number},1,Answer()`,
      ` same => n,Set(ACM_FAX_FILE=${spool}/in-${n.number.replace('+', '')}-\${UNIQUEID}.tif)`,
      ` same => n,ReceiveFAX(\${ACM_FAX_FILE})`,
      ' same => n,Hangup()',
    );
  }
  lines.push('', `[${outCtx}]`,
    'exten => send,1,NoOp(acm fax job ${ACM_FAX_JOB})',
    ' same => n,SendFAX(${ACM_FAX_FILE})',
    ' same => n,Hangup()');
  return `${lines.join('\n')}\n`;
}
