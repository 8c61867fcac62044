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
  return: 1, // app_stack.c return_exec: the value, taken whole
  dundiquery: 3, // pbx_dundi.c dundi_query_read: number, context, options
  dundiresult: 2, // pbx_dundi.c dundi_result_read: id, resultnum
  voicemail: 2, // app_voicemail.c vm_exec: mailboxes, options
  voicemailmain: 2, // app_voicemail.c vm_execmain: mailbox@context, options
  confbridge: 4, // app_confbridge.c: conference, bridge profile, user profile, menu profile
  read: 6, // app_read.c: variable, filename, maxdigits, options, attempts, timeout
  playback: 2, // app_playback.c: filenames, options
  answer: 2, // pbx_builtins.c: delay, (no)answer_cdr
  background: 4, // pbx_builtins.c pbx_builtin_background: filename, options, lang, context
  waitexten: 2, // pbx_builtins.c pbx_builtin_waitexten: timeout, options
  queue: 10, // app_queue.c queue_exec: queuename, options, url, announceoverride, timeout, agi, macro, gosub, rule, position
  addqueuemember: 7, // aqm_exec: queuename, interface, penalty, options, membername, state_interface, wrapuptime
  removequeuemember: 2, // rqm_exec: queuename, interface
  pausequeuemember: 4, // pqm_exec: queuename, interface, options, reason
  unpausequeuemember: 4, // upqm_exec: queuename, interface, options, reason
  userevent: 101, // app_userevent.c userevent_exec: eventname, extra[100]
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
    case 'progress': // pbx_builtins.c pbx_builtin_progress: the data is not read
    case 'hangup': // the cause, taken whole
      return [data];
    case 'goto': { // pbx.c pbx_parseable_goto: [[context,]exten,]priority, strsep on ','
      const [ctx, r1] = strsep(data, ',');
      const [exten, r2] = strsep(r1, ',');
      const [prio] = strsep(r2, ',');
      return [ctx, exten, prio].filter((v): v is string => v !== undefined);
    }
    case 'gotoif': // pbx_builtins.c: condition?label1[:label2]
    case 'gotoiftime': { // pbx_builtins.c: times,weekdays,mdays,months[,timezone]?label1[:label2] (the condition is not split here)
      const [cond, r1] = strsep(data, '?');
      const [b1, b2] = strsep(r1, ':');
      return [cond ?? '', b1 ?? '', b2 ?? ''];
    }
    case 'execif': { // app_exec.c: EXPR?APP1(ARGS)[:APP2(ARGS)], NONSTANDARD_APP_ARGS on '?' then ':'
      const [expr = '', rest = ''] = separateArgs(data, 2, { delim: '?' });
      const [t = '', f = ''] = separateArgs(rest, 2, { delim: ':' });
      return [expr, t, f];
    }
    case 'gosub': { // app_stack.c gosub_exec: label up to the first '(', then the arguments up to the last ')', split on ','
      const open = data.indexOf('(');
      if (open < 0) return [data];
      const close = data.lastIndexOf(')');
      return [data.slice(0, open), ...separateArgs(data.slice(open + 1, close > open ? close : undefined), Number.MAX_SAFE_INTEGER)];
    }
    case 'gosubif': { // app_stack.c gosubif_exec: NONSTANDARD_RAW_ARGS on '?', then the labels on ':'
      const [cond = '', rest = ''] = separateArgs(data, 2, { delim: '?' });
      const [t = '', f = ''] = separateArgs(rest, 2, { delim: ':' });
      return [cond, t, f];
    }
    case 'vmauthenticate': { // app_voicemail.c vmauthenticate: strsep on ',' for the mailbox, then the options
      const [user, r1] = strsep(data, ',');
      const [options] = strsep(r1, ',');
      return [user ?? '', options ?? ''];
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
  /** Why pbx_config skips this line (it adds no priority). */
  invalid?: string;
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
 * `same =>`; comments after `;`). Includes and switches are skipped; a line pbx_config would
 * refuse is returned with `invalid` set.
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
    const number = pri.replace(/\+\d*$/, '');
    if (!/^(hint|n|next|s|same|[0-9]+)$/.test(number)) {
      // "Invalid priority/label": pbx_config skips the line (a label as priority is not modelled).
      out.push({ context, exten, priority: pri, label, app: '', data: '', line: idx + 1, invalid: `invalid priority "${pri}"` });
      return;
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

/* ------------------------------------------------------------------------------------------------
 * Checks for tests: does channel data change an application's arguments?
 * ---------------------------------------------------------------------------------------------- */

/** A number that reaches `exten` (a `_` pattern: X/N/Z/[…] as a digit, `.`/`!` as `tail`). */
export function dialledNumber(exten: string, tail: string): string {
  if (!exten.startsWith('_')) return exten;
  let out = '';
  const p = exten.slice(1);
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 'X' || c === 'N' || c === 'Z' || c === 'x' || c === 'n' || c === 'z') out += '5';
    else if (c === '[') {
      const end = p.indexOf(']', i);
      out += p[i + 1] ?? '';
      i = end < 0 ? p.length : end;
    } else if (c === '.' || c === '!') return out + (c === '.' && tail === '' ? '0' : tail);
    else if (c !== '-') out += c;
  }
  return out;
}

