import {
  ConfWriter, confName, dialplanToken, fileHeader, objectNames, tenantPrefix, type ClusterSnapshotView, type ExtensionView,
} from '../../sdk/index.ts';
import type { HotdeskPhone } from './entities.ts';

export const DIALPLAN_FILE = 'acm/extensions-hotdesk.conf';
/** Asterisk's own database family the dialplan reads: `phone/<phone endpoint>` = user extension, `user/<user endpoint>` = phone endpoint. */
export const FAMILY = 'acm-hotdesk';

export interface HotdeskSettings {
  ringOwnDevice: boolean;
  featureCodes: { login: string; logout: string };
  emergencyNumbers: readonly string[];
}

/** FILTER character sets: an endpoint name (tenant prefix `t7-` and digits), an extension number. */
const ENDPOINT_CHARS = '0-9A-Za-z_\\-';
const DIGITS = '0-9';

/** The context an extension calls from as the core renders it (pjsip `context`): its own, its group's, else internal. */
export function rightsContext(s: ClusterSnapshotView, e: ExtensionView): string {
  if (e.context) return objectNames.context(s.tenant, e.context);
  const g = e.groupId ? s.groups.find((x) => x.id === e.groupId) : undefined;
  return g ? objectNames.groupContext(s.tenant, g) : objectNames.internal(s.tenant);
}

export const phoneContext = (s: Pick<ClusterSnapshotView, 'tenant'>, e: Pick<ExtensionView, 'extension'>) =>
  objectNames.context(s.tenant, `hotdesk-${e.extension}`);
export const userContext = (s: Pick<ClusterSnapshotView, 'tenant'>, e: Pick<ExtensionView, 'extension'>) =>
  objectNames.context(s.tenant, `hotdesk-u-${e.extension}`);
export const loginContext = (s: Pick<ClusterSnapshotView, 'tenant'>) => objectNames.context(s.tenant, 'hotdesk-login');

