/**
 * Asterisk-style config file parser for the simulator (pjsip.conf, extensions.conf, …).
 *
 * Supported: `[name]`, `[name](tpl1,tpl2)`, `[name](!)` / `[name](!,tpl)` templates,
 * `#include` / `#tryinclude` (quoted or bare, relative to the config root), `;` comments
 * (`\;` is a literal semicolon), `key = value` and `key => value`.
 * Asterisk 20 semantics that matter to acm:
 * - a missing `#include` target or an unclosed `[section` makes the whole parse fail (`fatal`);
 * - a missing `#tryinclude` target is ignored;
 * - a line without `=` is skipped with a warning, the rest applies.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One `key = value` entry; `arrow` when written `=>`. */
export interface ConfigEntry {
  key: string;
  value: string;
  arrow: boolean;
  file: string;
  line: number;
}

/** A `[section]`; entries already include those inherited from templates (first). */
export interface ConfigSection {
  name: string;
  isTemplate: boolean;
  templates: string[];
  entries: ConfigEntry[];
  file: string;
  line: number;
}

export interface ParseResult {
  /** The top-level file does not exist. */
  missing: boolean;
  /** Every file read (top file and includes), for the "file unchanged" check. */
  files: string[];
  /** Set when the whole file is rejected (Asterisk keeps the previous config). */
  fatal?: string;
  sections: ConfigSection[];
  /** Non-fatal problems (skipped lines). */
  warnings: string[];
  /** Entries before any section (e.g. top of extensions.conf). */
  preamble: ConfigEntry[];
}

/** Reads files below `root`; paths outside it are treated as missing. */
export interface ConfigSource {
  read(relPath: string): string | undefined;
  /** A stamp that changes when the file is rewritten (Asterisk compares mtimes); undefined = missing. */
  stamp?(relPath: string): string | undefined;
}

/** A ConfigSource over a directory. */
export function dirSource(root: string): ConfigSource {
  const base = path.resolve(root);
  return {
    read(rel: string) {
      const p = path.resolve(base, rel.replace(/^\/+/, ''));
      if (p !== base && !p.startsWith(base + path.sep)) return undefined;
      try {
        return fs.readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    stamp(rel: string) {
      const p = path.resolve(base, rel.replace(/^\/+/, ''));
      try {
        // mtime as Asterisk compares it, plus a content hash so a same-millisecond rewrite is seen.
        const st = fs.statSync(p);
        return `${st.mtimeMs}:${createHash('sha1').update(fs.readFileSync(p)).digest('hex')}`;
      } catch {
        return undefined;
      }
    },
  };
}

/** A ConfigSource over an in-memory map (tests). */
export function mapSource(files: Record<string, string>): ConfigSource {
  const read = (rel: string) => files[rel.replace(/^\/+/, '')];
  return { read, stamp: read };
}

/**
 * Asterisk's "file unchanged" check (CONFIG_FLAG_FILEUNCHANGED): remembers the stamps of the files
 * a module read last time; `unchanged()` is true when none of them was rewritten, so the module
 * skips the reload and logs nothing (even when that file was rejected last time).
 */
export class FileStamps {
  private last: string | undefined;

  private signature(source: ConfigSource, files: string[]): string | undefined {
    if (!source.stamp) return undefined;
    return files.map((f) => `${f}=${source.stamp?.(f) ?? '-'}`).join('\n');
  }

  unchanged(source: ConfigSource, top: string): boolean {
    if (this.last === undefined) return false;
    const files = this.last.split('\n').map((l) => l.slice(0, l.lastIndexOf('=')));
    return files[0] === top && this.signature(source, files) === this.last;
  }

  remember(source: ConfigSource, files: string[]): void {
    this.last = files.length > 0 ? this.signature(source, files) : undefined;
  }

  forget(): void {
    this.last = undefined;
  }
}

function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
      continue;
    }
    if (c === ';') break;
    out += c;
  }
  return out;
}

