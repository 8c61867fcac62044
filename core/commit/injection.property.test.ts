import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configTextProblem, UnsafeConfigValueError } from '../../sdk/config-text.ts';
import type { Extension, Trunk } from '../model/entities.ts';
import { renderCluster, type TextFile } from './render/index.ts';
import { RenderError, tenantPrefix } from './render/common.ts';
import { hasMarker, splitMarker } from './render/markers.ts';
import { validateCluster } from './validate.ts';
import { tpa1 } from '../../tests/golden/fixture.ts';
import type { ClusterSnapshot } from './snapshot.ts';
import type { z } from 'zod';
import { ExtensionInput, GroupInput, TrunkInput } from '../model/schemas.ts';
import { dialledNumber, dialplanArgumentProblems, type ChannelFor } from '../../sdk/testing/sim/app-args.ts';

/**
 * For hostile strings in every text field of an extension and a trunk: either configTextProblem
 * rejects the value (the API refuses it, and the validator reports it), or the renderer refuses
 * it, or the rendered files hold no section or directive beyond the expected ones and every line
 * is one acm writes (comment, header, known option, dialplan line).
 */

const EXTENSION_TEXT_FIELDS: (keyof Extension)[] = [
  'name', 'extension', 'callerId', 'defaultUser', 'authUser', 'secret', 'mailbox', 'vmSecret', 'accountCode', 'context',
  'amaFlags', 'callGroup', 'canReinvite', 'defaultIp', 'dtmfMode', 'fromUser', 'fromDomain', 'fullContact', 'host',
  'insecure', 'language', 'md5Secret', 'nat', 'acl', 'deny', 'permit', 'mask', 'pickupGroup', 'port', 'qualify',
  'restrictCid', 'rtpTimeout', 'rtpHoldTimeout', 'type', 'disallow', 'allow', 'musicOnHold', 'ipAddr', 'canCallForward',
  'userAgent', 'regServer', 'phoneProv', 'phoneMac', 'profile', 'protocol', 'encryption', 'fallback', 'agentStatus',
  'queue', 'cfwdSet', 'cfwdTo', 'callbackExtension', 'directory',
];
const TRUNK_TEXT_FIELDS = [
  'name', 'host', 'transport', 'username', 'secret', 'fromDomain', 'fromUser', 'codecs', 'acl', 'context', 'dialPrefix',
  'outboundPatterns', 'registrationStatus',
] as const;
/** Fields that decide which sections exist; any other field must leave the headers exactly as they were. */
const STRUCTURAL_EXT = new Set<string>(['extension', 'mailbox', 'musicOnHold', 'secret', 'md5Secret']);
const STRUCTURAL_TRUNK = new Set<string>(['name', 'host', 'transport', 'username', 'secret']);

const hostilePiece = fc.constantFrom(
  '\n', '\r', '\r\n', '[', ']', ';', '#include', '#exec', '#tryinclude', '\0', '\n[evil]\ntype = endpoint\ncontext = evil-ctx',
  '\n#exec /bin/sh', ' [evil]', '[evil]', '${SHELL(id)}', '$[1+1]', ',', ')', '(', '"', '\\', '=>', '=', ' same => n,System(id)',
  '\u2028', '\u0085', '\t', 'exten => 1,1,System(id)', ';--', '--;', 'all', 'ulaw', '6101', 'dynamic', 'yes',
);
const hostile = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), hostilePiece, fc.string({ maxLength: 8 }), hostilePiece).map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: hostilePiece },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.+@-]{1,12}$/) },
);

