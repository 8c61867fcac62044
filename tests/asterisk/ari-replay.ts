/**
 * Replays a recorded ARI call-control session (tests/fixtures/asterisk20/ari-call-*.txt) against
 * a simulator: the same requests, each sent once the simulator has produced what the real server
 * had produced before it; answers the replies and events of both sides, projected onto the fields
 * the simulator models (types, causes, states, ids) and grouped by channel.
 */
import fs from 'node:fs';
import WebSocket from 'ws';

export interface RecordedRequest { at: number; method: string; path: string; body?: unknown; status: number; reason: string; reply: unknown }
export interface RecordedEvent { at: number; e: Record<string, any> }
export interface Recording { requests: RecordedRequest[]; events: RecordedEvent[] }

export function readRecording(file: string): Recording {
  const requests: RecordedRequest[] = [];
  const events: RecordedEvent[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\[\s*(\d+)ms\] (.*)$/.exec(line);
    if (!m) continue;
    const at = Number(m[1]);
    const rest = m[2]!;
    const reply = /^ {2}-> (\d+) (.*?) content-type=(\S+) ?(.*)$/.exec(rest);
    if (reply) {
      const r = requests[requests.length - 1]!;
      r.status = Number(reply[1]);
      r.reason = reply[2]!;
      r.reply = reply[4] ? JSON.parse(reply[4]) : undefined;
      continue;
    }
    if (rest.startsWith('EVENT ')) { events.push({ at, e: JSON.parse(rest.slice(6)) }); continue; }
    const req = /^(GET|POST|DELETE) (\S+)(?: (.*))?$/.exec(rest);
    if (req) requests.push({ at, method: req[1]!, path: req[2]!, body: req[3] ? JSON.parse(req[3]) : undefined, status: 0, reason: '', reply: undefined });
  }
  return { requests, events };
}

/** What the comparison looks at in an event (variables the simulator does not set are left out). */
export function project(e: Record<string, any>): string | undefined {
  if (e.type === 'ChannelVarset' && !['STASISSTATUS', 'BRIDGEPEER'].includes(e.variable)) return undefined;
  const parts = [e.type];
  for (const k of ['cause', 'cause_txt', 'tech_cause', 'soft', 'dialstatus', 'dialstring', 'variable', 'args', 'digit']) if (e[k] !== undefined) parts.push(`${k}=${JSON.stringify(e[k])}`);
  const ch = e.channel ?? e.peer;
  if (ch) parts.push(`state=${ch.state}`, `app=${ch.dialplan?.app_name}`);
  if (e.type === 'ChannelDialplan') parts.push(`${e.dialplan_app}(${e.dialplan_app_data})`);
  if (e.playback) parts.push(`playback=${e.playback.id.startsWith('rec-') ? e.playback.id : '<uuid>'} ${e.playback.media_uri} ${e.playback.next_media_uri ?? '-'} ${e.playback.state}`);
  if (e.bridge) parts.push(`bridge=${e.bridge.id} ${e.bridge.technology} [${e.bridge.channels.join(',')}]`);
  return parts.join(' ');
}

/** Events by the channel (or bridge) they are about, projected. */
export function byChannel(events: Record<string, any>[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const p = project(e);
    if (!p) continue;
    const key = e.channel?.id ?? e.peer?.id ?? e.playback?.target_uri?.replace(/^channel:/, '') ?? `bridge:${e.bridge?.id}`;
    (out[key] ??= []).push(p);
  }
  return out;
}

export const replyOf = (r: { status: number; reason: string; reply: unknown }): string => {
  const b = r.reply as Record<string, unknown> | undefined;
  const id = typeof b?.id === 'string' && !b.id.startsWith('rec-') ? '<id>' : b?.id;
  return `${r.status} ${r.reason} ${JSON.stringify(b === undefined ? null : b.message ?? b.error ?? { id, state: b.state, name: typeof b.name === 'string' ? b.name.replace(/-[0-9a-f]{8}/, '-N') : undefined })}`;
};

/**
 * Replays `rec` against the ARI at `base` (user:password), app `app`. Requests go in the recorded
 * order; each waits until the simulator has sent as many events as the recording shows more than
 * 3 ms before it (the recorder logged a request after its reply, so later ones may be its effects).
 */
export async function replay(rec: Recording, base: string, auth: string, app: string, settleMs = 4000): Promise<{ replies: RecordedRequest[]; events: Record<string, any>[] }> {
  const events: Record<string, any>[] = [];
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ari/events?app=${app}&subscribeAll=false`, { headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } });
  ws.on('message', (d) => events.push(JSON.parse(String(d)) as Record<string, any>));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  const counted = (list: Record<string, any>[]) => list.filter((e) => project(e) !== undefined).length;
  const waitFor = async (n: number, ms: number) => {
    const end = Date.now() + ms;
    while (counted(events) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  };
  const replies: RecordedRequest[] = [];
  try {
    for (const r of rec.requests) {
      await waitFor(counted(rec.events.filter((e) => e.at < r.at - 3).map((e) => e.e)), settleMs);
      const res = await fetch(`${base}/ari${r.path}`, {
        method: r.method, headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(r.body ? { 'Content-Type': 'application/json' } : {}) },
        body: r.body ? JSON.stringify(r.body) : undefined,
      });
      const text = await res.text();
      replies.push({ ...r, status: res.status, reason: res.statusText, reply: text ? JSON.parse(text) : undefined });
    }
    await waitFor(counted(rec.events.map((e) => e.e)), settleMs);
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    ws.close();
  }
  return { replies, events };
}
