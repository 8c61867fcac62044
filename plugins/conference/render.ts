import { ConfWriter, confName, confValue, dialNumberProblem, tenantPrefix, type ClusterSnapshotView, type ConfigFileDeclaration } from '../../sdk/index.ts';
import { confbridgeVerifier } from './verify.ts';
import type { Room } from './entities.ts';

export const CONFBRIDGE_FILE = 'acm/confbridge.conf';
export const DIALPLAN_FILE = 'acm/extensions-conference.conf';
/** AstDB family the scheduler writes `open`/`closed` into, one key per room number. */
export const ASTDB_FAMILY = 'acm-conference';

export interface RenderOptions {
  recordingsDir: string;
  pinAttempts: number;
}

/** The dialplan context rooms are reached at (tenant-prefixed). */
export const conferencesContext = (tenant: { readonly id: number }) => confName(`${tenantPrefix(tenant)}conferences`, 'context');

/** Section names of one room (confbridge.conf) — the room number is digits only. */
export const profileNames = (number: string) => {
  const base = confName(`acm-conf-${number}`, 'number');
  return { bridge: `${base}-bridge`, user: `${base}-user`, admin: `${base}-admin`, menu: `${base}-menu`, adminMenu: `${base}-admin-menu`, recording: base };
};


const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const digits = (v: string, field: string) => {
  if (!/^[0-9]+$/.test(v)) throw new Error(`${field} must be digits`);
  return v;
};

