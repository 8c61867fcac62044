/**
 * Voicemail users (app_voicemail) from voicemail.conf: `[context]` sections with
 * `box => password,fullname,email,pager,opt=val|opt=val`. Asterisk 20 semantics: a file that
 * fails to parse is "in an invalid format" and the old users stay; fullname is an 80-byte buffer
 * (ast_copy_string keeps 79 bytes); every reload re-reads the file.
 */
import { fatalLog, parseConfig, type ConfigSource } from './config-parser.ts';
import type { Fields } from './state.ts';

export interface VoicemailUser {
  context: string;
  mailbox: string;
  password: string;
  fullname: string;
  /** undefined prints `(null)` like Asterisk (a NULL char*). */
  email: string | undefined;
  pager: string;
  options: Record<string, string>;
}

const SKIP = new Set(['general', 'zonemessages', 'aliases']);

/**
 * ast_copy_string into a buffer of `size` bytes: the first size-1 bytes of the UTF-8 text. Where
 * that cuts a character, Asterisk sends its partial bytes; the simulator drops them (DIFFERENCES.md).
 */
export function copyString(s: string, size: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length < size) return s;
  let end = size - 1;
  while (end > 0 && ((b[end] ?? 0) & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString('utf8');
}

export class Voicemail {
  users: VoicemailUser[] = [];
  general: Record<string, string> = {};

  load(source: ConfigSource, log: string[]): void {
    const parsed = parseConfig(source, 'voicemail.conf');
    if (parsed.missing) {
      log.push('ERROR app_voicemail.c: Failed to load configuration file.');
      return;
    }
    if (parsed.fatal) {
      log.push(fatalLog(parsed.fatal));
      log.push('ERROR app_voicemail.c: Config file voicemail.conf is in an invalid format.  Aborting.');
      return;
    }
    const next: VoicemailUser[] = [];
    const general: Record<string, string> = {};
    for (const s of parsed.sections) {
      if (s.name === 'general') for (const e of s.entries) general[e.key.toLowerCase()] = e.value;
      if (SKIP.has(s.name) || s.isTemplate) continue;
      for (const e of s.entries) {
        const parts = e.value.split(',');
        const [password = '', fullname, email, pager] = parts;
        const options: Record<string, string> = {};
        for (const o of parts.slice(4).join(',').split('|')) {
          const eq = o.indexOf('=');
          if (eq > 0) options[o.slice(0, eq).trim().toLowerCase()] = o.slice(eq + 1).trim();
        }
        const user: VoicemailUser = { context: s.name, mailbox: e.key, password, fullname: copyString(fullname ?? '', 80), email, pager: copyString(pager ?? '', 80), options };
        const dup = next.findIndex((u) => u.context === s.name && u.mailbox === e.key);
        if (dup >= 0) next[dup] = user;
        else next.push(user);
      }
    }
    this.users = next;
    this.general = general;
  }

  /** Fields of a VoicemailUserEntry event (apps/app_voicemail.c append_vmu_info_astman). */
  entryFields(u: VoicemailUser, counts: { newMsgs: number; old: number }): Fields {
    const opt = (k: string, global: string, dflt: string) => u.options[k] ?? this.general[global] ?? dflt;
    const yn = (v: string) => (/^(yes|true|y|t|1|on)$/i.test(v) ? 'Yes' : 'No');
    return [
      ['VMContext', u.context], ['VoiceMailbox', u.mailbox], ['Fullname', u.fullname], ['Email', u.email ?? '(null)'],
      ['Pager', u.pager], ['ServerEmail', opt('serveremail', 'serveremail', 'asterisk')], ['FromString', this.general.fromstring ?? ''],
      ['MailCommand', this.general.mailcmd ?? '/usr/sbin/sendmail -t'], ['Language', u.options.language ?? ''], ['TimeZone', u.options.tz ?? ''],
      ['Callback', u.options.callback ?? ''], ['Dialout', u.options.dialout ?? ''], ['UniqueID', ''], ['ExitContext', u.options.exitcontext ?? ''],
      ['SayDurationMinimum', opt('saydurationm', 'saydurationm', '2')], ['SayEnvelope', yn(opt('envelope', 'envelope', 'yes'))],
      ['SayCID', yn(opt('saycid', 'saycid', 'no'))], ['AttachMessage', yn(opt('attach', 'attach', 'yes'))],
      ['AttachmentFormat', u.options.attachfmt ?? ''], ['DeleteMessage', yn(opt('delete', 'delete', 'no'))],
      ['VolumeGain', Number(opt('volgain', 'volgain', '0')).toFixed(2)], ['CanReview', yn(opt('review', 'review', 'no'))],
      ['CanMarkUrgent', 'Yes'], ['CallOperator', yn(opt('operator', 'operator', 'no'))],
      ['MaxMessageCount', opt('maxmsg', 'maxmsg', '100')], ['MaxMessageLength', opt('maxsecs', 'maxsecs', '0')],
      ['NewMessageCount', String(counts.newMsgs)], ['OldMessageCount', String(counts.old)],
    ];
  }
}
