/**
 * The simulated PBX state shared by the AMI, ARI, SFTP and SIP fronts: pjsip objects and
 * contacts, dialplan, channels, queues, AstDB, conferences, mailboxes. Emits
 * 'ami' ({name, privilege, fields}) for AMI sessions and 'ari' (event object) for ARI apps.
 */
import crypto from 'node:crypto';
import { parseCallerId } from './pjsip.ts';
import { dirSource } from './config-parser.ts';
import { RELOAD_OK, type ReloadAnswer } from './modules.ts';
import { QueueStore } from './queues.ts';
import { defaultTaskprocessors } from './taskprocessors.ts';
import { PbxConfig, soName, type PbxStateOptions } from './state-config.ts';

export type { PbxStateOptions } from './state-config.ts';
export type { SimQueue, SimQueueEntry, SimQueueMember } from './queues.ts';

export type Fields = Array<[string, string]>;

/** An AMI event as produced by the state. */
export interface SimAmiEvent {
  name: string;
  /** Privilege class, e.g. 'system', 'call', 'agent', 'security', 'cdr'. */
  privilege: string;
  fields: Fields;
}

export interface SimContact {
  aor: string;
  uri: string;
  viaAddr: string;
  viaPort: number;
  callId: string;
  userAgent: string;
  expiresAt: number;
}

export interface SimChannel {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: number;
  callerIdNum: string;
  callerIdName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  priority: number;
  app: string;
  appData: string;
  createdAt: number;
  answeredAt?: number;
  bridgeId: string;
  endpoint?: string;
  /** ARI `protocol_id` (a PJSIP channel's SIP Call-ID). */
  protocolId?: string;
}

export interface SimConferenceMember {
  channel: string;
  uniqueid: string;
  callerIdNum: string;
  callerIdName: string;
  admin: boolean;
  joinedAt: number;
}

/** ast_device_state names by number (main/devicestate.c devstatestring). */
const DEVICE_STATES = ['UNKNOWN', 'NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'];

export const CHANNEL_STATE_DESC: Record<number, string> = { 0: 'Down', 1: 'Rsrvd', 2: 'OffHook', 3: 'Dialing', 4: 'Ring', 5: 'Ringing', 6: 'Up', 7: 'Busy' };

export class PbxState extends PbxConfig {
  /** Registered (dynamic) contacts keyed by aor. */
  readonly contacts = new Map<string, SimContact[]>();
  readonly channels = new Map<string, SimChannel>();
  readonly db = new Map<string, string>();
  /** app_queue's queues, from queues.conf. */
  readonly queues: QueueStore;
  readonly conferences = new Map<string, SimConferenceMember[]>();
  readonly mailboxes = new Map<string, { urgent: number; newMsgs: number; old: number }>();
  /** ARI apps with a connected WebSocket (name -> count of sockets). */
  readonly ariApps = new Map<string, number>();
  readonly startedAt = new Date();
  processedCalls = 0;
  private seq = 0;
  private localSeq = 0;
  constructor(systemName: string, configRoot: string, opts: PbxStateOptions = {}) {
    super(systemName, configRoot, opts);
    this.setMaxListeners(0);
    this.queues = new QueueStore({ deviceState: (i) => this.deviceState(i), emit: (n, f) => this.emitAmi(n, 'agent', f), db: this.db, log: this.log });
  }

  // --- app_queue ---------------------------------------------------------------------
  override loadAll(): void {
    super.loadAll();
    if (!this.queues.load(dirSource(this.configRoot), false)) {
      this.log.push('ERROR loader.c: app_queue declined to load.');
      this.loadedModules.delete('app_queue.so');
      this.declinedModules.add('app_queue.so');
    }
  }

  /** app_queue's reload always reports success (reload() returns 0); a res_pjsip reload may change members' device states. */
  override reloadModule(module: string): ReloadAnswer {
    if (soName(module) === 'app_queue.so' && this.loadedModules.has('app_queue.so')) {
      this.lastReloadAt = new Date();
      this.queues.load(dirSource(this.configRoot), true);
      return RELOAD_OK;
    }
    const r = super.reloadModule(module);
    if (soName(module) === 'res_pjsip.so') this.queues.deviceChanged();
    return r;
  }

  protected override loadModule(mod: string): boolean {
    return mod === 'app_queue.so' ? this.queues.load(dirSource(this.configRoot), false) : super.loadModule(mod);
  }