const headerRe = /^\[([A-Za-z0-9][A-Za-z0-9_.+@-]*)\](\(!\)|\(([A-Za-z0-9][A-Za-z0-9_.+@-]*)\))?$/;
const PJSIP_KEYS = new Set([
  'type', 'protocol', 'bind', 'context', 'disallow', 'allow', 'callerid', 'callerid_privacy', 'auth', 'aors', 'direct_media',
  'disable_direct_media_on_nat', 'direct_media_method', 'dtmf_mode', 'force_rport', 'rewrite_contact', 'rtp_symmetric',
  'rtp_timeout', 'rtp_timeout_hold', 'call_group', 'pickup_group', 'mailboxes', 'language', 'accountcode', 'moh_suggest',
  'from_user', 'from_domain', 'media_encryption', 'device_state_busy_at', 'acl', 'deny', 'permit', 'auth_type', 'username',
  'password', 'md5_cred', 'max_contacts', 'remove_existing', 'qualify_frequency', 'qualify_timeout', 'contact', 'transport',
  'outbound_auth', 'identify_by', 'endpoint', 'match', 'server_uri', 'client_uri', 'contact_user', 'retry_interval', 'expiration',
]);
const KEYS: Record<string, (line: string) => boolean> = {
  'acm/pjsip.acm.conf': (l) => { const m = /^([a-z_0-9]+) = \S/.exec(l); return !!m && PJSIP_KEYS.has(m[1]!); },
  'acm/acl.acm.conf': (l) => /^(deny|permit) = \S/.test(l),
  'acm/musiconhold.acm.conf': (l) => /^(mode|directory) = \S/.test(l),
  'acm/res_parking.acm.conf': (l) => /^(context|parkext|parkpos|parkingtime) => \S/.test(l),
  'acm/voicemail.acm.conf': (l) => /^[0-9]+ => [0-9]+(,[^,]+)?$/.test(l),
  'acm/extensions.acm.conf': (l) => /^(exten => [^,]+,(hint|1),\S|include => \S| same => n(\([a-z]+\))?,[A-Za-z]+\(.*\)$)/.test(l),
};

/** The file without its revision marker, which must be the last section and named after the rest. */
function bodyOf(f: TextFile): string {
  if (!hasMarker(f.reload)) return f.content;
  const at = f.content.lastIndexOf('; revision marker:');
  expect(at, `${f.name}: no marker`).toBeGreaterThanOrEqual(0);
  return f.content.slice(0, at);
}

