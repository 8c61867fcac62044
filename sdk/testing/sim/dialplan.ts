/**
 * pbx_config-like dialplan for the simulator: contexts, extensions and priorities from
 * extensions.conf. Asterisk 20 semantics: a missing `#include` rejects the whole reload (old
 * dialplan kept, `Reload` answers Error + Reload event Status 3); a line without `=>` or a bad
 * priority skips that line; application names are not checked.
 */
import { fatalLog, parseConfig, type ConfigSource } from './config-parser.ts';

export interface Priority {
  priority: number;
  label?: string;
  app: string;
  data: string;
  file: string;
  line: number;
}

export interface Extension {
  exten: string;
  priorities: Priority[];
}

export interface Context {
  name: string;
  extensions: Map<string, Extension>;
  includes: string[];
}

export interface DialplanReloadReport {
  rejected: boolean;
  reason?: string;
  log: string[];
}

export class Dialplan {
  contexts = new Map<string, Context>();

  reload(source: ConfigSource, file = 'extensions.conf'): DialplanReloadReport {
    const parsed = parseConfig(source, file);
    if (parsed.missing) return { rejected: true, reason: `${file} not found`, log: [] };
    if (parsed.fatal) return { rejected: true, reason: parsed.fatal, log: [fatalLog(parsed.fatal)] };
    const log = [...parsed.warnings];
    const next = new Map<string, Context>();
    for (const s of parsed.sections) {
      if (s.name === 'general' || s.name === 'globals') continue;
      const ctx: Context = next.get(s.name) ?? { name: s.name, extensions: new Map(), includes: [] };
      next.set(s.name, ctx);
      let last: { exten: string; prio: number } | undefined;
      for (const e of s.entries) {
        if (e.key === 'include') {
          ctx.includes.push(e.value);
          continue;
        }
        if (e.key !== 'exten' && e.key !== 'same') {
          log.push(`${e.file}:${e.line}: unknown dialplan keyword '${e.key}'`);
          continue;
        }
        const parts = splitTop(e.value);
        let exten: string;
        let prioStr: string;
        let appPart: string;
        if (e.key === 'same') {
          if (!last) {
            log.push(`${e.file}:${e.line}: 'same' without a previous extension`);
            continue;
          }
          exten = last.exten;
          prioStr = parts[0] ?? '';
          appPart = parts.slice(1).join(',');
        } else {
          exten = (parts[0] ?? '').trim();
          prioStr = parts[1] ?? '';
          appPart = parts.slice(2).join(',');
        }
        let label: string | undefined;
        const lm = /^([^()]*)\(([^)]*)\)$/.exec(prioStr.trim());
        let p = prioStr.trim();
        if (lm) {
          p = (lm[1] ?? '').trim();
          label = lm[2];
        }
        let prio: number;
        if (p === 'n') prio = (last && last.exten === exten ? last.prio : 0) + 1;
        else if (p === 'hint') {
          prio = -1;
        } else if (/^\d+$/.test(p)) prio = Number(p);
        else {
          log.push(`${e.file}:${e.line}: Invalid priority/label '${p}' at line ${e.line}`);
          continue;
        }
        const am = /^\s*([^(]*)(?:\((.*)\))?\s*$/s.exec(appPart);
        const app = (am?.[1] ?? '').trim();
        const data = am?.[2] ?? '';
        const ext = ctx.extensions.get(exten) ?? { exten, priorities: [] };
        ctx.extensions.set(exten, ext);
        ext.priorities.push({ priority: prio, label, app, data, file: e.file, line: e.line });
        if (prio > 0) last = { exten, prio };
      }
    }
    this.contexts = next;
    return { rejected: false, log };
  }

  /** The extension a call to `exten` runs in `context` (priority 1; includes searched, untimed). */
  match(context: string, exten: string): Extension | undefined {
    return this.find(context, exten, { priority: 1 })?.extension;
  }

  /**
   * pbx_find_extension (extenpatternmatchnew = no, the default): the context's extensions in
   * ext_cmp order (exact ones first, then patterns from the most specific), the first that
   * matches AND has the priority (or label) wins; then each include in order, recursively, a
   * context visited once. `timeOk` decides a timed include (`include => ctx,<timing>`).
   */
  find(context: string, exten: string, at: { priority?: number; label?: string }, timeOk: (timing: string) => boolean = () => true, seen = new Set<string>()): { context: string; extension: Extension; priority: Priority } | undefined {
    const key = context.toLowerCase();
    if (seen.has(key)) return undefined;
    seen.add(key);
    const ctx = this.contexts.get(context);
    if (!ctx) return undefined;
    for (const e of [...ctx.extensions.values()].sort((a, b) => extCmp(a.exten, b.exten))) {
      if (!extensionMatches(e.exten, exten)) continue;
      const p = e.priorities.find((x) => x.priority > 0 && (at.label !== undefined ? x.label === at.label : x.priority === at.priority));
      if (p) return { context: ctx.name, extension: e, priority: p };
    }
    for (const inc of ctx.includes) {
      // include_alloc: the context name up to the first `|` (else `,`), the rest a timing.
      const cut = inc.includes('|') ? inc.indexOf('|') : inc.indexOf(',');
      const name = (cut >= 0 ? inc.slice(0, cut) : inc).trim();
      if (cut >= 0 && !timeOk(inc.slice(cut + 1))) continue;
      const found = this.find(name, exten, at, timeOk, seen);
      if (found) return found;
    }
    return undefined;
  }

