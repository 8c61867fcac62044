import type { ConfigSection } from '../../../sdk/commit.ts';
import { MARKER_PREFIX } from '../../../sdk/commit.ts';

interface RawSection { name: string; file: string; template: boolean; inherits: string[]; lines: [string, string][] }

/** Sections as Asterisk's config parser reads them: `[name]`, `[name](!)`, `[name](tpl,…)`; `;` comments. */
function rawSections(file: string, content: string): RawSection[] {
  const out: RawSection[] = [];
  let cur: RawSection | undefined;
  for (const raw of content.split('\n')) {
    // `\;` is a literal semicolon; an unescaped one starts a comment.
    const line = raw.replace(/(^|[^\\]);.*$/, '$1').trim();
    if (!line) continue;
    const head = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?/.exec(line);
    if (head) {
      const opts = (head[2] ?? '').split(',').map((o) => o.trim()).filter(Boolean);
      cur = { name: head[1]!.trim(), file, template: opts.includes('!'), inherits: opts.filter((o) => o !== '!' && o !== '+'), lines: [] };
      out.push(cur);
      continue;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (kv && cur) cur.lines.push([kv[1]!.trim(), kv[2]!.replace(/\\;/g, ';').trim()]);
  }
  return out;
}

/**
 * Every non-template section of a module's files, with the lines of the templates it inherits
 * (recursively, in order) before its own, as Asterisk applies them: `[6101](grp-USSales)` is an
 * endpoint because its template says `type = endpoint`. Templates are looked up across all the
 * module's files (they are one config tree through the site's includes).
 */
export function parseSections(files: readonly { name: string; content: string }[]): ConfigSection[] {
  const all = files.flatMap((f) => rawSections(f.name, f.content));
  const templates = new Map<string, RawSection>();
  for (const s of all) if (s.template) templates.set(s.name, s);
  const linesOf = (s: RawSection, seen: Set<string>): [string, string][] => {
    const inherited = s.inherits.flatMap((t) => {
      const tpl = templates.get(t);
      if (!tpl || seen.has(t)) return [];
      return linesOf(tpl, new Set([...seen, t]));
    });
    return [...inherited, ...s.lines];
  };
  return all.filter((s) => !s.template).map((s) => ({ name: s.name, file: s.file, lines: linesOf(s, new Set()) }));
}

/** The last value of `key` in a section (later lines override earlier, inherited ones). */
export function valueOf(s: ConfigSection, key: string): string | undefined {
  for (let i = s.lines.length - 1; i >= 0; i--) if (s.lines[i]![0] === key) return s.lines[i]![1];
  return undefined;
}

export function valuesOf(s: ConfigSection, key: string): string[] {
  return s.lines.filter(([k]) => k === key).map(([, v]) => v);
}

export const isMarker = (name: string) => name.startsWith(MARKER_PREFIX);

export function ofType(sections: readonly ConfigSection[], type: string): ConfigSection[] {
  return sections.filter((s) => valueOf(s, 'type') === type);
}

/** Names in `a` but not in `b`. */
export function missingFrom(a: Iterable<string>, b: ReadonlySet<string>): string[] {
  return [...new Set(a)].filter((n) => !b.has(n));
}

/** `a, b, c, … (N)` for messages about many objects. */
export function listed(names: readonly string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}
