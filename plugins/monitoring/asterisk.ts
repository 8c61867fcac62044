import type { AmiService } from '../../sdk/index.ts';
import { humanDuration, type Metric } from './metrics.ts';
import type { LinkStatus } from '../roaming/api/index.ts';

/** What the Asterisk round of one server needs to know: which modules must be loaded, which endpoints are trunks. */
export interface AsteriskExpectations {
  modules: readonly string[];
  /** PJSIP endpoint name -> the trunk's name in acm. */
  trunks: ReadonlyMap<string, string>;
}

const metric = (key: string, label: string, state: Metric['state'], text: string, value: number | null = null): Metric =>
  ({ key, group: 'asterisk', label, state, text, value });
const why = (err: unknown) => (err as Error).message.slice(0, 200);

/**
 * The Asterisk metrics of one server over AMI: the connection, version and uptime, each module
 * that must be loaded (ModuleCheck: "Module not loaded" is red), channels, and each trunk's
 * contacts as qualify sees them (all Unreachable: "TRUNK DOWN"). An action that fails leaves its
 * metric unknown with the reason.
 */
export async function asteriskMetrics(ami: AmiService, serverId: number, connected: boolean, want: AsteriskExpectations): Promise<Metric[]> {
  if (!connected) return [metric('ami', 'AMI', 'red', 'not connected: Asterisk down or AMI refused')];
  const out: Metric[] = [metric('ami', 'AMI', 'green', 'connected')];
  const settings = ami.action(serverId, 'CoreSettings').then((r) => metric('version', 'Version', 'green', `Asterisk ${r.AsteriskVersion ?? '?'}`),
    (err) => metric('version', 'Version', 'unknown', `unknown: CoreSettings: ${why(err)}`));
  // CoreStatus gives dates in the server's local time; the CLI gives seconds, free of time zones.
  const uptime = ami.command(serverId, 'core show uptime seconds').then((lines) => {
    const up = /^System uptime: (\d+)$/.exec(lines.find((l) => l.startsWith('System uptime:'))?.trim() ?? '');
    const reload = /^Last reload: (\d+)$/.exec(lines.find((l) => l.startsWith('Last reload:'))?.trim() ?? '');
    if (!up) return [metric('asterisk-uptime', 'Asterisk uptime', 'unknown', `unknown: unreadable ${JSON.stringify(lines.join(' ').slice(0, 60))}`)];
    return [
      metric('asterisk-uptime', 'Asterisk uptime', 'green', `up ${humanDuration(Number(up[1]))}`, Number(up[1])),
      ...(reload ? [metric('last-reload', 'Last reload', 'green', `${humanDuration(Number(reload[1]))} ago`, Number(reload[1]))] : []),
    ];
  }, (err) => [metric('asterisk-uptime', 'Asterisk uptime', 'unknown', `unknown: ${why(err)}`)]);
  const backlog = ami.command(serverId, 'core show taskprocessors').then(taskprocessorMetric,
    (err) => metric('taskprocessors', 'Taskprocessors', 'unknown', `unknown: ${why(err)}`));
  const channels = ami.list(serverId, 'CoreShowChannels').then((items) => metric('channels', 'Channels', 'green', `${items.length} channel(s)`, items.length),
    (err) => metric('channels', 'Channels', 'unknown', `unknown: CoreShowChannels: ${why(err)}`));
  const modules = want.modules.map((m) => ami.action(serverId, 'ModuleCheck', { Module: m }).then(
    () => metric(`module:${m}`, `Module ${m}`, 'green', 'loaded', 1),
    (err) => (/Module not loaded/.test(why(err)) ? metric(`module:${m}`, `Module ${m}`, 'red', 'not loaded', 0) : metric(`module:${m}`, `Module ${m}`, 'unknown', `unknown: ModuleCheck: ${why(err)}`))));
  // PJSIPShowContacts lists registered contacts only; a trunk's static ones are in PJSIPShowEndpoint (recorded on Asterisk 20).
  const trunks = [...want.trunks].map(([endpoint, name]) => ami.list(serverId, 'PJSIPShowEndpoint', { Endpoint: endpoint }).then(
    (items) => trunkMetric(name, items.filter((i) => i.Event === 'ContactStatusDetail').map((i) => i.Status ?? '')),
    (err) => metric(`trunk:${name}`, `Trunk ${name}`, 'unknown', `unknown: PJSIPShowEndpoint: ${why(err)}`)));
  out.push(await settings, ...(await uptime), await channels, await backlog, ...(await Promise.all(modules)), ...(await Promise.all(trunks)));
  return out;
}

