import type { ModuleVerifier, VerifyFinding } from '../../../sdk/commit.ts';
import { isMarker, listed, missingFrom, valueOf } from './config.ts';

/** `moh show classes`: `Class: x` then tab-indented `Mode:` / `Directory:` lines. */
export function parseMohClasses(lines: readonly string[]): Map<string, { mode?: string; directory?: string }> {
  const out = new Map<string, { mode?: string; directory?: string }>();
  let cur: { mode?: string; directory?: string } | undefined;
  for (const l of lines) {
    const c = /^Class:\s*(.+?)\s*$/.exec(l);
    if (c) { cur = {}; out.set(c[1]!, cur); continue; }
    const kv = /^\s+(Mode|Directory):\s*(.*?)\s*$/.exec(l);
    if (kv && cur) cur[kv[1] === 'Mode' ? 'mode' : 'directory'] = kv[2]!;
  }
  return out;
}

/**
 * res_musiconhold (no marker: a class needs a real directory): every rendered class is loaded
 * with its mode and directory, and removed classes are gone. A class whose directory is missing
 * on the server is silently not created, while the reload answers success.
 */
export const mohVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const classes = parseMohClasses(await probe.command('moh show classes'));
    const want = expected.filter((s) => s.name !== 'general');
    for (const s of want) {
      const have = classes.get(s.name);
      if (!have) { out.push({ object: `class ${s.name}`, message: 'not loaded (directory missing on the server?)' }); continue; }
      for (const [key, got] of [['mode', have.mode], ['directory', have.directory]] as const) {
        const rendered = valueOf(s, key);
        if (rendered !== undefined && got !== undefined && got !== rendered) out.push({ object: `class ${s.name}`, message: `${key} is "${got}", rendered "${rendered}"` });
      }
    }
    const stale = missingFrom(previous.map((s) => s.name).filter((n) => n !== 'general'), new Set(want.map((s) => s.name))).filter((n) => classes.has(n));
    if (stale.length) out.push({ object: `class${stale.length > 1 ? 'es' : ''} ${listed(stale)}`, message: 'removed but still loaded' });
    return out;
  },
};

const VM_NOT_CONTEXTS = new Set(['general', 'zonemessages']);

/** Mailboxes of voicemail.conf sections: `box => password,full name,…` → `box@context` with its name. */
function mailboxes(sections: readonly { name: string; lines: readonly (readonly [string, string])[] }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sections) {
    if (VM_NOT_CONTEXTS.has(s.name)) continue;
    for (const [box, v] of s.lines) out.set(`${box}@${s.name}`, (v.split(',')[1] ?? '').trim());
  }
  return out;
}

/**
 * app_voicemail: VoicemailUsersList lists every rendered box with its full name, the file's
 * marker box (`0@acm-mark-…`) and not the previous revision's, and no removed box.
 */
export const voicemailVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const items = await probe.list('VoicemailUsersList');
    const loaded = new Map(items.filter((i) => i.get('VoiceMailbox') !== undefined).map((i) => [`${i.get('VoiceMailbox')}@${i.get('VMContext') ?? ''}`, i.get('Fullname') ?? '']));
    const want = mailboxes(expected);
    const missing: string[] = [];
    for (const [key, name] of want) {
      const ctx = key.slice(key.indexOf('@') + 1);
      if (!loaded.has(key)) {
        if (isMarker(ctx)) out.push({ object: `marker mailbox ${key}`, message: 'not loaded: Asterisk kept its previous voicemail config' });
        else missing.push(key);
      } else if (loaded.get(key) !== name && !isMarker(ctx)) {
        out.push({ object: `mailbox ${key}`, message: `full name is "${loaded.get(key)}", rendered "${name}"` });
      }
    }
    if (missing.length) out.push({ object: `mailbox${missing.length > 1 ? 'es' : ''} ${listed(missing)}`, message: 'not loaded' });
    const gone = [...mailboxes(previous).keys()].filter((k) => !want.has(k) && loaded.has(k));
    for (const k of gone.filter((x) => isMarker(x.slice(x.indexOf('@') + 1)))) out.push({ object: `marker mailbox ${k}`, message: 'of the previous revision is still loaded: Asterisk did not apply the new file' });
    const stale = gone.filter((x) => !isMarker(x.slice(x.indexOf('@') + 1)));
    if (stale.length) out.push({ object: `mailbox${stale.length > 1 ? 'es' : ''} ${listed(stale)}`, message: 'removed but still loaded' });
    return out;
  },
};

/** res_parking (no marker): every rendered lot is listed by Parkinglots with its spaces and timeout; removed lots are gone. */
export const parkingVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const lots = new Map((await probe.list('Parkinglots')).filter((i) => i.get('Name')).map((i) => [i.get('Name')!, i]));
    const want = expected.filter((s) => s.name !== 'general');
    for (const s of want) {
      const lot = lots.get(s.name);
      if (!lot) { out.push({ object: `parking lot ${s.name}`, message: 'not loaded' }); continue; }
      const pos = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(valueOf(s, 'parkpos') ?? '');
      const checks: [string, string | undefined, string | undefined][] = [
        ['first space', pos?.[1], lot.get('StartSpace')], ['last space', pos?.[2], lot.get('StopSpace')],
        ['timeout', valueOf(s, 'parkingtime'), lot.get('Timeout')],
      ];
      for (const [what, rendered, got] of checks) {
        if (rendered !== undefined && got !== rendered) out.push({ object: `parking lot ${s.name}`, message: `${what} is ${got ?? 'missing'}, rendered ${rendered}` });
      }
    }
    const stale = missingFrom(previous.map((s) => s.name).filter((n) => n !== 'general'), new Set(want.map((s) => s.name))).filter((n) => lots.has(n));
    if (stale.length) out.push({ object: `parking lot${stale.length > 1 ? 's' : ''} ${listed(stale)}`, message: 'removed but still loaded' });
    return out;
  },
};
