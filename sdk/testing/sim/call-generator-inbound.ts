/**
 * What the call generator needs around a call it ran through the dialplan (dialplan-runner.ts):
 * the DIDs a trunk's calls can dial, the channels the dialplan rang for a caller, and the events
 * Asterisk 20 sends when a caller leaves a message (app_voicemail's MessageWaiting, as recorded in
 * ami-ev-voicemail.txt) or sits in a ConfBridge (ConfbridgeStart/Join/Leave/End, ami-ev-conference.txt).
 */
import type { Fields, PbxState, SimChannel } from './state.ts';

const NUMBER = /^\+?[0-9]+$/;

/**
 * The DIDs a call from `trunk` can dial: the explicit numeric extensions (with a priority 1) of
 * the context its calls land in (pjsip.conf `context`) and of the contexts that one includes,
 * in dialplan order. A trunk that lands in the phones' context finds their extensions there too:
 * when some of the numbers have 7 digits or more (a DID's length), only those count.
 * None when the trunk is no pjsip endpoint or its context holds no such extension.
 */
export function trunkDids(state: PbxState, trunk: string): string[] {
  const ep = state.pjsip.get('endpoint', trunk);
  if (!ep) return [];
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name.toLowerCase())) return;
    seen.add(name.toLowerCase());
    const ctx = state.dialplan.contexts.get(name);
    if (!ctx) return;
    for (const e of ctx.extensions.values()) if (NUMBER.test(e.exten) && e.priorities.some((p) => p.priority === 1)) found.push(e.exten);
    // include_alloc: the context name up to the first `|` (else `,`); a timed include counts at any time.
    for (const inc of ctx.includes) walk(inc.split(inc.includes('|') ? '|' : ',')[0]!.trim());
  };
  walk(ep.options.context || 'default');
  const unique = [...new Set(found)];
  const dids = unique.filter((n) => n.replace('+', '').length >= 7);
  return dids.length ? dids : unique;
}

/** The channels ringing or up for caller `a` (Dial's peers, the queue members app_queue rang), in creation order. */
export function channelsFor(state: PbxState, a: SimChannel): SimChannel[] {
  return [...state.channels.values()].filter((c) => c !== a && c.linkedid === a.uniqueid);
}

/** A channel's device (`PJSIP/6101-00000003` → `PJSIP/6101`), as app_queue names the member it rang. */
export function deviceOf(c: SimChannel): string {
  return c.name.includes('-') ? c.name.slice(0, c.name.lastIndexOf('-')) : c.name;
}

/** `box@context` of VoiceMail's first mailbox argument (app_voicemail: no context is `default`). */
export function mailboxName(arg: string): string {
  const first = arg.split('&')[0]!.trim();
  return first.includes('@') ? first : `${first}@default`;
}

/**
 * The caller hung up after the tone: app_voicemail saves the message and publishes MWI — one
 * MessageWaiting with the channel's fields (it is not destroyed yet) and the box's new counts.
 */
export function leaveMessage(state: PbxState, a: SimChannel, mailbox: string): void {
  const box = state.mailboxes.get(mailbox) ?? { urgent: 0, newMsgs: 0, old: 0 };
  box.newMsgs++;
  state.mailboxes.set(mailbox, box);
  state.emitAmi('MessageWaiting', 'call', [...state.channelFields(a), ['Mailbox', mailbox], ['Waiting', '1'], ['New', String(box.newMsgs)], ['Old', String(box.old)]]);
}

/** The bridge fields app_confbridge's events start with (ast_bridge_snapshot); the count leaves out the announcer. */
function bridgeFields(conference: string, channels: number): Fields {
  const n = [...conference].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7).toString(16).padStart(12, '0').slice(-12);
  return [['Conference', conference], ['BridgeUniqueid', `00000000-0000-4000-8000-${n}`], ['BridgeType', 'base'], ['BridgeTechnology', 'softmix'],
    ['BridgeCreator', 'ConfBridge'], ['BridgeName', conference], ['BridgeNumChannels', String(channels)], ['BridgeVideoSourceMode', 'none']];
}

/** The caller enters ConfBridge(conference): ConfbridgeStart for the first one, ConfbridgeJoin. */
export function confbridgeJoin(state: PbxState, conference: string, a: SimChannel): void {
  const members = state.conferences.get(conference) ?? [];
  if (!members.length) state.emitAmi('ConfbridgeStart', 'call', bridgeFields(conference, 0));
  members.push({ channel: a.name, uniqueid: a.uniqueid, callerIdNum: a.callerIdNum, callerIdName: a.callerIdName, admin: false, joinedAt: Date.now() });
  state.conferences.set(conference, members);
  state.emitAmi('ConfbridgeJoin', 'call', [...bridgeFields(conference, members.length), ...state.channelFields(a), ['Admin', 'No'], ['Muted', 'No']]);
}

/** The caller leaves: ConfbridgeLeave (the count before it left, as recorded), ConfbridgeEnd after the last. */
export function confbridgeLeave(state: PbxState, conference: string, a: SimChannel): void {
  const members = state.conferences.get(conference) ?? [];
  if (!members.some((m) => m.uniqueid === a.uniqueid)) return;
  state.emitAmi('ConfbridgeLeave', 'call', [...bridgeFields(conference, members.length), ...state.channelFields(a), ['Admin', 'No']]);
  const rest = members.filter((m) => m.uniqueid !== a.uniqueid);
  if (rest.length) state.conferences.set(conference, rest);
  else {
    state.conferences.delete(conference);
    state.emitAmi('ConfbridgeEnd', 'call', bridgeFields(conference, 0));
  }
}