/** A trunk is down when every contact of it is Unreachable; one Reachable (or not qualified) contact carries calls. */
function trunkMetric(name: string, statuses: string[]): Metric {
  const key = `trunk:${name}`;
  if (!statuses.length) return metric(key, `Trunk ${name}`, 'unknown', 'unknown: no contact (not registered, no static contact)');
  if (statuses.includes('Reachable')) return metric(key, `Trunk ${name}`, 'green', 'reachable', 1);
  if (statuses.every((s) => s === 'Unreachable')) return metric(key, `Trunk ${name}`, 'red', 'TRUNK DOWN: does not answer OPTIONS', 0);
  if (statuses.includes('NonQualified')) return metric(key, `Trunk ${name}`, 'green', 'not qualified (no OPTIONS sent)', 1);
  return metric(key, `Trunk ${name}`, 'unknown', `unknown: contact status ${statuses.join(', ')}`);
}

/**
 * `core show taskprocessors` (Asterisk 20: name, processed, in queue, max depth, low and high
 * water, times): a queue at its high water is a backlog Asterisk itself warns of (red); past the
 * low water it is on its way (orange).
 */
export function taskprocessorMetric(lines: string[]): Metric {
  const key = 'taskprocessors';
  const header = lines.findIndex((l) => /^Processor\s+Processed\s+In Queue\s+Max Depth\s+Low water\s+High water/.test(l.trim()));
  if (header < 0) return metric(key, 'Taskprocessors', 'unknown', `unknown: unreadable ${JSON.stringify(lines.join(' ').trim().slice(0, 60))}`);
  const rows: { name: string; inQueue: number; low: number; high: number }[] = [];
  for (const l of lines.slice(header + 1)) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\b/.exec(l.trim());
    if (m) rows.push({ name: m[1]!, inQueue: Number(m[3]), low: Number(m[5]), high: Number(m[6]) });
  }
  if (!rows.length) return metric(key, 'Taskprocessors', 'unknown', 'unknown: no taskprocessor listed');
  const worst = rows.reduce((a, b) => (b.inQueue / b.high > a.inQueue / a.high ? b : a));
  const text = `${worst.name}: ${worst.inQueue} queued (low water ${worst.low}, high water ${worst.high})`;
  if (worst.inQueue >= worst.high) return metric(key, 'Taskprocessors', 'red', `backlog: ${text}`, worst.inQueue);
  if (worst.inQueue >= worst.low) return metric(key, 'Taskprocessors', 'orange', `filling: ${text}`, worst.inQueue);
  return metric(key, 'Taskprocessors', 'green', `${rows.length} taskprocessors, none backed up`, worst.inQueue);
}

/** Each inter-site link of the server (roaming): red unless chan_iax2 and pbx_dundi both qualify the peer OK. */
export function linkMetrics(links: readonly LinkStatus[]): Metric[] {
  return links.map((l) => {
    const up = l.iax === 'OK' && l.dundi === 'OK';
    const text = `IAX ${l.iax === 'OK' ? 'UP' : l.iax}${l.iaxMs === null ? '' : ` (${l.iaxMs} ms)`} / DUNDI ${l.dundi === 'OK' ? 'UP' : l.dundi}`;
    return metric(`link:${l.peerClusterId}`, `Link to cluster ${l.peerClusterId}`, up ? 'green' : 'red', text, up ? 1 : 0);
  });
}
