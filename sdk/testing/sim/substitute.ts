/**
 * Asterisk 20's variable substitution (main/pbx_variables.c
 * `pbx_substitute_variables_helper_full_location`), for the variables and functions acm's
 * dialplan uses: `${EXTEN}` (with `:offset:length`), `${CONTEXT}`, channel variables, `${EPOCH}`,
 * `${CALLERID(num|name|all)}`, `${CONNECTEDLINE(num|name|all)}`, `${FILTER(allowed,string)}`,
 * `${DB(family/key)}`, `${DB_DELETE(family/key)}`, and `$[…]` expressions with `|`, `&`, comparisons, `+`, `-`.
 * A value is copied into the result as it is and never substituted again. Buffer limits
 * (VAR_BUF_SIZE) are not modelled. Anything else throws rather than guess.
 */

import { dbDelete } from './dialplan-apps-hotdesk.ts';

/** What the dialplan can read from a channel. Caller-controlled: caller ID, connected line, exten. */
export interface ChannelData {
  exten: string;
  context?: string;
  callerId?: { num?: string; name?: string };
  connectedLine?: { num?: string; name?: string };
  /** Channel variables (DIALSTATUS, values set by Set/Read…). */
  vars?: Record<string, string>;
  /** AstDB, keyed `family/key`. */
  db?: Record<string, string>;
  /** A key DB_DELETE removed (the runner deletes it from the server's AstDB too). */
  dbDeleted?: (key: string) => void;
  /** The PJSIP endpoint the channel came from (`CHANNEL(endpoint)`). */
  endpoint?: string;
  /** The server's clock, for `${EPOCH}` (default real time). */
  now?: () => Date;
  /** Functions the running call provides itself (DUNDIQUERY, DUNDIRESULT: their state lives on the channel). */
  functions?: Record<string, (args: string) => string>;
}

const MAX_DEPTH = 15; // MAX_VARIABLE_SUB_RECURSE_DEPTH

export function substitute(template: string, chan: ChannelData, depth = 0): string {
  if (depth >= MAX_DEPTH) return '';
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) { out += template.slice(i); break; }
    const kind = template[d + 1];
    if (kind !== '{' && kind !== '[') { out += template.slice(i, d + 1); i = d + 1; continue; }
    out += template.slice(i, d);
    const open = kind;
    const close = kind === '{' ? '}' : ']';
    const other = kind === '{' ? '[' : '{';
    // Find the end by counting this kind of bracket; `$` + the other kind only marks a nested substitution.
    let j = d + 2;
    let depthCount = 1;
    let needsub = false;
    while (depthCount && j < template.length) {
      const c = template[j];
      if (c === '$' && template[j + 1] === open) {
        needsub = true;
        depthCount++;
        j++;
      } else if (c === open) {
        depthCount++;
      } else if (c === close) {
        depthCount--;
      } else if (c === '$' && template[j + 1] === other) {
        needsub = true;
        j++;
      }
      j++;
    }
    const inner = template.slice(d + 2, depthCount ? j : j - 1);
    i = j;
    const expr = needsub ? substitute(inner, chan, depth + 1) : inner;
    out += kind === '{' ? variable(expr, chan) : evaluateExpression(expr);
  }
  return out;
}

/** `${name}`, `${name:offset:length}` or `${FUNC(args)}` (parse_variable_name, substring). */
function variable(expr: string, chan: ChannelData): string {
  let parens = 0;
  let isFunc = false;
  let name = expr;
  let offset = 0;
  let length = Number.MAX_SAFE_INTEGER;
  for (let k = 0; k < expr.length; k++) {
    const c = expr[k];
    if (c === '(') {
      isFunc = true;
      parens++;
    } else if (c === ')') {
      parens--;
    } else if (c === ':' && parens === 0) {
      name = expr.slice(0, k);
      // sscanf("%30d:%30d"): a number, then optionally ':' and a number.
      const m = /^\s*([+-]?\d+)(?::\s*([+-]?\d+))?/.exec(expr.slice(k + 1));
      if (m) { offset = Number(m[1]); if (m[2] !== undefined) length = Number(m[2]); }
      break;
    }
  }
  const value = isFunc ? callFunction(name, chan) : readVariable(name, chan);
  return value === undefined ? '' : substring(value, offset, length);
}

