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

  /** Find the extension (exact or pattern) in a context. */
  match(context: string, exten: string): Extension | undefined {
    const ctx = this.contexts.get(context);
    if (!ctx) return undefined;
    const exact = ctx.extensions.get(exten);
    if (exact) return exact;
    for (const e of ctx.extensions.values()) if (e.exten.startsWith('_') && patternMatches(e.exten.slice(1), exten)) return e;
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

/** Asterisk extension pattern (without leading `_`): X Z N [..] . ! */
export function patternMatches(pattern: string, exten: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === 'X') re += '[0-9]';
    else if (c === 'Z') re += '[1-9]';
    else if (c === 'N') re += '[2-9]';
    else if (c === '.') re += '.+';
    else if (c === '!') re += '.*';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) return false;
      re += `[${pattern.slice(i + 1, end).replace(/[\\^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(exten);
}