function byNumber(rooms: readonly Room[]): Room[] {
  return [...rooms].sort((a, b) => a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
}

/** confbridge.conf: per room a bridge profile, a user and an admin profile, a user and an admin menu. */
export function renderConfbridge(snapshot: ClusterSnapshotView, rooms: readonly Room[], opts: RenderOptions): string {
  const w = new ConfWriter();
  if (!rooms.length) return '';
  w.comment(`ConfBridge rooms of cluster ${snapshot.cluster.name} (rendered by acm, edits are overwritten)`);
  for (const r of byNumber(rooms)) {
    const n = profileNames(r.number);
    w.blank().section(n.bridge).set('type', 'bridge');
    if (r.description) w.comment(r.description);
    if (r.maxUsers) w.set('max_members', r.maxUsers, 'maxUsers');
    w.set('video_mode', r.videoMode, 'videoMode');
    w.set('record_conference', yesNo(r.record), 'record');
    if (r.record) {
      // Asterisk appends -<epoch> before the extension (record_file_timestamp, default yes).
      w.set('record_file', `${opts.recordingsDir.replace(/\/+$/, '')}/${n.recording}.wav`, 'recordingsDir');
      w.set('record_file_timestamp', 'yes');
    }

    w.blank().section(n.user).set('type', 'user')
      .set('talk_detection_events', 'yes')
      .set('announce_user_count', 'yes')
      .set('music_on_hold_when_empty', 'yes');

    w.blank().section(n.admin).set('type', 'user')
      .set('admin', 'yes')
      .set('marked', 'yes')
      .set('talk_detection_events', 'yes')
      .set('announce_user_count', 'yes');

    w.blank().section(n.menu).set('type', 'menu')
      .set('*', 'playback_and_continue(conf-usermenu)')
      .set('*1', 'toggle_mute')
      .set('1', 'toggle_mute')
      .set('*4', 'decrease_listening_volume')
      .set('*6', 'increase_listening_volume');

    w.blank().section(n.adminMenu).set('type', 'menu')
      .set('*', 'playback_and_continue(conf-adminmenu)')
      .set('*1', 'toggle_mute')
      .set('1', 'toggle_mute')
      .set('*2', 'admin_toggle_conference_lock')
      .set('*3', 'admin_kick_last')
      .set('*4', 'decrease_listening_volume')
      .set('*6', 'increase_listening_volume')
      .set('*8', 'admin_toggle_mute_participants');
  }
  return w.toString();
}

/**
 * The dialplan: context `conferences` (tenant-prefixed) with one extension per room number and
 * per external number, included from the tenant's internal context and every trunk context so
 * extensions and inbound DIDs reach it. Callers get in only while the scheduler has the room
 * `open` in AstDB; with a PIN set they are asked for it (Read) and the PIN decides user or admin.
 * No caller-controlled channel data reaches an argument unfiltered: the DB value is the
 * scheduler's, ACM_CONF_TRIES is counted here and ACM_CONF_PIN holds only what Read collects
 * (DTMF digits); both only inside quoted `$[…]` comparisons (see dialplan-args.property.test.ts).
 */
export function renderConferenceDialplan(snapshot: ClusterSnapshotView, rooms: readonly Room[], opts: RenderOptions): string {
  if (!rooms.length) return '';
  const p = tenantPrefix(snapshot.tenant);
  const ctx = conferencesContext(snapshot.tenant);
  const w = new ConfWriter();
  w.comment(`ConfBridge rooms of cluster ${snapshot.cluster.name} (rendered by acm, edits are overwritten)`);

  const callers = new Set<string>([`${p}internal`]);
  for (const t of [...snapshot.trunks].sort((a, b) => a.id - b.id)) callers.add(`${p}${t.context || 'internal'}`);
  for (const c of [...callers].sort()) w.blank().section(c).raw(`include => ${ctx}`);

  w.blank().section(ctx);
  for (const r of byNumber(rooms)) {
    const num = digits(r.number, 'number');
    const n = profileNames(num);
    const bridge = (profile: string, menu: string) => `ConfBridge(${num},${n.bridge},${profile},${menu})`;
    w.raw('');
    w.comment(`room ${num}${r.description ? `: ${r.description}` : ''}`);
    w.raw(`exten => ${num},1,NoOp(acm conference ${num})`);
    w.raw(` same => n,GotoIf($["\${DB(${ASTDB_FAMILY}/${num})}" = "open"]?open)`);
    w.raw(' same => n,Answer()');
    w.raw(' same => n,Playback(conf-locked)');
    w.raw(' same => n,Hangup()');
    const userPin = r.userPin ? digits(r.userPin, 'userPin') : null;
    const adminPin = r.adminPin ? digits(r.adminPin, 'adminPin') : null;
    if (!userPin && !adminPin) {
      w.raw(` same => n(open),${bridge(n.user, n.menu)}`);
      w.raw(' same => n,Hangup()');
    } else {
      w.raw(' same => n(open),Answer()');
      w.raw(' same => n,Set(ACM_CONF_TRIES=0)');
      w.raw(' same => n(pin),Read(ACM_CONF_PIN,conf-getpin,16,,1,10)');
      if (adminPin) w.raw(` same => n,GotoIf($["\${ACM_CONF_PIN}" = "${adminPin}"]?admin)`);
      // Without a user PIN, callers who just press # (or wait) join as users.
      w.raw(` same => n,GotoIf($["\${ACM_CONF_PIN}" = "${userPin ?? ''}"]?user)`);
      w.raw(' same => n,Set(ACM_CONF_TRIES=$[${ACM_CONF_TRIES} + 1])');
      w.raw(` same => n,GotoIf($[\${ACM_CONF_TRIES} < ${opts.pinAttempts}]?retry)`);
      w.raw(' same => n,Playback(conf-invalidpin)');
      w.raw(' same => n,Hangup()');
      w.raw(' same => n(retry),Playback(conf-invalidpin)');
      w.raw(' same => n,Goto(pin)');
      if (adminPin) {
        w.raw(` same => n(admin),${bridge(n.admin, n.adminMenu)}`);
        w.raw(' same => n,Hangup()');
      }
      w.raw(` same => n(user),${bridge(n.user, n.menu)}`);
      w.raw(' same => n,Hangup()');
    }
    if (r.externalNumber) {
      const did = confValue(r.externalNumber, 'externalNumber');
      const problem = dialNumberProblem(did);
      if (problem) throw new Error(`externalNumber must be ${problem}`);
      w.raw(`exten => ${did},1,Goto(${ctx},${num},1)`);
    }
  }
  return w.toString();
}

/**
 * The plugin's two files, rendered for every cluster from its rooms there (empty without rooms:
 * the site's main files include them either way). The dialplan file is checked by the core's
 * pbx_config verifier; confbridge.conf by `confbridgeVerifier`.
 */
export function conferenceFiles(rooms: (clusterId: number) => Promise<readonly Room[]>, opts: RenderOptions): ConfigFileDeclaration[] {
  const mine = async (s: ClusterSnapshotView) => (await rooms(s.cluster.id)).filter((r) => r.clusterId === s.cluster.id);
  return [
    {
      name: CONFBRIDGE_FILE, reload: 'app_confbridge.so', includeFrom: 'confbridge.conf', verify: confbridgeVerifier,
      render: async (s) => renderConfbridge(s, await mine(s), opts),
    },
    {
      name: DIALPLAN_FILE, reload: 'pbx_config.so', includeFrom: 'extensions.conf',
      note: 'acm renders the context conferences (t<id>- prefixed for other tenants) and includes it from internal and every trunk context.',
      render: async (s) => renderConferenceDialplan(s, await mine(s), opts),
    },
  ];
}