  /** Hint of an extension (`exten => X,hint,PJSIP/X`). */
  hint(context: string, exten: string): string | undefined {
    return this.contexts.get(context)?.extensions.get(exten)?.priorities.find((p) => p.priority === -1)?.app;
  }
}

/** Split on commas outside parentheses (only the first 2 splits matter). */
function splitTop(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of v) {
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** An extension (exact, `-` ignored) or `_pattern` matches a dialled number (E_MATCH). */
export function extensionMatches(exten: string, dialled: string): boolean {
  if (!exten.startsWith('_')) return exten.replace(/-/g, '') === dialled.replace(/-/g, '');
  return patternMatches(exten.slice(1), dialled);
}

/**
 * pbx.c _extension_match_core in E_MATCH mode, for a pattern without its `_`: X, Z, N (either
 * case), `[…]` sets with ranges, `.` (one or more), `!` (zero or more), `-` ignored.
 */
export function patternMatches(pattern: string, exten: string): boolean {
  let p = 0;
  let d = 0;
  for (;;) {
    while (exten[d] === '-') d++;
    while (pattern[p] === '-') p++;
    if (d >= exten.length || p >= pattern.length || pattern[p] === '/') break;
    const c = pattern[p]!;
    const ch = exten[d]!;
    if (c === '[') {
      const end = pattern.indexOf(']', p + 1);
      if (end < 0) return false; // "Wrong usage of [] in the extension"
      let q = p + 1;
      if (q === end) { p = end + 1; continue; } // an empty set is ignored
      let hit = false;
      for (; q < end; q++) {
        if (q + 2 < end && pattern[q + 1] === '-') {
          if (ch >= pattern[q]! && ch <= pattern[q + 2]!) { hit = true; break; }
          q += 2;
        } else if (ch === pattern[q]) { hit = true; break; }
      }
      if (!hit) return false;
      p = end;
    } else if (c === 'N' || c === 'n') { if (ch < '2' || ch > '9') return false; }
    else if (c === 'X' || c === 'x') { if (ch < '0' || ch > '9') return false; }
    else if (c === 'Z' || c === 'z') { if (ch < '1' || ch > '9') return false; }
    else if (c === '.' || c === '!') return true;
    else if (ch !== c) return false;
    d++;
    p++;
  }
  if (d < exten.length) return false;
  return p >= pattern.length || pattern[p] === '/' || pattern[p] === '!';
}

/** ext_cmp_pattern_pos: the score of the next pattern position and its character set. */
function patternPos(s: { p: string; i: number; done: boolean }, bits: Uint8Array): number {
  for (;;) {
    let c: string;
    do c = s.p[s.i++] ?? '\0'; while (c === '-');
    const set = (code: number) => { bits[code >> 3]! |= 1 << (7 - (code & 7)); };
    switch (c) {
      case 'n': case 'N': bits[6] = 0x3f; bits[7] = 0xc0; return 0x0800 | 0x32;
      case 'x': case 'X': bits[6] = 0xff; bits[7] = 0xc0; return 0x0a00 | 0x30;
      case 'z': case 'Z': bits[6] = 0x7f; bits[7] = 0xc0; return 0x0900 | 0x31;
      case '.': return 0x18000;
      case '!': return 0x28000;
      case '\0': s.done = true; return 0x30000;
      case '[': break;
      default: set(c.charCodeAt(0) & 0xff); return 0x0100 | (c.charCodeAt(0) & 0xff);
    }
    const end = s.p.indexOf(']', s.i);
    if (end < 0) return 0x40000;
    let count = 0;
    let cmin = 0xff;
    for (; s.i < end; s.i++) {
      let c1 = s.p.charCodeAt(s.i) & 0xff;
      let c2 = c1;
      if (s.i + 2 < end && s.p[s.i + 1] === '-') { c2 = s.p.charCodeAt(s.i + 2) & 0xff; s.i += 2; }
      if (c1 < cmin) cmin = c1;
      for (; c1 <= c2; c1++) {
        const mask = 1 << (7 - (c1 & 7));
        if (!(bits[c1 >> 3]! & mask)) { bits[c1 >> 3]! |= mask; count += 0x100; }
      }
    }
    s.i++;
    if (count) return count | cmin;
  }
}

/** ext_cmp: exact extensions first (by character), then patterns by specificity, position by position. */
export function extCmp(left: string, right: string): number {
  const lp = left.startsWith('_');
  const rp = right.startsWith('_');
  if (!lp || !rp) {
    if (lp !== rp) return lp ? 1 : -1;
    const [a, b] = [left.replace(/-/g, ''), right.replace(/-/g, '')];
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const l = { p: left.slice(1), i: 0, done: false };
  const r = { p: right.slice(1), i: 0, done: false };
  for (;;) {
    const [lb, rb] = [new Uint8Array(32), new Uint8Array(32)];
    let cmp = patternPos(l, lb) - patternPos(r, rb);
    // Same score: the set with the lower characters first (memcmp of right against left).
    for (let k = 0; !cmp && k < 32; k++) cmp = rb[k]! - lb[k]!;
    if (cmp || l.done) return cmp;
  }
}
