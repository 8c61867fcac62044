import type { ClusterSnapshotView, ExtensionView, GroupView, TenantView, TrunkView } from '../../../sdk/commit.ts';
import {
  byExtension, byName, classifyPattern, ConfWriter, dialplanToken, extensionContext, fileHeader, groupsById, names,
  RenderError, RESERVED_SECTIONS, RIGHT_ORDER, stripCount, voicemailBox, type OutboundRight,
} from './common.ts';
import { confName } from '../../../sdk/config-text.ts';
import { DIALPLAN_PATTERN } from '../../../sdk/asterisk-syntax.ts';

export { DIALPLAN_PATTERN };
import { parkingOf } from './features.ts';

export const DIALPLAN_FILE = 'acm/extensions.acm.conf';

/** Seconds an extension rings before voicemail (or the forward target before giving up). */
export const RING_TIMEOUT = 20;
/** Feature codes acm puts in every tenant's internal context. */
export const FEATURE_CODES: Record<string, string> = { '*97': 'voicemail main menu' };

/** Rights a group gets when it names none. */
export const DEFAULT_RIGHTS = ['internal'];

/** Group rights in include order: acm's fixed order first, any other right after it by name. */
export function orderedRights(rights: readonly string[] | null | undefined): string[] {
  const list = [...new Set(rights && rights.length ? rights : DEFAULT_RIGHTS)];
  const rank = (r: string) => {
    const i = (RIGHT_ORDER as readonly string[]).indexOf(r);
    return i < 0 ? RIGHT_ORDER.length : i;
  };
  return list.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** One outbound route: a pattern and the trunks that carry it, tried in trunk-name order. */
export interface OutboundRoute { right: OutboundRight; pattern: string; trunks: TrunkView[] }

export function outboundRoutes(s: ClusterSnapshotView): OutboundRoute[] {
  const routes = new Map<string, OutboundRoute>();
  for (const tr of [...s.trunks].sort(byName)) {
    for (const pattern of tr.outboundPatterns ?? []) {
      const right = classifyPattern(pattern, tr.dialPrefix);
      const key = `${right}\u0000${pattern}`;
      const route = routes.get(key) ?? { right, pattern, trunks: [] };
      route.trunks.push(tr);
      routes.set(key, route);
    }
  }
  return [...routes.values()].sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
}

/**
 * extensions.conf contexts of one cluster:
 *  - `[internal]`: every extension (hint + Dial + voicemail), feature codes, the parking lot;
 *  - `[local]`, `[longdistance]`, `[international]`: outbound routes by trunk pattern;
 *  - one context per group (`[grp-<name>]` or the group's `context`) including its rights in order.
 * All names carry the tenant prefix. No user text reaches an application argument except through
 * `dialplanToken` (numbers and object names only; see common.ts), and no caller-controlled channel
 * data except through `channelData` (FILTER).
 */
/** Steps plugins run before an extension rings (sdk/commit.ts `ExtensionDialHook`), per extension id, each with its hook. */
export interface DialStep { readonly hook: string; readonly step: string }
export interface DialSteps { readonly before: Map<number, DialStep[]>; readonly unavailable: Map<number, DialStep[]> }

/**
 * One application call: `App(args)`, one line, no comment (`;` starts one in extensions.conf),
 * its parentheses balanced with the application's own closing last (`n(x),App()` is two things).
 */
export function isDialStep(step: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  const m = /^[A-Za-z][A-Za-z0-9_]*\(([^;\x00-\x1f\x7f]*)\)$/.exec(step);
  if (!m) return false;
  let depth = 0;
  for (const ch of m[1]!) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

export function renderDialplan(s: ClusterSnapshotView, dialSteps: DialSteps = { before: new Map(), unavailable: new Map() }): string {
  const t = s.tenant;
  const w = new ConfWriter(RESERVED_SECTIONS.extensions);
  fileHeader(w, s, 'extensions.conf contexts');
  const groups = groupsById(s);

  // internal
  const internal = names.internal(t);
  w.blank().comment(`extensions of cluster ${s.cluster.name}`);
  w.section(internal);
  for (const e of [...s.extensions].sort(byExtension)) {
    renderExtension(w, t, e, e.groupId ? groups.get(e.groupId) : undefined, dialSteps.before.get(e.id) ?? [], dialSteps.unavailable.get(e.id) ?? []);
  }
  w.blank().comment('feature codes');
  w.raw(`exten => *97,1,VoiceMailMain(${channelData('CALLERID(num)', MAILBOX_CHARS)}@${names.context(t, 'default', 'voicemail context')})`);
  w.same('n,Hangup()');
  const parking = parkingOf(t);
  w.blank().comment(`parking lot ${parking.lot}: park on ${parking.parkext}, spaces ${parking.first}-${parking.last}`);
  w.raw(`include => ${parking.context}`);

  // outbound rights
  const routes = outboundRoutes(s);
  for (const right of ['local', 'longdistance', 'international'] as const) {
    w.blank().comment(`outbound right ${right}`);
    w.section(names.context(t, right));
    for (const route of routes.filter((r) => r.right === right)) renderRoute(w, t, route);
  }

  // group contexts (several groups naming one context share the first one's rights; the validator reports it)
  const seen = new Set<string>();
  for (const g of [...s.groups].sort(byName)) {
    const ctx = names.groupContext(t, g);
    if (seen.has(ctx)) continue;
    seen.add(ctx);
    const rights = orderedRights(g.rights);
    w.blank().comment(`group ${g.name} (id ${g.id}) - rights: ${rights.map((r) => confName(r, 'right')).join(', ')}`);
    w.section(ctx);
    for (const r of rights) w.raw(`include => ${names.context(t, r, 'right')}`);
  }
  return w.toString();
}

function renderExtension(w: ConfWriter, t: TenantView, e: ExtensionView, group: GroupView | undefined, steps: readonly DialStep[], unavailable: readonly DialStep[]): void {
  const num = dialplanToken(e.extension, 'extension');
  const endpoint = names.endpoint(t, e);
  const vm = voicemailBox(t, e);
  const mailbox = vm ? dialplanToken(`${vm.box}@${vm.context}`, 'mailbox') : null;
  w.blank().comment(`extension ${num} (id ${e.id})${group ? ` - group ${group.name}` : ''}`);
  w.raw(`exten => ${num},hint,PJSIP/${endpoint}`);
  if (e.cfwdSet === 'yes' && e.cfwdTo) {
    // Forwarded: ring the target with the extension's own rights (its calling context).
    const target = dialplanToken(e.cfwdTo, 'cfwdTo');
    const ctx = extensionContext(t, e, group);
    w.raw(`exten => ${num},1,Dial(Local/${target}@${ctx},${RING_TIMEOUT * 3})`);
    if (mailbox) w.same(`n,VoiceMail(${mailbox},u)`);
    w.same('n,Hangup()');
    return;
  }
  const addStep = ({ hook, step }: DialStep) => {
    if (!isDialStep(step)) throw new RenderError(`extension ${num}`, undefined, `dial step of ${hook} is not one application call App(args) without ";": "${step.slice(0, 60)}"`);
    w.same(`n,${step}`);
  };
  if (steps.length) {
    // ACM_DIAL is set here first, so nothing the caller's channel brought in is dialled.
    w.raw(`exten => ${num},1,Set(ACM_DIAL=PJSIP/${endpoint})`);
    steps.forEach(addStep);
    w.same(`n,Dial(\${ACM_DIAL},${RING_TIMEOUT})`);
  } else {
    w.raw(`exten => ${num},1,Dial(PJSIP/${endpoint},${RING_TIMEOUT})`);
  }
  if (unavailable.length) {
    w.same('n,GotoIf($["${DIALSTATUS}" != "CHANUNAVAIL" & "${DIALSTATUS}" != "CONGESTION"]?dialled)');
    unavailable.forEach(addStep);
  }
  const label = unavailable.length ? '(dialled)' : '';
  if (mailbox) {
    // DIALSTATUS is set by Dial from a fixed list of words: not caller data.
    w.same(`n${label},GotoIf($["\${DIALSTATUS}" = "BUSY"]?busy)`);
    w.same(`n,VoiceMail(${mailbox},u)`);
    w.same('n,Hangup()');
    w.same(`n(busy),VoiceMail(${mailbox},b)`);
  }
  w.same(mailbox ? 'n,Hangup()' : `n${label},Hangup()`);
}

function renderRoute(w: ConfWriter, t: TenantView, route: OutboundRoute): void {
  const pattern = dialplanPattern(route.pattern);
  w.blank().comment(`${route.pattern} via ${route.trunks.map((tr) => `trunk ${names.trunk(t, tr)} (id ${tr.id})`).join(', then ')}`);
  route.trunks.forEach((tr, i) => {
    const strip = stripCount(route.pattern, tr.dialPrefix);
    const dial = `Dial(PJSIP/${channelData(`EXTEN${strip ? `:${strip}` : ''}`, DIAL_NUMBER_CHARS)}@${names.trunk(t, tr)})`;
    if (i === 0) w.raw(`exten => ${pattern},1,${dial}`);
    else w.same(`n,${dial}`);
    // Fail over to the next trunk only when this one could not take the call.
    if (i < route.trunks.length - 1) w.same('n,GotoIf($["${DIALSTATUS}" = "CHANUNAVAIL" | "${DIALSTATUS}" = "CONGESTION"]?:done)');
  });
  w.same(route.trunks.length > 1 ? 'n(done),Hangup()' : 'n,Hangup()');
}

/**
 * Caller-controlled channel data (caller ID, dialled number) in an application argument.
 * Asterisk substitutes `${…}` before it splits the arguments (pbx.c), so a `,` in the value
 * would start a new argument: the recorded `"Eve" <1003,s>` gave VoiceMailMain `1003,s@default`,
 * option `s`, no password. FILTER keeps only the allowed characters. Its first argument is cut at
 * the first `,` and the value is the rest, not split again (func_strings.c, RAW args), so any
 * value is safe inside it; `-` in `allowed` is a range (write a literal one as `\-`).
 */
export function channelData(expression: string, allowed: string): string {
  return `\${FILTER(${allowed},\${${expression}})}`;
}
/** A mailbox number: digits. */
export const MAILBOX_CHARS = '0-9';
/** What a number in a dial string may carry: digits, `*`, `#`, `+` (no `&`, `/`, `@`, `,`, `)`). */
export const DIAL_NUMBER_CHARS = '0-9*#+';

export function dialplanPattern(pattern: string): string {
  if (!DIALPLAN_PATTERN.test(pattern)) throw new RenderError('outbound pattern', undefined, `"${pattern.slice(0, 40)}" is not a dialplan pattern`);
  return pattern;
}
