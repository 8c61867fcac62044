import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshotView, ExtensionView } from '../../../sdk/index.ts';
import { goldenDir } from '../../../sdk/testing/golden.ts';
import { dialplanArgumentProblems } from '../../../sdk/testing/sim/app-args.ts';
import { dialSteps, phoneContexts, renderHotdesk } from '../render.ts';
import type { HotdeskPhone } from '../entities.ts';

const golden = goldenDir(join(import.meta.dirname, 'golden'));
const ext = (id: number, extension: string, name: string, over: Partial<ExtensionView> = {}): ExtensionView =>
  ({ id, tenantId: 1, siteId: 1, clusterId: 7, extension, name, ...over });
const snapshot = (tenantId = 1): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'tampa' },
  cluster: { id: 7, tenantId, siteId: 1, name: 'tpa1' },
  servers: [], acls: [], trunks: [],
  groups: [{ id: 3, tenantId, name: 'USSales' }, { id: 4, tenantId, name: 'hotdesk' }],
  extensions: [
    ext(11, '5812', 'Hotdesk 2', { groupId: 4 }),
    ext(12, '6109', 'George Lopez', { groupId: 3, callerId: '"George Lopez" <6109>', accountCode: 'USSales', mailbox: '6109' }),
    // A name with everything that would end an argument or a line: cut to plain characters.
    ext(13, '6102', 'Dana, West) ;x${EXTEN}', { groupId: 3, mailbox: '6102@sales' }),
    ext(14, '6201', 'No Mailbox', { context: 'support' }),
  ].map((e) => ({ ...e, tenantId })),
});
const phone = (p: Partial<HotdeskPhone>): HotdeskPhone => ({
  id: 1, tenantId: 1, siteId: 1, clusterId: 7, extensionId: 11, desk: 'Desk 17, 2nd floor', emergencyCallerId: '"Desk 17" <+13055550117>', createdAt: new Date(0), updatedAt: new Date(0), ...p,
});
const settings = { ringOwnDevice: false, featureCodes: { login: '*80', logout: '*81' }, emergencyNumbers: ['911', '112'] };

/** A number each rendered extension (or pattern) matches. */
const dialled = (exten: string) => ({ '_X.': '3055550100', '_*X.': '*97', '_*80X.': '*806109' } as Record<string, string>)[exten] ?? exten;

describe('hot-desk rendering', () => {
  it('renders the phone, user and log-in contexts for the default and a hosted tenant (golden); nothing without phones', () => {
    golden('extensions-hotdesk.conf', renderHotdesk(snapshot(), [phone({})], settings));
    golden('extensions-hotdesk.t2.conf', renderHotdesk(snapshot(2), [phone({ tenantId: 2 })], settings));
    expect(renderHotdesk(snapshot(), [phone({ clusterId: 8 })], settings)).toBe('');
    expect(renderHotdesk(snapshot(), [], settings)).toBe('');
  });

  it('gives each phone its context and rings a logged-in user at the phone (and the own device with ringOwnDevice)', () => {
    expect(phoneContexts(snapshot(2), [phone({ tenantId: 2 })])).toEqual(new Map([[11, 't2-hotdesk-5812']]));
    const steps = dialSteps(snapshot(), [phone({})], true);
    expect([...steps.keys()]).toEqual([13, 12, 14]); // every user, never the phone itself
    expect(steps.get(12)).toEqual([
      'Set(ACM_HD=${FILTER(0-9A-Za-z_\\-,${DB(acm-hotdesk/user/6109)})})',
      'ExecIf($["${ACM_HD}" != ""]?Set(ACM_DIAL=PJSIP/${ACM_HD}&${ACM_DIAL}))',
    ]);
    expect(dialSteps(snapshot(), [phone({})], false).get(12)![1]).toBe('ExecIf($["${ACM_HD}" != ""]?Set(ACM_DIAL=PJSIP/${ACM_HD}))');
  });

  it('no caller ID, AstDB value or variable changes what an application does, however it is written', () => {
    const plan = renderHotdesk(snapshot(2), [phone({ tenantId: 2 })], settings);
    expect(plan).not.toMatch(/Dana, West|\$\{EXTEN\}x|;x/);
    expect(plan).toContain('Set(CALLERID(name)=Dana West xEXTEN)');
    const chan = (user: string, phoneEp: string, name: string, dbUser: string) => (p: { exten: string }) => ({
      exten: dialled(p.exten), endpoint: phoneEp, callerId: { num: name, name },
      vars: { ACM_HD: user, ACM_HDP: phoneEp },
      db: { [`acm-hotdesk/phone/${phoneEp}`]: dbUser, [`acm-hotdesk/user/t2-${user}`]: phoneEp },
    });
    expect(dialplanArgumentProblems(plan, chan('6109', 't2-5812', '6109', '6109'), chan('6102', 't2-5811', '6102', '6102'),
      chan('6201', 't2-5813', '1,s)x', '61,0)9\n[evil]'))).toEqual([]);
    for (const step of dialSteps(snapshot(2), [phone({ tenantId: 2 })], true).get(12)!) {
      expect(step).toMatch(/^[A-Za-z]+\(.*\)$/);
    }
  });

  it('refuses to render a caller ID or account code that would not stay one argument', () => {
    expect(() => renderHotdesk(snapshot(), [phone({ emergencyCallerId: '"x" <1,s>' })], settings)).toThrow(/emergencyCallerId/);
    const s = snapshot();
    const bad = { ...s, extensions: s.extensions.map((e) => (e.id === 12 ? { ...e, accountCode: 'US,Sales' } : e)) };
    expect(() => renderHotdesk(bad, [phone({})], settings)).toThrow(/accountCode/);
  });
});