/** A caller ID as `"Name" <number>` split for Set(CALLERID(name|num)); the name cut to characters no application reads. */
export function callerIdParts(text: string): { name: string; num: string } {
  const m = /^\s*(?:"([^"]*)"|([^"<>]*?))\s*<([^<>]*)>\s*$/.exec(text);
  if (!m) throw new Error(`caller ID ${JSON.stringify(text.slice(0, 40))} is not "Name" <number>`);
  return { name: (m[1] ?? m[2] ?? '').replace(/[^A-Za-z0-9 ._'-]/g, '').trim().slice(0, 60), num: m[3]! };
}

/** What a user brings to a phone: the caller ID acm gives the user's own endpoint (its callerId, else name <extension>). */
export function userCallerId(e: ExtensionView): { name: string; num: string } {
  if (e.callerId) return callerIdParts(e.callerId);
  return { name: e.name.replace(/[^A-Za-z0-9 ._'-]/g, '').trim().slice(0, 60), num: e.extension };
}

/** The users of a cluster: every extension that is not itself a hot-desk phone. */
export function usersOf(s: ClusterSnapshotView, phones: readonly HotdeskPhone[]): ExtensionView[] {
  const isPhone = new Set(phones.filter((p) => p.clusterId === s.cluster.id).map((p) => p.extensionId));
  return [...s.extensions].filter((e) => !isPhone.has(e.id)).sort((a, b) => a.extension.localeCompare(b.extension, 'en', { numeric: true }));
}

const setName = (name: string) => (name ? [`Set(CALLERID(name)=${name})`] : []);

/**
 * The hot-desk dialplan of a cluster:
 *  - `[hotdesk-<phone>]`, the phone endpoint's context: the emergency numbers with the desk's
 *    caller ID into the phone's own rights; the log-in / log-out codes into `[hotdesk-login]`;
 *    anything else into `[hotdesk-u-<user>]` of the user AstDB says is logged in (FILTERed to
 *    digits), else into the phone's own rights;
 *  - `[hotdesk-u-<user>]` per user: the user's caller ID and account code, then the user's rights;
 *  - `[hotdesk-login]`: `<login><extension>` checks the user's voicemail PIN (VMAuthenticate) and
 *    writes AstDB, `<logout>` deletes it; both tell acm with a UserEvent.
 * Every value rendered is checked to its syntax (dialplanToken, confName, the caller ID cut to
 * plain characters): nothing a user typed adds an argument, ends an application or a line.
 */
export function renderHotdesk(s: ClusterSnapshotView, phones: readonly HotdeskPhone[], o: HotdeskSettings): string {
  const mine = phones.filter((p) => p.clusterId === s.cluster.id).sort((a, b) => a.id - b.id);
  const byId = new Map(s.extensions.map((e) => [e.id, e]));
  const present = mine.filter((p) => byId.has(p.extensionId));
  if (!present.length) return '';
  const t = s.tenant;
  const p = tenantPrefix(t);
  const login = loginContext(s);
  const codes = { login: dialplanToken(o.featureCodes.login, 'featureCodes.login'), logout: dialplanToken(o.featureCodes.logout, 'featureCodes.logout') };
  const w = new ConfWriter();
  fileHeader(w, s, 'hot desk: phones, users, log-in codes');

  for (const ph of present) {
    const e = byId.get(ph.extensionId)!;
    const ep = dialplanToken(objectNames.endpoint(t, e), 'extension');
    const base = rightsContext(s, e);
    const cid = callerIdParts(ph.emergencyCallerId);
    w.blank().comment(`hot-desk phone ${e.extension} (phone ${ph.id}) at ${ph.desk} - basic rights ${base}`);
    w.section(phoneContext(s, e));
    for (const n of [...new Set(o.emergencyNumbers)].sort()) {
      w.raw(`exten => ${dialplanToken(n, 'emergencyNumbers')},1,Set(CALLERID(num)=${dialplanToken(cid.num, 'emergencyCallerId')})`);
      for (const step of setName(cid.name)) w.same(`n,${step}`);
      w.same(`n,Goto(${base},\${EXTEN},1)`);
    }
    w.raw(`exten => _${codes.login}X.,1,Set(ACM_HDP=${ep})`).same(`n,Goto(${login},\${EXTEN},1)`);
    w.raw(`exten => ${codes.logout},1,Set(ACM_HDP=${ep})`).same(`n,Goto(${login},\${EXTEN},1)`);
    for (const pattern of ['_X.', '_*X.']) {
      w.raw(`exten => ${pattern},1,Set(ACM_HD=\${FILTER(${DIGITS},\${DB(${FAMILY}/phone/${ep})})})`)
        .same(`n,GotoIf($["\${ACM_HD}" != ""]?${p}hotdesk-u-\${ACM_HD},\${EXTEN},1)`)
        .same(`n,Goto(${base},\${EXTEN},1)`);
    }
  }

  const users = usersOf(s, mine);
  for (const u of users) {
    const cid = userCallerId(u);
    w.blank().comment(`user ${u.extension} (id ${u.id}) at a hot-desk phone`);
    w.section(userContext(s, u));
    for (const pattern of ['_X.', '_*X.']) {
      w.raw(`exten => ${pattern},1,Set(CALLERID(num)=${dialplanToken(cid.num, 'callerId')})`);
      for (const step of setName(cid.name)) w.same(`n,${step}`);
      if (u.accountCode) w.same(`n,Set(CHANNEL(accountcode)=${dialplanToken(u.accountCode, 'accountCode')})`);
      w.same(`n,Goto(${rightsContext(s, u)},\${EXTEN},1)`);
    }
  }

  w.blank().comment('log-in with the own extension and the voicemail PIN, log-out (ACM_HDP is the phone, set by its context)');
  w.section(login);
  const phoneVar = `\${FILTER(${ENDPOINT_CHARS},\${ACM_HDP})}`;
  for (const u of users) {
    if (!u.mailbox) continue; // no PIN to check
    const num = dialplanToken(u.extension, 'extension');
    const uep = dialplanToken(objectNames.endpoint(t, u), 'extension');
    const [box = '', vmctx] = u.mailbox.split('@');
    const mailbox = dialplanToken(`${box}@${objectNames.context(t, vmctx || 'default', 'mailbox context')}`, 'mailbox');
    w.raw(`exten => ${codes.login}${num},1,Set(ACM_HDP=${phoneVar})`)
      .same('n,GotoIf($["${ACM_HDP}" = ""]?refused)')
      .same(`n,GotoIf($["\${FILTER(${ENDPOINT_CHARS},\${DB(${FAMILY}/user/${uep})})}\${FILTER(${DIGITS},\${DB(${FAMILY}/phone/\${ACM_HDP})})}" != ""]?refused)`)
      .same('n,Answer()')
      .same(`n,VMAuthenticate(${mailbox})`)
      .same(`n,Set(DB(${FAMILY}/phone/\${ACM_HDP})=${num})`)
      .same(`n,Set(DB(${FAMILY}/user/${uep})=\${ACM_HDP})`)
      .same(`n,UserEvent(HotdeskLogin,Phone: \${ACM_HDP},User: ${num})`)
      .same('n,Playback(agent-loginok)')
      .same('n,Hangup()')
      .same('n(refused),Playback(agent-alreadyon)') // the user or the phone has a session already
      .same('n,Hangup()');
  }
  // Any other extension after the code (unknown, or without a mailbox): said so, nothing written.
  w.raw(`exten => _${codes.login}X.,1,Playback(pbx-invalid)`).same('n,Hangup()');
  w.raw(`exten => ${codes.logout},1,Set(ACM_HDP=${phoneVar})`)
    .same(`n,Set(ACM_HD=\${FILTER(${DIGITS},\${DB(${FAMILY}/phone/\${ACM_HDP})})})`)
    .same('n,GotoIf($["${ACM_HDP}" = "" | "${ACM_HD}" = ""]?done)')
    // DB_DELETE answers the value it deleted: kept out of the way (FILTERed, never read).
    .same(`n,Set(ACM_HDX=\${FILTER(${ENDPOINT_CHARS},\${DB_DELETE(${FAMILY}/phone/\${ACM_HDP})})})`)
    .same(`n,Set(ACM_HDX=\${FILTER(${ENDPOINT_CHARS},\${DB_DELETE(${FAMILY}/user/${p}\${ACM_HD})})})`)
    .same('n,UserEvent(HotdeskLogout,Phone: ${ACM_HDP},User: ${ACM_HD})')
    .same('n(done),Playback(agent-loggedoff)')
    .same('n,Hangup()');
  return w.toString();
}

/**
 * The dial hook's steps: a user logged in rings at the phone AstDB names (FILTERed to endpoint
 * characters), with the own device too when `ringOwnDevice`.
 */
export function dialSteps(s: ClusterSnapshotView, phones: readonly HotdeskPhone[], ringOwnDevice: boolean): Map<number, string[]> {
  const mine = phones.filter((p) => p.clusterId === s.cluster.id);
  if (!mine.length) return new Map();
  return new Map(usersOf(s, mine).map((u) => [u.id, [
    `Set(ACM_HD=\${FILTER(${ENDPOINT_CHARS},\${DB(${FAMILY}/user/${dialplanToken(objectNames.endpoint(s.tenant, u), 'extension')})})})`,
    `ExecIf($["\${ACM_HD}" != ""]?Set(ACM_DIAL=PJSIP/\${ACM_HD}${ringOwnDevice ? '&${ACM_DIAL}' : ''}))`,
  ]]));
}

/** The endpoint context of each hot-desk phone (the SDK's extensionContexts point). */
export function phoneContexts(s: ClusterSnapshotView, phones: readonly HotdeskPhone[]): Map<number, string> {
  const ids = new Set(s.extensions.map((e) => e.id));
  return new Map(phones.filter((p) => p.clusterId === s.cluster.id && ids.has(p.extensionId))
    .map((p) => [p.extensionId, confName(phoneContext(s, s.extensions.find((e) => e.id === p.extensionId)!), 'context')]));
}