/** Parse `file` (relative to the source root), following includes. */
export function parseConfig(source: ConfigSource, file: string): ParseResult {
  const result: ParseResult = { missing: false, files: [], sections: [], warnings: [], preamble: [] };
  const top = source.read(file);
  if (top === undefined) {
    result.missing = true;
    return result;
  }
  const byName = new Map<string, ConfigSection>(); // last section of each name (template lookup)
  let current: ConfigSection | undefined;
  const stack: string[] = [];

  const parseText = (text: string, fname: string): string | undefined => {
    if (stack.includes(fname)) return `recursive #include of ${fname}`;
    stack.push(fname);
    result.files.push(fname);
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const lineNo = i + 1;
      const raw = lines[i] ?? '';
      const trimmedStart = raw.trim();
      if (trimmedStart.startsWith('#')) {
        const m = /^#(include|tryinclude)\s+"?([^"]+?)"?\s*$/i.exec(trimmedStart);
        if (!m) {
          result.warnings.push(`${fname}:${lineNo}: unknown directive`);
          continue;
        }
        const inc = m[2] ?? '';
        const body = source.read(inc);
        if (body === undefined) {
          result.files.push(inc);
          if ((m[1] ?? '').toLowerCase() === 'tryinclude') continue;
          stack.pop();
          return `The file '${inc}' was listed as a #include but it does not exist.`;
        }
        const err = parseText(body, inc);
        if (err) {
          stack.pop();
          return err;
        }
        continue;
      }
      const line = stripComment(raw).trim();
      if (line.length === 0) continue;
      if (line.startsWith('[')) {
        const close = line.indexOf(']');
        if (close < 0) {
          stack.pop();
          return `parse error: no closing ']', line ${lineNo} of /etc/asterisk/${fname}`;
        }
        const name = line.slice(1, close).trim();
        const rest = line.slice(close + 1).trim();
        let isTemplate = false;
        const templates: string[] = [];
        if (rest.startsWith('(')) {
          const end = rest.indexOf(')');
          if (end < 0) {
            stack.pop();
            return `parse error: no closing ')', line ${lineNo} of ${fname}`;
          }
          for (const t of rest.slice(1, end).split(',').map((s) => s.trim()).filter(Boolean)) {
            if (t === '!') isTemplate = true;
            else if (t === '+') continue;
            else templates.push(t);
          }
        }
        const entries: ConfigEntry[] = [];
        for (const t of templates) {
          const tpl = byName.get(t);
          if (!tpl) {
            stack.pop();
            return `Inheritance requested, but category '${t}' does not exist, line ${lineNo} of ${fname}`;
          }
          entries.push(...tpl.entries);
        }
        current = { name, isTemplate, templates, entries, file: fname, line: lineNo };
        result.sections.push(current);
        byName.set(name, current);
        continue;
      }
      const m = /^([^=]*?)\s*(=>|=)\s*(.*)$/.exec(line);
      if (!m || (m[1] ?? '').length === 0) {
        result.warnings.push(`${fname}:${lineNo}: no '=' in line, skipped: ${line}`);
        continue;
      }
      const entry: ConfigEntry = { key: (m[1] ?? '').trim(), value: (m[3] ?? '').trim(), arrow: m[2] === '=>', file: fname, line: lineNo };
      if (current) current.entries.push(entry);
      else result.preamble.push(entry);
    }
    stack.pop();
    return undefined;
  };

  const fatal = parseText(top, file);
  if (fatal) {
    result.fatal = fatal;
    result.sections = [];
  }
  return result;
}

/** How config.c logs a fatal parse problem (`LEVEL config.c: message`). */
export function fatalLog(fatal: string): string {
  return `${fatal.includes('#include') ? 'ERROR' : 'WARNING'} config.c: ${fatal}`;
}

/** The lines a config_options (aco) module logs when its file does not parse. */
export function acoFatalLog(fatal: string, file: string): string[] {
  return [fatalLog(fatal), `ERROR config_options.c: Contents of ${file} are invalid and cannot be parsed`];
}

/** Last value of `key` in a section (Asterisk: later entries override inherited ones). */
export function sectionValue(s: ConfigSection, key: string): string | undefined {
  let v: string | undefined;
  for (const e of s.entries) if (e.key.toLowerCase() === key.toLowerCase()) v = e.value;
  return v;
}