  /**
   * ast_device_state of an interface: PJSIP endpoints by contacts and channels, Local/exten@context
   * by the dialplan (core_local.c), Custom:name by AstDB CustomDevstate (Unknown when never set);
   * any other technology is Invalid (4).
   */
  deviceState(iface: string): number {
    // Channel technologies are `Tech/resource`, device state providers `Provider:name`.
    const m = /^([^/:]*)([/:])(.*)$/.exec(iface);
    const tech = `${m?.[1] ?? ''}${m?.[2] ?? ''}`.toLowerCase();
    const res = m?.[3] ?? '';
    if (tech === 'pjsip/') {
      if (!this.pjsip.get('endpoint', res)) return 4;
      return { 'Not in use': 1, 'In use': 2, Ringing: 6, Unavailable: 5 }[this.endpointDeviceState(res)] ?? 0;
    }
    if (tech === 'local/') {
      const [exten = '', context = 'default'] = res.replace(/\/[^/@]*$/, '').split('@');
      if (!this.dialplan.match(context, exten)) return 4;
      return [...this.channels.keys()].some((n) => n.startsWith(`Local/${exten}@${context}-`)) ? 2 : 1;
    }
    if (tech === 'custom:') return Math.max(0, DEVICE_STATES.indexOf(this.db.get(`/CustomDevstate/${res}`) ?? 'UNKNOWN'));
    return 4;
  }

  private endpointChanged(endpoint: string | undefined): void {
    if (endpoint) this.queues.deviceChanged(`PJSIP/${endpoint}`);
  }

  // --- ids ---------------------------------------------------------------------------
  /** `<systemname>-<epoch>.<seq>` like Asterisk with systemname set. */
  newUniqueid(): string {
    return `${this.systemName}-${Math.floor(Date.now() / 1000)}.${this.seq++}`;
  }

  newChannelSuffix(): string {
    return (this.localSeq++).toString(16).padStart(8, '0');
  }

  // --- events ------------------------------------------------------------------------
  emitAmi(name: string, privilege: string, fields: Fields): void {
    this.emit('ami', { name, privilege, fields } satisfies SimAmiEvent);
  }

  emitAri(event: Record<string, unknown>): void {
    this.emit('ari', { ...event, timestamp: ariTimestamp(new Date()), asterisk_id: '02:fc:00:00:00:01' });
  }

  // --- endpoints ---------------------------------------------------------------------
  endpointNames(): string[] {
    return this.pjsip.list('endpoint').map((e) => e.name);
  }

