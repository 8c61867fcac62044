import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshotView, ExtensionView } from '../../../sdk/index.ts';
import { goldenDir } from '../../../sdk/testing/golden.ts';
import { applicationArgs, dialplanArgumentProblems } from '../../../sdk/testing/sim/app-args.ts';
import { queueFiles, renderQueueDialplan, renderQueues, staticMembers } from '../render.ts';
import { queueVerifier } from '../verify.ts';
import type { Queue, QueueMember } from '../entities.ts';

const golden = goldenDir(join(import.meta.dirname, 'golden'));

const ext = (id: number, extension: string, name: string, over: Partial<ExtensionView> = {}): ExtensionView =>
  ({ id, tenantId: 1, siteId: 1, clusterId: 7, extension, name, ...over });
const snapshot = (tenantId = 1): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'tampa' },
  cluster: { id: 7, tenantId, siteId: 1, name: 'tpa1' },
  servers: [], acls: [],
  groups: [{ id: 3, tenantId, name: 'USSales' }],
  extensions: [
    ext(11, '6101', 'Keith Sales', { groupId: 3 }), ext(12, '6102', 'Dana, West', { groupId: 3 }),
    ext(13, '6201', 'Support One', { queue: 'support' }), ext(14, '6202', 'Support Two'),
  ].map((e) => ({ ...e, tenantId })),
  trunks: [{ id: 1, tenantId, siteId: 1, clusterId: 7, name: 'TELNYX-1', register: true, qualify: true, context: 'from-telnyx' }],
});

const queue = (q: Partial<Queue>): Queue => ({
  id: 1, tenantId: 1, siteId: 1, clusterId: 7, name: 'ussales', number: '600', strategy: 'ringall', timeout: 15, retry: 5, wrapupTime: 0,
  maxCallers: 0, weight: 0, announceFrequency: 0, announcePosition: 'no', announceHoldTime: 'no', periodicAnnounceFrequency: 0,
  serviceLevel: 20, joinEmpty: 'yes', leaveWhenEmpty: 'no', ringInUse: false, autoPause: 'no', createdAt: new Date(0), updatedAt: new Date(0), ...q,
});
const member = (m: Partial<QueueMember>): QueueMember => ({ id: 1, tenantId: 1, siteId: 1, clusterId: 7, queueId: 1, penalty: 0, createdAt: new Date(0), updatedAt: new Date(0), ...m });

const queues = [
  queue({ id: 1, description: 'US sales' }),
  queue({ id: 2, name: 'support', number: '601', strategy: 'rrmemory', wrapupTime: 10, musicClass: 'default', announceFrequency: 60, announcePosition: 'yes', serviceLevel: 30, joinEmpty: 'strict', autoPause: 'all' }),
  queue({ id: 3, name: 'elsewhere', number: '602', clusterId: 8 }),
];
const members = [member({ id: 1, queueId: 1, groupId: 3, penalty: 2 }), member({ id: 2, queueId: 1, extensionId: 11, penalty: 1 }), member({ id: 3, queueId: 2, extensionId: 14, penalty: 3 })];
const codes = { login: '*45', logout: '*46', pause: '*47', unpause: '*48' };
const reasons = ['lunch', 'break'];

describe('queues rendering', () => {
  it('declares queues.conf (verified by the plugin) and a dialplan file (verified by the core)', () => {
    expect(queueFiles(async () => ({ queues: [], members: [] }), () => codes, () => reasons).map(({ render: _r, note: _n, ...d }) => d)).toEqual([
      { name: 'acm/queues.acm.conf', reload: 'app_queue.so', includeFrom: 'queues.conf', verify: queueVerifier },
      { name: 'acm/extensions-queues.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf' },
    ]);
  });

  it('takes static members from member rows, groups and the extension\'s queue field, the lowest penalty once', () => {
    const s = snapshot();
    expect(staticMembers(s, queues[0]!, members)).toEqual([
      { iface: 'PJSIP/6101', penalty: 1, name: '6101 Keith Sales' },
      // the name has a comma: member => would split there, so only the number names it
      { iface: 'PJSIP/6102', penalty: 2, name: '6102' },
    ]);
    expect(staticMembers(s, queues[1]!, members).map((m) => [m.iface, m.penalty])).toEqual([['PJSIP/6201', 0], ['PJSIP/6202', 3]]);
  });

  it('renders queues.conf sections and the dialplan for the default and a hosted tenant (golden)', () => {
    golden('queues.acm.conf', renderQueues(snapshot(), { queues, members }));
    golden('extensions-queues.conf', renderQueueDialplan(snapshot(), { queues, members }, codes, reasons));
    golden('queues.acm.t2.conf', renderQueues(snapshot(2), { queues: queues.map((q) => ({ ...q, tenantId: 2 })), members }));
    golden('extensions-queues.t2.conf', renderQueueDialplan(snapshot(2), { queues: queues.map((q) => ({ ...q, tenantId: 2 })), members }, codes, reasons));
    expect(renderQueues(snapshot(), { queues: [queues[2]!], members: [] })).toBe('');
  });

  it('gives the queue applications exactly the arguments meant, however a caller set his name or number', () => {
    const plan = renderQueueDialplan(snapshot(2), { queues, members }, codes, reasons);
    const calls = [...plan.matchAll(/(AddQueueMember|RemoveQueueMember|PauseQueueMember|UnpauseQueueMember|Queue)\((.*)\)$/gm)].map((m) => [m[1], applicationArgs(m[1]!, m[2]!)]);
    expect(calls).toContainEqual(['AddQueueMember', ['t2-ussales', '${ACM_AGENT}']]);
    expect(calls).toContainEqual(['PauseQueueMember', ['', '${ACM_AGENT}', '', 'lunch']]);
    expect(calls).toContainEqual(['Queue', ['t2-support']]);
    // The agent is the calling endpoint cut to digits after the tenant's prefix: no CALLERID reaches an argument.
    expect(plan).not.toMatch(/CALLERID/);
    // A caller from a trunk reaches the queues' numbers, never the agents' codes.
    expect(plan).toContain('[t2-from-telnyx]\ninclude => t2-queues\n\n');
    expect(plan).toContain('[t2-internal]\ninclude => t2-queues\ninclude => t2-queue-agents\n');
    expect(plan).toContain('Set(ACM_AGENT=PJSIP/t2-${FILTER(0-9*#,${CHANNEL(endpoint):3})})');
    // Run as Asterisk runs it: an endpoint name with separators changes no argument's structure.
    const chan = (endpoint: string, name: string) => (p: { exten: string }) => ({ exten: p.exten, endpoint, callerId: { num: name, name } });
    expect(dialplanArgumentProblems(plan, chan('t2-6101', '6101'), chan('t2-6202', '6202'), chan('t2-61,0)1', '1,s)x'))).toEqual([]);
  });
});