function readVariable(name: string, chan: ChannelData): string | undefined {
  if (name === 'EXTEN') return chan.exten;
  if (name === 'CONTEXT') return chan.context ?? '';
  const vars = chan.vars ?? {};
  const key = Object.keys(vars).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key !== undefined) return vars[key];
  // pbx_retrieve_variable: channel variables first, then the global builtins.
  if (name === 'EPOCH') return String(Math.floor((chan.now?.() ?? new Date()).getTime() / 1000));
  return undefined;
}

/** pbx_functions.c func_args: the name up to the first `(`, the arguments up to the LAST `)`. */
function callFunction(call: string, chan: ChannelData): string | undefined {
  const open = call.indexOf('(');
  const fname = call.slice(0, open).toUpperCase();
  const body = call.slice(open + 1);
  const close = body.lastIndexOf(')');
  const args = close >= 0 ? body.slice(0, close) : body;
  switch (fname) {
    case 'CALLERID':
      return partyField(chan.callerId, args);
    case 'CONNECTEDLINE':
      return partyField(chan.connectedLine, args);
    case 'DB':
      return chan.db?.[args];
    case 'DB_DELETE': return dbDelete(chan.db, args, chan.dbDeleted);
    case 'CHANNEL':
      // func_channel.c / chan_pjsip: only the item acm's dialplan reads is modelled.
      if (args.trim().toLowerCase() !== 'endpoint') throw new Error(`CHANNEL(${args}) has no model in substitute.ts`);
      return chan.endpoint ?? '';
    case 'FILTER': {
      // func_strings.c: AST_STANDARD_RAW_ARGS with two slots: the string is the unsplit rest.
      const comma = firstArgEnd(args);
      if (comma < 0) return undefined; // "Usage: FILTER(<allowed-chars>,<string>)": no value
      return filterChars(args.slice(0, comma), args.slice(comma + 1));
    }
    default:
      if (chan.functions?.[fname]) return chan.functions[fname](args);
      throw new Error(`dialplan function ${fname} has no model in substitute.ts`);
  }
}

/** Where `__ast_app_separate_args` (RAW) ends the first of two arguments, or -1. */
function firstArgEnd(s: string): number {
  let paren = 0;
  let bracket = 0;
  let quote = false;
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '(') paren++;
    else if (c === ')') paren = Math.max(0, paren - 1);
    else if (c === '[') bracket++;
    else if (c === ']') bracket = Math.max(0, bracket - 1);
    else if (c === '"') quote = !quote;
    else if (c === '\\') k++;
    else if (c === ',' && !paren && !bracket && !quote) return k;
  }
  return -1;
}

function partyField(party: { num?: string; name?: string } | undefined, field: string): string {
  const num = party?.num ?? '';
  const name = party?.name ?? '';
  switch (field.trim().toLowerCase()) {
    case 'num': case 'number': return num;
    case 'name': return name;
    case 'all': return `"${name}" <${num}>`;
    default: throw new Error(`caller ID field ${field} has no model in substitute.ts`);
  }
}

/**
 * FILTER(allowed,string) on bytes, as func_strings.c does: `allowed` is characters and ranges
 * `a-b` (wrapping past 255 when b < a), each end possibly an escape (app.c ast_get_encoded_char:
 * `\n` `\r` `\t`, `\xHH`, `\0ooo`, `\` + any other character = that character). NUL is never allowed.
 * A malformed escape makes FILTER fail: undefined (the substitution yields nothing).
 */
export function filterChars(allowed: string, value: string): string | undefined {
  const spec = Buffer.from(allowed, 'utf8');
  const ok = new Set<number>();
  let k = 0;
  while (k < spec.length) {
    const c1 = encodedChar(spec, k);
    if (!c1) return undefined;
    k += c1.consumed;
    if (spec[k] === 0x2d /* - */) {
      const c2 = encodedChar(spec, k + 1);
      const to = c2 ? c2.value : c1.value;
      k += (c2 ? c2.consumed : 0) + 1;
      for (let b = c1.value; ; b = (b + 1) & 0xff) { ok.add(b); if (b === to) break; }
    } else ok.add(c1.value);
  }
  ok.delete(0);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.from([...bytes].filter((b) => ok.has(b))).toString('utf8');
}