function headersOf(files: TextFile[]): string[] {
  return files.flatMap((f) => bodyOf(f).split('\n').filter((l) => /^\s*\[/.test(l)).map((l) => `${f.name}:${l}`));
}

/** Every section name a snapshot may legitimately produce, computed from its fields (not by the renderer). */
function allowedSectionNames(s: ClusterSnapshot): Set<string> {
  const p = tenantPrefix(s.tenant);
  const out = new Set(['transport-udp', 'transport-tcp', ...['internal', 'local', 'longdistance', 'international', 'parking', 'default'].map((n) => p + n)]);
  for (const g of s.groups) { out.add(`${p}grp-${g.name}`); if (g.context) out.add(p + g.context); }
  for (const e of s.extensions) {
    out.add(p + e.extension);
    if (e.mailbox?.includes('@')) out.add(p + e.mailbox.split('@')[1]);
    if (e.musicOnHold) out.add(p + e.musicOnHold);
  }
  for (const t of s.trunks) out.add(p + t.name);
  for (const a of s.acls) out.add(p + a.name);
  return out;
}

/** Every line is one acm writes; every section is named after an object of the snapshot; no directives. */
function assertOnlyExpectedConfig(files: TextFile[], s: ClusterSnapshot): void {
  const allowed = allowedSectionNames(s);
  for (const f of files) {
    const lineOk = KEYS[f.name]!;
    for (const line of bodyOf(f).split('\n')) {
      if (line === '' || line.startsWith('; ')) continue;
      expect(line, `${f.name}: directive`).not.toMatch(/^\s*#/);
      if (/^\s*\[/.test(line)) {
        const m = headerRe.exec(line);
        expect(m, `${f.name}: malformed header ${JSON.stringify(line)}`).not.toBeNull();
        expect(allowed.has(m![1]!), `${f.name}: unexpected section ${JSON.stringify(line)}`).toBe(true);
        if (m![3]) expect(allowed.has(m![3]), `${f.name}: unexpected template ${line}`).toBe(true);
        continue;
      }
      expect(lineOk(line), `${f.name}: unexpected line ${JSON.stringify(line)}`).toBe(true);
      if (f.name === 'acm/extensions.acm.conf') {
        // No substitution but the ones acm writes itself.
        const rest = line.replace(/\$\{FILTER\(0-9(\*#\+)?,\$\{(EXTEN(:\d+)?|CALLERID\(num\))\}\)\}|\$\{DIALSTATUS\}|\$\["\$\{DIALSTATUS\}" = "[A-Z]+"( \| "\$\{DIALSTATUS\}" = "[A-Z]+")?\]/g, '');
        expect(rest, `dialplan substitution in ${JSON.stringify(line)}`).not.toMatch(/\$/);
      }
    }
  }
}

function check(tenantId: number, target: 'extension' | 'trunk', index: number, field: string, value: string): void {
  const s = tpa1(tenantId);
  const baseline = headersOf(renderCluster(tpa1(tenantId)));
  const row = (target === 'extension' ? s.extensions[index]! : s.trunks[index]!) as unknown as Record<string, unknown>;
  if (field === 'outboundPatterns') (row as unknown as Trunk).outboundPatterns = [value, '_9NXXNXXXXXX'];
  else row[field] = value;

  if (configTextProblem(value)) {
    // The API refuses it; the validator lists it on that field.
    const problems = validateCluster(s);
    const object = target === 'extension' ? `extension ${(row as unknown as Extension).extension}` : `trunk ${(row as unknown as Trunk).name}`;
    expect(problems.some((p) => p.object === object && (p.field === field || p.field === `${field}[0]`))).toBe(true);
    return;
  }
  let files: TextFile[];
  try {
    files = renderCluster(s);
  } catch (err) {
    if (err instanceof UnsafeConfigValueError || err instanceof RenderError) return; // refused: nothing written
    throw err;
  }
  assertOnlyExpectedConfig(files, s);
  for (const f of files) if (hasMarker(f.reload)) expect(splitMarker(f.content), `${f.name}: marker named after the rest`).toBeDefined();
  const structural = target === 'extension' ? STRUCTURAL_EXT.has(field) : STRUCTURAL_TRUNK.has(field);
  if (!structural) expect(headersOf(files)).toEqual(baseline);
}

describe('property: hostile text never creates config', () => {
  it('in every text field of an extension', () => {
    fc.assert(fc.property(
      fc.constantFrom(1, 7), fc.integer({ min: 0, max: 5 }), fc.constantFrom(...EXTENSION_TEXT_FIELDS), hostile,
      (tenantId, index, field, value) => check(tenantId, 'extension', index, field, value),
    ), { numRuns: 1500 });
  });
  it('in every text field of a trunk', () => {
    fc.assert(fc.property(
      fc.constantFrom(1, 7), fc.integer({ min: 0, max: 1 }), fc.constantFrom(...TRUNK_TEXT_FIELDS), hostile,
      (tenantId, index, field, value) => check(tenantId, 'trunk', index, field, value),
    ), { numRuns: 800 });
  });
  it('the line checker itself catches an injected section, directive or option', () => {
    const s = tpa1();
    const good = renderCluster(s);
    expect(() => assertOnlyExpectedConfig(good, s)).not.toThrow();
    const tamper = (from: string, to: string) => good.map((f) => (f.name === 'acm/pjsip.acm.conf' ? { ...f, content: f.content.replace(from, to) } : f));
    expect(() => assertOnlyExpectedConfig(tamper('callerid = "Alice Smith" <6101>', 'callerid = Alice\n[evil]\ntype = endpoint'), s)).toThrow(/unexpected section/);
    expect(() => assertOnlyExpectedConfig(tamper('language = en', 'language = en\n#exec /bin/sh'), s)).toThrow(/directive/);
    expect(() => assertOnlyExpectedConfig(tamper('language = en', 'language = en\nfoo_bar_option = yes'), s)).toThrow(/unexpected line/);
  });
  it('the recorded injection is refused at every step', () => {
    const value = 'Alice <6101>\n[evil]\ntype = endpoint\ncontext = evil-ctx';
    expect(configTextProblem(value)).not.toBeNull();
    const s = tpa1();
    s.extensions[0]!.callerId = value;
    expect(() => renderCluster(s)).toThrow(UnsafeConfigValueError);
  });
});

/* ------------------------------------------------------------------------------------------------
 * Dialplan arguments (issue 12, fact 6). Asterisk substitutes channel data into an application's
 * data BEFORE the application splits it on commas, so caller-controlled data (caller ID,
 * connected line, the dialled number a `.` pattern matched) must not be able to add an argument,
 * change an option or redirect a destination. Each priority is run as Asterisk would run it
 * (sdk/testing/sim/app-args.ts) with two benign channels and a hostile one.
 * ---------------------------------------------------------------------------------------------- */

const NAME = '[A-Za-z0-9][A-Za-z0-9_.+@-]*';
const NUMBER = '[0-9*#+]*';
const re = (s: string) => new RegExp(`^(?:${s})$`);
/** The argument lists acm's core dialplan means to write: no Dial options, voicemail options u/b only. */
const CORE_SHAPES: Record<string, (a: string[]) => boolean> = {
  Dial: (a) => (a.length === 1 || (a.length === 2 && /^\d+$/.test(a[1]!)))
    && re(`PJSIP/(t\\d+-)?[*#0-9]+|PJSIP/${NUMBER}@${NAME}|Local/[0-9*#+]+@${NAME}`).test(a[0]!),
  VoiceMail: (a) => a.length === 2 && re(`[0-9]+@${NAME}`).test(a[0]!) && /^[ub]$/.test(a[1]!),
  VoiceMailMain: (a) => a.length === 1 && re(`[0-9]*@${NAME}`).test(a[0]!),
  GotoIf: (a) => a.length === 3 && /^[01]$/.test(a[0]!) && /^[a-z]*$/.test(a[1]!) && /^[a-z]*$/.test(a[2]!),
  Hangup: (a) => a.length === 1 && a[0] === '',
};
const coreShape = (app: string, args: string[]) => CORE_SHAPES[app]?.(args) ?? false;

interface Party { tail: string; num: string; name: string; connectedNum: string; connectedName: string }
const channel = (c: Party): ChannelFor => (p) => ({
  exten: dialledNumber(p.exten, c.tail), context: p.context,
  callerId: { num: c.num, name: c.name }, connectedLine: { num: c.connectedNum, name: c.connectedName },
  // Set by Dial from a fixed list, not by the caller.
  vars: { DIALSTATUS: 'CHANUNAVAIL' },
});
const BENIGN_A = channel({ tail: '4420712345', num: '6101', name: 'Alice', connectedNum: '6102', connectedName: 'Bob' });
const BENIGN_B = channel({ tail: '3398765432', num: '6202', name: 'Dave', connectedNum: '6301', connectedName: 'Carol' });

const hostileChannelText = fc.oneof(
  hostile,
  fc.constantFrom('1003,s', '1,,D(1)', '1&Local/6101@internal', '6101@other', '1/sip:evil@example.com', '1)', '(1', '"1,2"', '1\\,2', '١٢٣', '+1#*'),
  fc.tuple(fc.stringMatching(/^[0-9]{0,6}$/), hostilePiece, fc.stringMatching(/^[0-9a-z@&/]{0,6}$/)).map((p) => p.join('')),
);
const hostileParty = fc.record({ tail: hostileChannelText, num: hostileChannelText, name: hostileChannelText, connectedNum: hostileChannelText, connectedName: hostileChannelText });

function dialplanOf(s: ClusterSnapshot): string {
  return renderCluster(s).find((f) => f.name === 'acm/extensions.acm.conf')!.content;
}
/** The dialplan as acm rendered it before FILTER: channel data straight into the arguments. */
const unfiltered = (text: string) => text.replace(/\$\{FILTER\([^,]*,(\$\{[^}]*\})\)\}/g, '$1');

describe('property: channel data never changes an application or its arguments', () => {
  it('caller ID, connected line and dialled number, in every priority of the core dialplan', () => {
    const texts = [dialplanOf(tpa1(1)), dialplanOf(tpa1(7))];
    fc.assert(fc.property(fc.constantFrom(0, 1), hostileParty, (t, party) => {
      expect(dialplanArgumentProblems(texts[t]!, BENIGN_A, BENIGN_B, channel(party), coreShape)).toEqual([]);
    }), { numRuns: 400 });
  });

  it('the check fails the unfiltered dialplan: the recorded 1003,s and a dialled 1&…', () => {
    const text = unfiltered(dialplanOf(tpa1()));
    expect(text).toContain('VoiceMailMain(${CALLERID(num)}@default)');
    expect(text).toContain('Dial(PJSIP/${EXTEN:1}@carrier-a)');
    const eve = channel({ tail: '1', num: '1003,s', name: 'Eve', connectedNum: '', connectedName: '' });
    expect(dialplanArgumentProblems(text, BENIGN_A, BENIGN_B, eve, coreShape)).toContainEqual(expect.stringMatching(/^\*97@internal .*VoiceMailMain: 1 arguments became 2: \["1003","s@default"\]/));
    const dialler = channel({ tail: '1&Local/6101@internal', num: '6101', name: 'x', connectedNum: '', connectedName: '' });
    expect(dialplanArgumentProblems(text, BENIGN_A, BENIGN_B, dialler, coreShape).join('\n')).toMatch(/_9011\.@international .*Dial: argument 1 .*\(structure\)/);
    // And the property finds such a value by itself.
    const run = fc.check(fc.property(hostileParty, (party) => dialplanArgumentProblems(text, BENIGN_A, BENIGN_B, channel(party), coreShape).length === 0), { numRuns: 200 });
    expect(run.failed).toBe(true);
  });
});

/** Fields that reach the dialplan, with generators that mostly pass the API schema. */
const DIALPLAN_EXT_FIELDS: Record<string, fc.Arbitrary<string>> = {
  extension: fc.stringMatching(/^[*#0-9a-z,@&/()$[\]]{1,8}$/),
  mailbox: fc.stringMatching(/^[0-9]{1,4}(@[A-Za-z0-9_@,&/()-]{1,8})?$/),
  context: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+@&,/()-]{0,10}$/),
  cfwdTo: fc.stringMatching(/^[0-9*#+@&,/()a-z]{1,10}$/),
};
const DIALPLAN_TRUNK_FIELDS: Record<string, fc.Arbitrary<string>> = {
  name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+@&,/()-]{0,10}$/),
  context: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+@&,/()-]{0,10}$/),
  dialPrefix: fc.stringMatching(/^[0-9*#,&@]{0,4}$/),
  outboundPatterns: fc.stringMatching(/^_?[0-9XNZ.!*#+[\]\-,&@/()$]{1,10}$/),
};
const DIALPLAN_GROUP_FIELDS: Record<string, fc.Arbitrary<string>> = {
  name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+@&,/()-]{0,10}$/),
  context: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+@&,/()-]{0,10}$/),
};

/** Sets `field` to `value` when the API schema takes it; false when the API refuses it. */
function setStored(s: ClusterSnapshot, kind: 'extension' | 'trunk' | 'group', index: number, field: string, value: string): boolean {
  const schema = { extension: ExtensionInput, trunk: TrunkInput, group: GroupInput }[kind].shape as Record<string, z.ZodType>;
  const input = field === 'outboundPatterns' ? [value] : value;
  if (!schema[field]!.safeParse(input).success) return false;
  const rows = { extension: s.extensions, trunk: s.trunks, group: s.groups }[kind] as unknown as Record<string, unknown>[];
  const row = rows[index % rows.length]!;
  row[field] = field === 'outboundPatterns' ? [value, '_9NXXNXXXXXX'] : value;
  if (kind === 'extension' && field === 'cfwdTo') row.cfwdSet = 'yes';
  return true;
}

describe('property: stored values that pass the API schema never change an application or its arguments', () => {
  const storedCase = (kind: 'extension' | 'trunk' | 'group', fields: Record<string, fc.Arbitrary<string>>) =>
    fc.constantFrom(...Object.keys(fields)).chain((field) => fc.tuple(fc.constant(kind), fc.integer({ min: 0, max: 5 }), fc.constant(field), fields[field]!));
  it('in every extension, trunk and group field that reaches the dialplan, with hostile callers too', () => {
    let rendered = 0;
    fc.assert(fc.property(
      fc.constantFrom(1, 7),
      fc.oneof(storedCase('extension', DIALPLAN_EXT_FIELDS), storedCase('trunk', DIALPLAN_TRUNK_FIELDS), storedCase('group', DIALPLAN_GROUP_FIELDS)),
      hostileParty,
      (tenantId, [kind, index, field, value], party) => {
        const s = tpa1(tenantId);
        if (!setStored(s, kind, index, field, value)) return;
        let text: string;
        try {
          text = dialplanOf(s);
        } catch (err) {
          if (err instanceof UnsafeConfigValueError || err instanceof RenderError) return; // refused: nothing written
          throw err;
        }
        rendered++;
        expect(dialplanArgumentProblems(text, BENIGN_A, BENIGN_A, BENIGN_A, coreShape)).toEqual([]);
        expect(dialplanArgumentProblems(text, BENIGN_A, BENIGN_B, channel(party), coreShape)).toEqual([]);
      },
    ), { numRuns: 600 });
    expect(rendered).toBeGreaterThan(100); // the generators reach the renderer, not only the schema
  });
});

describe('outbound patterns pbx_config would misread', () => {
  it('an unclosed [ is refused by the validator and the renderer (it would swallow the priority)', () => {
    const s = tpa1();
    s.trunks[0]!.outboundPatterns = ['_9[1-3', '_9NXXNXXXXXX'];
    expect(validateCluster(s)).toContainEqual(expect.objectContaining({ object: 'trunk carrier-a', field: 'outboundPatterns[0]' }));
    expect(() => renderCluster(s)).toThrow(RenderError);
    s.trunks[0]!.outboundPatterns = ['_9[1-3]XX', '_9NXXNXXXXXX'];
    expect(dialplanOf(s)).toContain('exten => _9[1-3]XX,1,Dial(PJSIP/${FILTER(0-9*#+,${EXTEN:1})}@carrier-a)');
  });
});
