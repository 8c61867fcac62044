import {
  ConfWriter, confName, dialplanToken, fileHeader, objectNames, tenantPrefix, type ClusterSnapshotView, type ConfigFileDeclaration,
  type ExtensionView, tenantName, type TenantView,
} from '../../sdk/index.ts';
import type { Queue, QueueMember } from './entities.ts';
import { queueVerifier } from './verify.ts';

export const QUEUES_FILE = 'acm/queues.acm.conf';
export const DIALPLAN_FILE = 'acm/extensions-queues.conf';

export interface QueueData { queues: readonly Queue[]; members: readonly QueueMember[] }
export interface FeatureCodes { login: string; logout: string; pause: string; unpause: string }

/** A queue's section name in queues.conf (and its Queue() argument). */
export const queueName = (s: Pick<ClusterSnapshotView, 'tenant'>, q: Pick<Queue, 'name'>) => confName(`${tenantPrefix(s.tenant)}${q.name}`, 'name');

/** The context with every queue's number (included from internal and the trunk contexts). */
export const queuesContext = (t: Pick<TenantView, 'id'>) => tenantName(t, 'queues', 'context');

const byNumber = (a: Queue, b: Queue) => a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);

/** A member's name in queue show / QueueStatus: the number and, when it is plain text, the extension's name. */
function memberName(e: ExtensionView): string {
  const name = e.name.trim();
  return /^[A-Za-z0-9 ._'-]{1,60}$/.test(name) ? `${e.extension} ${name}` : e.extension;
}

/**
 * The static members of a queue: its member rows (an extension, or a group's extensions on the
 * cluster) and the extensions whose `queue` field names it; one line per interface, the lowest
 * penalty kept.
 */
export function staticMembers(s: ClusterSnapshotView, q: Queue, members: readonly QueueMember[]): { iface: string; penalty: number; name: string }[] {
  const out = new Map<string, { iface: string; penalty: number; name: string; ext: string }>();
  const add = (e: ExtensionView, penalty: number) => {
    const iface = `PJSIP/${objectNames.endpoint(s.tenant, e)}`;
    const had = out.get(iface);
    if (!had || penalty < had.penalty) out.set(iface, { iface, penalty, name: memberName(e), ext: e.extension });
  };
  for (const m of members.filter((x) => x.queueId === q.id)) {
    for (const e of s.extensions) {
      if (m.kind === 'extension' ? e.id === m.targetId : e.groupId === m.targetId) add(e, m.penalty);
    }
  }
  for (const e of s.extensions) if (e.queue === q.name) add(e, 0);
  return [...out.values()].sort((a, b) => a.ext.localeCompare(b.ext, 'en', { numeric: true })).map(({ ext: _ext, ...m }) => m);
}

/** queues.conf sections, one per queue of the cluster; [general] stays the site's (persistentmembers = yes keeps agents across reloads). */
export function renderQueues(s: ClusterSnapshotView, d: QueueData): string {
  const queues = d.queues.filter((q) => q.clusterId === s.cluster.id).sort(byNumber);
  if (!queues.length) return '';
  const w = new ConfWriter(['general']);
  fileHeader(w, s, 'ACD queues');
  for (const q of queues) {
    w.blank();
    if (q.description) w.comment(`${q.number}: ${q.description}`);
    w.section(queueName(s, q))
      .set('strategy', q.strategy).set('timeout', q.timeout).set('retry', q.retry).set('wrapuptime', q.wrapupTime, 'wrapupTime')
      .set('maxlen', q.maxCallers, 'maxCallers').set('weight', q.weight)
      .set('musicclass', q.musicClass ? objectNames.mohClass(s.tenant, q.musicClass) : null, 'musicClass')
      .set('announce-frequency', q.announceFrequency, 'announceFrequency').set('announce-position', q.announcePosition, 'announcePosition')
      .set('announce-holdtime', q.announceHoldTime, 'announceHoldTime')
      .set('periodic-announce-frequency', q.periodicAnnounceFrequency, 'periodicAnnounceFrequency')
      .set('periodic-announce', q.periodicAnnounce ?? null, 'periodicAnnounce')
      .set('servicelevel', q.serviceLevel, 'serviceLevel').set('joinempty', q.joinEmpty, 'joinEmpty')
      .set('leavewhenempty', q.leaveWhenEmpty, 'leaveWhenEmpty').set('ringinuse', q.ringInUse, 'ringInUse').set('autopause', q.autoPause, 'autoPause');
    // member => interface,penalty,membername,state_interface (app_queue's reload_single_member)
    for (const m of staticMembers(s, q, d.members)) w.arrow('member', `${m.iface},${m.penalty},${m.name},${m.iface}`, 'member');
  }
  return w.toString();
}

/**
 * The dialplan: context `queues` (tenant-prefixed) with each queue's number running Queue(),
 * included from the tenant's internal context and every trunk context; context `queue-agents`
 * with the agents' feature codes, included from the internal context only (a caller from a trunk
 * never logs anything in): `<login><number>` / `<logout><number>` for one queue, `<pause><n>`
 * pauses in every queue with reason n, `<unpause>` resumes. The agent's interface is the calling
 * endpoint's own name, cut to the digits acm gives extension endpoints after the tenant's
 * prefix, so no caller-set text reaches an argument.
 */
export function renderQueueDialplan(s: ClusterSnapshotView, d: QueueData, codes: FeatureCodes, reasons: readonly string[]): string {
  const queues = d.queues.filter((q) => q.clusterId === s.cluster.id).sort(byNumber);
  if (!queues.length) return '';
  const p = tenantPrefix(s.tenant);
  const ctx = queuesContext(s.tenant);
  const agents = objectNames.context(s.tenant, 'queue-agents');
  const internal = objectNames.internal(s.tenant);
  const w = new ConfWriter();
  fileHeader(w, s, 'ACD queues: numbers and agent feature codes');
  const callers = new Set<string>([internal]);
  for (const t of [...s.trunks].sort((a, b) => a.id - b.id)) callers.add(t.context ? objectNames.context(s.tenant, t.context, 'trunk context') : internal);
  for (const c of [...callers].sort()) {
    w.blank().section(c).raw(`include => ${ctx}`);
    if (c === internal) w.raw(`include => ${agents}`);
  }
  w.blank().section(ctx);
  for (const q of queues) {
    const name = queueName(s, q);
    w.raw(`exten => ${dialplanToken(q.number, 'number')},1,NoOp(acm queue ${name})`).same(`n,Queue(${name})`).same('n,Hangup()');
  }
  const agent = `PJSIP/${p}\${FILTER(0-9*#,\${CHANNEL(endpoint):${p.length}})}`;
  w.blank().section(agents);
  for (const q of queues) {
    const num = dialplanToken(q.number, 'number');
    const name = queueName(s, q);
    w.blank().comment(`agents of queue ${name}`);
    w.raw(`exten => ${dialplanToken(codes.login, 'login')}${num},1,Set(ACM_AGENT=${agent})`)
      .same(`n,AddQueueMember(${name},\${ACM_AGENT})`).same('n,Playback(agent-loginok)').same('n,Hangup()');
    w.raw(`exten => ${dialplanToken(codes.logout, 'logout')}${num},1,Set(ACM_AGENT=${agent})`)
      .same(`n,RemoveQueueMember(${name},\${ACM_AGENT})`).same('n,Playback(agent-loggedoff)').same('n,Hangup()');
  }
  w.blank().comment('pause in every queue with a reason, and resume');
  reasons.forEach((r, i) => {
    w.raw(`exten => ${dialplanToken(codes.pause, 'pause')}${i + 1},1,Set(ACM_AGENT=${agent})`)
      .same(`n,PauseQueueMember(,\${ACM_AGENT},,${dialplanToken(r, 'pauseReasons')})`).same('n,Playback(beep)').same('n,Hangup()');
  });
  w.raw(`exten => ${dialplanToken(codes.unpause, 'unpause')},1,Set(ACM_AGENT=${agent})`)
    .same('n,UnpauseQueueMember(,${ACM_AGENT})').same('n,Playback(beep)').same('n,Hangup()');
  return w.toString();
}

/** The plugin's two files, rendered for every cluster (empty without queues: the main files include them either way). */
export function queueFiles(data: (clusterId: number) => Promise<QueueData>, codes: () => FeatureCodes, reasons: () => readonly string[]): ConfigFileDeclaration[] {
  return [
    {
      name: QUEUES_FILE, reload: 'app_queue.so', includeFrom: 'queues.conf', verify: queueVerifier,
      note: 'acm renders one section per queue; keep [general] with persistentmembers = yes so logged-in agents survive a reload.',
      render: async (s) => renderQueues(s, await data(s.cluster.id)),
    },
    {
      name: DIALPLAN_FILE, reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      note: 'acm renders the context queues (t<id>- prefixed for other tenants) and includes it from internal and every trunk context.',
      render: async (s) => renderQueueDialplan(s, await data(s.cluster.id), codes(), reasons()),
    },
  ];
}