/**
 * Pieces of an argument: each character that can carry structure (`@`, `&`, `/`, `,`, quotes…)
 * and the runs between them, empty ones included (an all-filtered number is still one piece).
 */
function pieces(arg: string): string[] {
  return arg.split(/([^A-Za-z0-9*#+._-])/);
}

/**
 * How `hostile` differs in structure from two benign runs `a` and `b` of the same priority, or
 * null. An argument equal in `a` and `b` is written by the dialplan and must stay exactly as it is
 * (application options, timeouts, contexts); one that differs carries channel data and must keep
 * its pieces: same count, and every piece equal in `a` and `b` unchanged (`@context`, `&`, `/`).
 */
export function argumentDrift(a: { app: string; args: string[] }, b: { args: string[] }, hostile: { app: string; args: string[] }): string | null {
  if (hostile.app !== a.app) return `application ${a.app} became ${hostile.app}`;
  if (hostile.args.length !== a.args.length) return `${a.app}: ${a.args.length} arguments became ${hostile.args.length}: ${JSON.stringify(hostile.args)}`;
  // GotoIf's condition is meant to follow the caller (a PIN check): its value is for the shape check.
  for (let i = a.app.toLowerCase() === 'gotoif' ? 1 : 0; i < a.args.length; i++) {
    const [x, y, h] = [a.args[i]!, b.args[i]!, hostile.args[i]!];
    if (x === y) {
      if (h !== x) return `${a.app}: argument ${i + 1} "${x}" became "${h}"`;
      continue;
    }
    const [px, py, ph] = [pieces(x), pieces(y), pieces(h)];
    if (px.length !== py.length || ph.length !== px.length) return `${a.app}: argument ${i + 1} "${x}" became "${h}" (structure)`;
    for (let j = 0; j < px.length; j++) if (px[j] === py[j] && ph[j] !== px[j]) return `${a.app}: argument ${i + 1} "${x}" became "${h}"`;
  }
  return null;
}

/** A channel for one priority (the dialled number must reach the priority's extension). */
export type ChannelFor = (p: DialplanPriority) => ChannelData;

/**
 * Runs every priority of `text` (hints skipped) with channels `a`, `b` (benign) and `hostile`;
 * returns what changed, plus what `shape` (the arguments the dialplan's author means) refuses.
 */
export function dialplanArgumentProblems(text: string, a: ChannelFor, b: ChannelFor, hostile: ChannelFor, shape?: (app: string, args: string[]) => boolean): string[] {
  const out: string[] = [];
  for (const p of parseDialplanPriorities(text)) {
    const where = `${p.exten}@${p.context} line ${p.line}`;
    if (p.invalid) { out.push(`${where}: ${p.invalid}, pbx_config skips the line`); continue; }
    if (p.priority === 'hint') continue;
    const [ra, rb, rh] = [runPriority(p, a(p)), runPriority(p, b(p)), runPriority(p, hostile(p))];
    const drift = argumentDrift(ra, rb, rh);
    if (drift) out.push(`${where}: ${drift}`);
    for (const r of [ra, rh]) if (shape && !shape(r.app, r.args)) out.push(`${where}: ${r.app}(${JSON.stringify(r.args)}) is not an argument list acm writes`);
  }
  return out;
}
