/**
 * How Asterisk 20 turns a dialplan priority into an application's arguments, for tests that ask
 * "can channel data change which arguments an application gets?":
 *  1. pbx_config cuts `exten => ext,prio,App(data)` (pbx/pbx_config.c: the extension with a
 *     `[`-aware strsep, the priority with strsep, the data up to the LAST `)`);
 *  2. at run time pbx.c substitutes `${…}` and `$[…]` in the data (substitute.ts) ...
 *  3. ... and only then the application splits the result (main/app.c
 *     `__ast_app_separate_args`): so a `,` inside a substituted value starts a new argument.
 */
import { substitute, type ChannelData } from './substitute.ts';

export { substitute, filterChars, type ChannelData } from './substitute.ts';

/**
 * `__ast_app_separate_args(buf, delim, remove_chars, array, arraylen)`: split on `delim` outside
 * `(…)`, `[…]` and `"…"`; a backslash makes the next character literal. With `removeChars`
 * (AST_STANDARD_APP_ARGS) quotes and backslashes are dropped; RAW keeps them. At most `max`
 * arguments: the last one is the unsplit, unprocessed rest. A trailing delimiter gives one more,
 * empty argument; empty data gives none.
 */
export function separateArgs(data: string, max: number, o: { delim?: string; raw?: boolean } = {}): string[] {
  const delim = o.delim ?? ',';
  const remove = !o.raw;
  const args: string[] = [];
  if (max <= 0) return args;
  let i = 0;
  let paren = 0;
  let bracket = 0;
  let quote = false;
  let endedOnDelim = false;
  while (i < data.length && args.length < max - 1) {
    let cur = '';
    endedOnDelim = false;
    for (; i < data.length; i++) {
      const c = data[i]!;
      if (c === '(') paren++;
      else if (c === ')') paren = Math.max(0, paren - 1);
      else if (c === '[') bracket++;
      else if (c === ']') bracket = Math.max(0, bracket - 1);
      else if (c === '"' && delim !== '"') {
        quote = !quote;
        if (remove) continue;
      } else if (c === '\\') {
        // Literal next character (a trailing backslash overruns the buffer in C: stop there).
        if (!remove) cur += c;
        i++;
        if (i < data.length) cur += data[i];
        continue;
      } else if (c === delim && !paren && !quote && !bracket) {
        i++;
        endedOnDelim = true;
        break;
      }
      cur += c;
    }
    args.push(cur);
  }
  if (i < data.length || endedOnDelim) args.push(data.slice(i));
  return args;
}

/** C `strsep`: the text up to the first of `delims`, and the rest (undefined when none was found). */
function strsep(s: string | undefined, delims: string): [string | undefined, string | undefined] {
  if (s === undefined) return [undefined, undefined];
  for (let i = 0; i < s.length; i++) if (delims.includes(s[i]!)) return [s.slice(0, i), s.slice(i + 1)];
  return [s, undefined];
}

/** Argument count (AST_DECLARE_APP_ARGS) of the applications acm's dialplan uses, from their sources. */
const STANDARD_ARGS: Record<string, number> = {
  dial: 4, // app_dial.c: peers, timeout, options, url
  voicemail: 2, // app_voicemail.c vm_exec: mailboxes, options
  voicemailmain: 2, // app_voicemail.c vm_execmain: mailbox@context, options
  confbridge: 4, // app_confbridge.c: conference, bridge profile, user profile, menu profile
  read: 6, // app_read.c: variable, filename, maxdigits, options, attempts, timeout
  playback: 2, // app_playback.c: filenames, options
  answer: 2, // pbx_builtins.c: delay, (no)answer_cdr
};

/**
 * The arguments an application sees for its (already substituted) data. Applications without
 * a model here throw, so a test cannot pass over one it does not understand.
 */