function encodedChar(s: Buffer, at: number): { value: number; consumed: number } | undefined {
  if (at >= s.length) return undefined;
  if (s[at] !== 0x5c /* \ */) return { value: s[at]!, consumed: 1 };
  const next = s[at + 1];
  const ch = next === undefined ? '' : String.fromCharCode(next);
  const hex = (b: number | undefined) => (b !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(b)) ? parseInt(String.fromCharCode(b), 16) : -1);
  switch (ch) {
    case 'n': return { value: 10, consumed: 2 };
    case 'r': return { value: 13, consumed: 2 };
    case 't': return { value: 9, consumed: 2 };
    case 'x': {
      const h1 = hex(s[at + 2]);
      if (h1 < 0) return undefined; // "Illegal character in hexadecimal string"
      const h2 = hex(s[at + 3]);
      return h2 < 0 ? { value: h1, consumed: 3 } : { value: ((h1 << 4) + h2) & 0xff, consumed: 4 };
    }
    case '0': {
      let v = 0;
      let n = 2;
      while (s[at + n] !== undefined && s[at + n]! >= 0x30 && s[at + n]! <= 0x37) { v = ((v << 3) + s[at + n]! - 0x30) & 0xff; n++; }
      return { value: v, consumed: n };
    }
    default: return { value: next ?? 0, consumed: 2 };
  }
}

/** pbx_variables.c substring(): negative offset counts from the end, negative length leaves that many off. */
function substring(value: string, offset: number, length: number): string {
  const lr = value.length;
  if (offset === 0 && length >= lr) return value;
  let off = offset;
  if (off < 0) off = Math.max(0, lr + off);
  if (off >= lr) return '';
  if (length >= 0) return value.slice(off, off + length);
  return lr > off - length ? value.slice(off, lr + length) : '';
}

/* ------------------------------------------------------------------------------------------------
 * $[…]: the subset of ast_expr acm writes — quoted strings, numbers, `|`, `&`, `=`, `!=`, `<`,
 * `>`, `<=`, `>=`, `+`, `-`, parentheses.
 * ---------------------------------------------------------------------------------------------- */
export function evaluateExpression(text: string): string {
  const tokens = tokenize(text.trim());
  let pos = 0;
  const peek = () => tokens[pos];
  const truthy = (v: string) => v !== '' && v !== '0';
  const num = (v: string) => (/^\s*[+-]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined);
  const fmt = (n: number) => String(n);
  const primary = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error(`expression "${text}" ends early`);
    if (t.op === '(') {
      const v = or();
      if (tokens[pos++]?.op !== ')') throw new Error(`expression "${text}" lacks ")"`);
      return v;
    }
    if (t.op) throw new Error(`expression "${text}": unexpected ${t.op}`);
    return t.value;
  };
  const additive = (): string => {
    let v = primary();
    while (peek()?.op === '+' || peek()?.op === '-') {
      const op = tokens[pos++]!.op;
      const r = primary();
      const a = num(v);
      const b = num(r);
      if (a === undefined || b === undefined) throw new Error(`expression "${text}": non-numeric ${op}`);
      v = fmt(op === '+' ? a + b : a - b);
    }
    return v;
  };
  const comparison = (): string => {
    let v = additive();
    while (['=', '!=', '<', '>', '<=', '>='].includes(peek()?.op ?? '')) {
      const op = tokens[pos++]!.op;
      const r = additive();
      const a = num(v);
      const b = num(r);
      const cmp = a !== undefined && b !== undefined ? Math.sign(a - b) : v < r ? -1 : v > r ? 1 : 0;
      const res = { '=': cmp === 0, '!=': cmp !== 0, '<': cmp < 0, '>': cmp > 0, '<=': cmp <= 0, '>=': cmp >= 0 }[op!]!;
      v = res ? '1' : '0';
    }
    return v;
  };
  const and = (): string => {
    let v = comparison();
    while (peek()?.op === '&') { pos++; const r = comparison(); v = truthy(v) && truthy(r) ? v : '0'; }
    return v;
  };
  const or = (): string => {
    let v = and();
    while (peek()?.op === '|') { pos++; const r = and(); v = truthy(v) ? v : r; }
    return v;
  };
  const result = or();
  if (pos !== tokens.length) throw new Error(`expression "${text}": trailing tokens`);
  return result;
}

function tokenize(text: string): Array<{ op?: string; value: string }> {
  const out: Array<{ op?: string; value: string }> = [];
  const re = /\s*(?:"([^"]*)"|(!=|<=|>=|[|&=<>+\-()])|([^\s"|&=<>+\-()!]+))/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    if (m[1] !== undefined) out.push({ value: m[1] });
    else if (m[2] !== undefined) out.push({ op: m[2], value: m[2] });
    else if (m[3] !== undefined) out.push({ value: m[3] });
  }
  if (text.slice(re.lastIndex).trim() !== '') throw new Error(`expression "${text}" has a token substitute.ts cannot read`);
  return out;
}