  endpointAors(name: string): string[] {
    const e = this.pjsip.get('endpoint', name);
    return (e?.options.aors ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  endpointAuths(name: string): string[] {
    const e = this.pjsip.get('endpoint', name);
    return (e?.options.auth ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Contacts of an aor: permanent `contact=` ones then registered ones, as `{aor, uri}`. */
  aorContacts(aor: string): Array<{ aor: string; uri: string; permanent: boolean; reg?: SimContact }> {
    const obj = this.pjsip.get('aor', aor);
    if (!obj) return [];
    const out: Array<{ aor: string; uri: string; permanent: boolean; reg?: SimContact }> = [];
    for (const c of this.contacts.get(aor) ?? []) out.push({ aor, uri: c.uri, permanent: false, reg: c });
    for (const uri of obj.multi.contact ?? []) out.push({ aor, uri, permanent: true });
    return out;
  }

  /**
   * What qualify found per contact (`<aor>|<uri>`: PJSIPShowEndpoint's ContactStatusDetail `Status`):
   * the simulator sends no OPTIONS, so a test says Reachable / Unreachable; NonQualified otherwise.
   */
  readonly qualifyStatus = new Map<string, 'Reachable' | 'Unreachable' | 'Unknown'>();
  /** `core show taskprocessors`: a test fills a queue (`get('app_voicemail')!.inQueue = 600`). */
  readonly taskprocessors = defaultTaskprocessors();

  contactStatus(aor: string, uri: string): string {
    return this.qualifyStatus.get(`${aor}|${uri}`) ?? 'NonQualified';
  }

  endpointContacts(name: string): Array<{ aor: string; uri: string; permanent: boolean; reg?: SimContact }> {
    return this.endpointAors(name).flatMap((a) => this.aorContacts(a));
  }

  endpointChannels(name: string): SimChannel[] {
    return [...this.channels.values()].filter((c) => c.endpoint === name);
  }

  /** Device state text as in PJSIPShowEndpoints ('Not in use', 'Unavailable', 'In use', 'Ringing'). */
  endpointDeviceState(name: string): string {
    const chans = this.endpointChannels(name);
    if (chans.some((c) => c.state === 5)) return 'Ringing';
    if (chans.length > 0) return 'In use';
    return this.endpointContacts(name).length > 0 ? 'Not in use' : 'Unavailable';
  }

  endpointCallerId(name: string): { name: string; num: string } | undefined {
    return parseCallerId(this.pjsip.get('endpoint', name)?.options.callerid);
  }

  /** Register (or refresh) a contact; emits ContactStatus/PeerStatus/DeviceStateChange like PJSIP. */
  register(aor: string, uri: string, o: { viaAddr?: string; viaPort?: number; callId?: string; userAgent?: string; expires?: number } = {}): boolean {
    if (!this.pjsip.get('aor', aor)) return false;
    const list = this.contacts.get(aor) ?? [];
    const existing = list.find((c) => c.uri === uri);
    const url = /@([^:;>]+)(?::(\d+))?/.exec(uri);
    const c: SimContact = {
      aor,
      uri,
      viaAddr: o.viaAddr ?? url?.[1] ?? '127.0.0.1',
      viaPort: o.viaPort ?? Number(url?.[2] ?? 5060),
      callId: o.callId ?? `sim-${crypto.randomBytes(4).toString('hex')}@127.0.0.1`,
      userAgent: o.userAgent ?? 'acm-sim/0.1',
      expiresAt: Math.floor(Date.now() / 1000) + (o.expires ?? 3600),
    };
    if (existing) Object.assign(existing, c);
    else list.push(c);
    this.contacts.set(aor, list);
    if (!existing) {
      const endpoint = this.endpointNames().find((e) => this.endpointAors(e).includes(aor)) ?? aor;
      this.emitAmi('PeerStatus', 'system', [['ChannelType', 'PJSIP'], ['Peer', `PJSIP/${endpoint}`], ['PeerStatus', 'Reachable']]);
      this.emitAmi('ContactStatus', 'system', [['URI', uri], ['ContactStatus', 'NonQualified'], ['AOR', aor], ['EndpointName', endpoint], ['RoundtripUsec', '0']]);
      this.emitAmi('DeviceStateChange', 'call', [['Device', `PJSIP/${endpoint}`], ['State', 'NOT_INUSE']]);
      this.emitAri({ type: 'ContactStatusChange', endpoint: this.ariEndpoint(endpoint), contact_info: { uri, contact_status: 'NonQualified', aor, roundtrip_usec: '0' } });
      this.endpointChanged(endpoint);
    }
    return true;
  }

  /** Remove a registered contact (expiry/unregister). */
  unregister(aor: string, uri?: string): void {
    const list = this.contacts.get(aor) ?? [];
    const gone = list.filter((c) => uri === undefined || c.uri === uri);
    this.contacts.set(aor, list.filter((c) => !gone.includes(c)));
    const endpoint = this.endpointNames().find((e) => this.endpointAors(e).includes(aor)) ?? aor;
    for (const c of gone) {
      this.emitAmi('PeerStatus', 'system', [['ChannelType', 'PJSIP'], ['Peer', `PJSIP/${endpoint}`], ['PeerStatus', 'Unreachable']]);
      this.emitAmi('DeviceStateChange', 'call', [['Device', `PJSIP/${endpoint}`], ['State', 'UNAVAILABLE']]);
      this.emitAmi('ContactStatus', 'system', [['URI', c.uri], ['ContactStatus', 'Removed'], ['AOR', aor], ['EndpointName', endpoint], ['RoundtripUsec', '0']]);
    }
    if (gone.length > 0) this.endpointChanged(endpoint);
  }

  ariEndpoint(name: string): Record<string, unknown> {
    return {
      technology: 'PJSIP',
      resource: name,
      state: this.endpointContacts(name).length > 0 ? 'online' : 'offline',
      channel_ids: this.endpointChannels(name).map((c) => c.uniqueid),
    };
  }

  // --- channels ----------------------------------------------------------------------
  channelFields(c: SimChannel, prefix = ''): Fields {
    return [
      [`${prefix}Channel`, c.name],
      [`${prefix}ChannelState`, String(c.state)],
      [`${prefix}ChannelStateDesc`, CHANNEL_STATE_DESC[c.state] ?? 'Unknown'],
      [`${prefix}CallerIDNum`, c.callerIdNum || '<unknown>'],
      [`${prefix}CallerIDName`, c.callerIdName || '<unknown>'],
      [`${prefix}ConnectedLineNum`, c.connectedNum || '<unknown>'],
      [`${prefix}ConnectedLineName`, c.connectedName || '<unknown>'],
      [`${prefix}Language`, 'en'],
      [`${prefix}AccountCode`, ''],
      [`${prefix}Context`, c.context],
      [`${prefix}Exten`, c.exten],
      [`${prefix}Priority`, String(c.priority)],
      [`${prefix}Uniqueid`, c.uniqueid],
      [`${prefix}Linkedid`, c.linkedid],
    ];
  }

  ariChannel(c: SimChannel): Record<string, unknown> {
    return {
      id: c.uniqueid,
      name: c.name,
      state: CHANNEL_STATE_DESC[c.state] ?? 'Unknown',
      protocol_id: c.protocolId ?? '',
      caller: { name: c.callerIdName, number: c.callerIdNum },
      connected: { name: c.connectedName, number: c.connectedNum },
      accountcode: '',
      dialplan: { context: c.context, exten: c.exten, priority: c.priority, app_name: c.app, app_data: c.appData },
      creationtime: ariTimestamp(new Date(c.createdAt)),
      language: 'en',
    };
  }

  /** Create a channel and emit Newchannel. */
  newChannel(o: { name: string; uniqueid?: string; endpoint?: string; callerIdNum?: string; callerIdName?: string; context?: string; exten?: string; linkedid?: string; state?: number }): SimChannel {
    const uniqueid = o.uniqueid ?? this.newUniqueid();
    const c: SimChannel = {
      name: o.name,
      uniqueid,
      linkedid: o.linkedid ?? uniqueid,
      state: o.state ?? 0,
      callerIdNum: o.callerIdNum ?? '',
      callerIdName: o.callerIdName ?? '',
      connectedNum: '',
      connectedName: '',
      context: o.context ?? 'from-internal',
      exten: o.exten ?? 's',
      priority: 1,
      app: '',
      appData: '',
      createdAt: Date.now(),
      bridgeId: '',
      endpoint: o.endpoint,
    };
    this.channels.set(c.name, c);
    this.emitAmi('Newchannel', 'call', this.channelFields(c));
    if (c.endpoint) this.emitAmi('DeviceStateChange', 'call', [['Device', `PJSIP/${c.endpoint}`], ['State', 'INUSE']]);
    this.endpointChanged(c.endpoint);
    return c;
  }

  setChannelState(c: SimChannel, state: number): void {
    c.state = state;
    if (state === 6 && !c.answeredAt) c.answeredAt = Date.now();
    this.emitAmi('Newstate', 'call', this.channelFields(c));
    this.endpointChanged(c.endpoint);
  }

  /** Hang up a channel: Hangup event (+ Cdr for the originating side), DeviceStateChange. */
  hangup(c: SimChannel, cause = 16, cdr?: { destination: string; destChannel?: string; disposition?: string }): void {
    if (!this.channels.delete(c.name)) return;
    this.processedCalls++;
    const causeTxt: Record<number, string> = { 0: 'Unknown', 16: 'Normal Clearing', 17: 'User busy', 19: 'No answer', 21: 'Call Rejected', 26: 'Answered elsewhere' };
    if (cdr) {
      const end = new Date();
      const start = new Date(c.createdAt);
      const dur = Math.round((end.getTime() - c.createdAt) / 1000);
      const bill = c.answeredAt ? Math.round((end.getTime() - c.answeredAt) / 1000) : 0;
      this.emitAmi('Cdr', 'cdr', [
        ['AccountCode', ''],
        ['Source', c.callerIdNum],
        ['Destination', cdr.destination],
        ['DestinationContext', c.context],
        ['CallerID', `"${c.callerIdName}" <${c.callerIdNum}>`],
        ['Channel', c.name],
        ['DestinationChannel', cdr.destChannel ?? ''],
        ['LastApplication', c.app || 'Dial'],
        ['LastData', c.appData],
        ['StartTime', cdrTime(start)],
        ['AnswerTime', c.answeredAt ? cdrTime(new Date(c.answeredAt)) : ''],
        ['EndTime', cdrTime(end)],
        ['Duration', String(dur)],
        ['BillableSeconds', String(bill)],
        ['Disposition', cdr.disposition ?? (c.answeredAt ? 'ANSWERED' : 'NO ANSWER')],
        ['AMAFlags', 'DOCUMENTATION'],
        ['UniqueID', c.uniqueid],
        ['UserField', ''],
      ]);
    }
    this.emitAmi('Hangup', 'call', [...this.channelFields(c), ['Cause', String(cause)], ['Cause-txt', causeTxt[cause] ?? 'Unknown']]);
    if (c.endpoint) this.emitAmi('DeviceStateChange', 'call', [['Device', `PJSIP/${c.endpoint}`], ['State', this.endpointContacts(c.endpoint).length > 0 ? 'NOT_INUSE' : 'UNAVAILABLE']]);
    this.endpointChanged(c.endpoint);
    if (c.app === 'Stasis') this.emitAri({ type: 'StasisEnd', application: c.appData.split(',')[0] ?? '', channel: this.ariChannel(c) });
  }

}

export function ariTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

function cdrTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