export function applicationArgs(app: string, data: string): string[] {
  const name = app.toLowerCase();
  const n = STANDARD_ARGS[name];
  if (n !== undefined) return separateArgs(data, n);
  switch (name) {
    case 'noop':
    case 'hangup': // the cause, taken whole
      return [data];
    case 'goto': { // pbx.c pbx_parseable_goto: [[context,]exten,]priority, strsep on ','
      const [ctx, r1] = strsep(data, ',');
      const [exten, r2] = strsep(r1, ',');
      const [prio] = strsep(r2, ',');
      return [ctx, exten, prio].filter((v): v is string => v !== undefined);
    }
    case 'gotoif': { // pbx_builtins.c: condition?label1[:label2]
      const [cond, r1] = strsep(data, '?');
      const [b1, b2] = strsep(r1, ':');
      return [cond ?? '', b1 ?? '', b2 ?? ''];
    }
    case 'set': { // pbx_builtins.c pbx_builtin_setvar: name=value, the value taken whole
      const [varName, value] = strsep(data, '=');
      return [varName ?? '', value ?? ''];
    }
    default:
      throw new Error(`application ${app} has no argument model in app-args.ts`);
  }
}

/** One priority as pbx_config stores it. */
export interface DialplanPriority {
  context: string;
  exten: string;
  /** `hint`, a number, or `n` (as written). */
  priority: string;
  label?: string;
  app: string;
  data: string;
  line: number;
}

/** pbx_config.c `pbx_strsep`: like strsep, but not inside `[…]`, and `\` skips the next character. */
function pbxStrsep(s: string, delim: string): [string, string | undefined] {
  let square = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '[') square++;
    else if (c === ']') square = Math.max(0, square - 1);
    else if (c === '\\') i++;
    else if (c === delim && !square) return [s.slice(0, i), s.slice(i + 1)];
  }
  return [s, undefined];
}

/**
 * The priorities of an extensions.conf text as pbx_config cuts them (contexts, `exten =>`,
 * `same =>`; comments after `;`). Includes and switches are skipped.
 */
export function parseDialplanPriorities(text: string): DialplanPriority[] {
  const out: DialplanPriority[] = [];
  let context = '';
  let lastExten = '';
  text.split('\n').forEach((raw, idx) => {
    const line = raw.replace(/(^|[^\\]);.*$/, '$1').trim();
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) { context = header[1]!; lastExten = ''; return; }
    const kv = /^(exten|same)\s*=>?\s*(.*)$/i.exec(line);
    if (!kv) return;
    let rest: string | undefined = kv[2]!;
    let exten = lastExten;
    if (kv[1]!.toLowerCase() === 'exten') {
      [exten, rest] = pbxStrsep(rest, ',');
      lastExten = exten;
    }
    const [priRaw, afterPri] = strsep(rest, ',');
    let pri = (priRaw ?? '').trim();
    let label: string | undefined;
    const lp = pri.indexOf('(');
    if (lp >= 0) {
      const end = pri.indexOf(')', lp);
      if (end < 0) return; // "Label missing trailing ')'": line skipped
      label = pri.slice(lp + 1, end);
      pri = pri.slice(0, lp);
    }
    const appl = afterPri ?? '';
    let app = appl;
    let data = '';
    const open = appl.indexOf('(');
    if (open >= 0) {
      const name = appl.slice(0, open);
      if (!name.includes('${') && !name.includes('$[')) {
        app = name;
        const body = appl.slice(open + 1);
        const close = body.lastIndexOf(')');
        data = close >= 0 ? body.slice(0, close) : body;
      }
    }
    out.push({ context, exten, priority: pri, label, app: app.replace(/^\s+/, ''), data, line: idx + 1 });
  });
  return out;
}

/** What one priority runs with this channel: the application and its split arguments. */
export function runPriority(p: Pick<DialplanPriority, 'app' | 'data'>, chan: ChannelData): { app: string; appData: string; args: string[] } {
  const appData = substitute(p.data, chan);
  return { app: p.app, appData, args: applicationArgs(p.app, appData) };
}
