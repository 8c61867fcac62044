/**
 * OSSEC and Wazuh alert parsers. Three input shapes, one output:
 *  - Wazuh/OSSEC `alerts.json` (one JSON object per line: rule.id, rule.level, location, data.srcip …);
 *  - OSSEC syslog output (csyslogd "default" format: `ossec: Alert Level: N; Rule: ID - text; Location: …; srcip: …;`);
 *  - the classic multi-line `alerts.log` block (`** Alert …` / date and location / `Rule: ID (level N) -> 'text'` / `Src IP:`).
 */
import { isIP } from 'node:net';

export interface ParsedAlert {
  source: 'wazuh' | 'ossec';
  ruleId: string;
  level: number;
  location: string;
  srcIp: string | null;
  description: string;
  /** ISO time of the alert when the input carries one, else null (the caller uses "now"). */
  time: string | null;
  /** Agent or host the alert is about, when known. */
  agent: string | null;
  groups: string[];
  user: string | null;
}

export interface ParseProblem {
  line: number;
  error: string;
}

export interface ParseResult {
  alerts: { line: number; alert: ParsedAlert }[];
  errors: ParseProblem[];
  /** Lines read (including blank ones). */
  lines: number;
}

const MAX_TEXT = 2000;
const clip = (s: string, n = MAX_TEXT) => (s.length > n ? `${s.slice(0, n)}…` : s);
const ip = (v: unknown): string | null => (typeof v === 'string' && isIP(v.trim()) ? v.trim() : null);

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Wazuh writes `2026-11-23T08:01:20.229+0000`; JavaScript wants `+00:00`. */
export function isoTime(v: string): string | null {
  const fixed = v.trim().replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const d = new Date(fixed);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** `2018 Jan 17 10:07:10` (alerts.log header) as UTC-less local wall time, reported as ISO. */
function ossecDate(v: string): string | null {
  const m = /^(\d{4}) ([A-Z][a-z]{2}) (\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(v.trim());
  if (!m || MONTHS[m[2]!] === undefined) return null;
  return new Date(Date.UTC(Number(m[1]), MONTHS[m[2]!]!, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))).toISOString();
}

function parseLevel(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new Error('rule.level must be an integer 0-16');
  return n;
}

/** One alerts.json line (Wazuh 3/4, OSSEC 3 JSON output). */
export function parseJsonAlert(line: string): ParsedAlert {
  let o: any;
  try {
    o = JSON.parse(line);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('not a JSON object');
  const rule = o.rule;
  if (!rule || typeof rule !== 'object') throw new Error('no "rule" object');
  if (rule.id === undefined || rule.id === null || !/^[0-9A-Za-z_-]{1,32}$/.test(String(rule.id))) throw new Error('rule.id missing or invalid');
  const level = parseLevel(rule.level);
  const data = o.data && typeof o.data === 'object' ? o.data : {};
  const srcIp = ip(data.srcip) ?? ip(o.srcip) ?? ip(data.src_ip) ?? null;
  const agent = o.agent && typeof o.agent === 'object' ? (o.agent.name ?? o.agent.id ?? null) : null;
  return {
    source: 'manager' in o || (agent !== null && o.agent?.id !== undefined && 'decoder' in o) ? 'wazuh' : 'ossec',
    ruleId: String(rule.id),
    level,
    location: clip(String(o.location ?? ''), 500),
    srcIp,
    description: clip(String(rule.description ?? '')),
    time: typeof o.timestamp === 'string' ? isoTime(o.timestamp) : null,
    agent: agent === null ? null : clip(String(agent), 200),
    groups: Array.isArray(rule.groups) ? rule.groups.map(String).slice(0, 20) : [],
    user: typeof data.srcuser === 'string' ? clip(data.srcuser, 100) : typeof data.dstuser === 'string' ? clip(data.dstuser, 100) : null,
  };
}

/** Fields of the csyslogd default format: `key: value;` pairs after the first `Alert Level:`. */
const SYSLOG_RE = /(?:^|\s)ossec: Alert Level: (\d+); Rule: (\d+) - (.*?); Location: (.*?);(.*)$/;

/** `… ossec: Alert Level: 10; Rule: 5712 - SSHD brute force…; Location: (ast15) 10.0.0.5->/var/log/secure; srcip: 1.2.3.4; …` */
export function parseSyslogAlert(line: string): ParsedAlert {
  const m = SYSLOG_RE.exec(line);
  if (!m) throw new Error('not an OSSEC syslog alert (expected "ossec: Alert Level: N; Rule: ID - text; Location: …;")');
  const rest = m[5] ?? '';
  const field = (name: string) => new RegExp(`(?:^|;)\\s*${name}: ([^;]*);`).exec(rest)?.[1]?.trim() ?? null;
  const time = (() => {
    const d = /^(?:<\d+>)?([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) /.exec(line);
    if (!d || MONTHS[d[1]!] === undefined) return null;
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), MONTHS[d[1]!]!, Number(d[2]), Number(d[3]), Number(d[4]), Number(d[5]))).toISOString();
  })();
  const classification = field('classification');
  return {
    source: 'ossec',
    ruleId: m[2]!,
    level: parseLevel(m[1]),
    location: clip(m[4]!.trim(), 500),
    srcIp: ip(field('srcip')),
    description: clip(m[3]!.trim()),
    time,
    agent: /^\(([^)]+)\)/.exec(m[4]!.trim())?.[1] ?? null,
    groups: classification ? classification.split(',').map((g) => g.trim()).filter(Boolean) : [],
    user: field('user'),
  };
}

/** A classic alerts.log block (lines of one `** Alert` entry). */
export function parseAlertsLogBlock(lines: string[]): ParsedAlert {
  const head = /^\*\* Alert (\d+(?:\.\d+)?):.*?-\s*(.*)$/.exec(lines[0] ?? '');
  if (!head) throw new Error('not an alerts.log block (expected "** Alert <time>.<id>:")');
  const where = /^(\d{4} [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d) (.*)$/.exec(lines[1] ?? '');
  if (!where) throw new Error('alerts.log block without its date and location line');
  const rule = lines.map((l) => /^Rule: (\d+) \(level (\d+)\) -> '(.*)'$/.exec(l)).find(Boolean);
  if (!rule) throw new Error('alerts.log block without "Rule: ID (level N) -> \'text\'"');
  const get = (label: string) => lines.map((l) => (l.startsWith(`${label}: `) ? l.slice(label.length + 2).trim() : null)).find((v) => v !== null) ?? null;
  const location = where[2]!.trim();
  return {
    source: 'ossec',
    ruleId: rule[1]!,
    level: parseLevel(rule[2]),
    location: clip(location, 500),
    srcIp: ip(get('Src IP')),
    description: clip(rule[3]!),
    time: ossecDate(where[1]!) ?? new Date(Number(head[1]!.split('.')[0]) * 1000).toISOString(),
    agent: /^\(([^)]+)\)/.exec(location)?.[1] ?? null,
    groups: head[2]!.split(',').map((g) => g.trim()).filter(Boolean),
    user: get('User'),
  };
}

/**
 * Parses a text of alerts: JSON lines, syslog lines and alerts.log blocks may be mixed. Every
 * non-blank line ends up either in an alert or in `errors` with its number (1-based), so nothing
 * is dropped silently.
 */
export function parseAlertText(text: string, maxLines = 100_000): ParseResult {
  const all = text.split(/\r?\n/);
  if (all.length && all[all.length - 1] === '') all.pop();
  const out: ParseResult = { alerts: [], errors: [], lines: all.length };
  const limit = Math.min(all.length, maxLines);
  for (let i = 0; i < limit; i++) {
    const line = all[i]!;
    if (!line.trim()) continue;
    const n = i + 1;
    try {
      if (line.startsWith('** Alert ')) {
        const block = [line];
        while (i + 1 < limit && all[i + 1]!.trim() && !all[i + 1]!.startsWith('** Alert ')) block.push(all[++i]!);
        out.alerts.push({ line: n, alert: parseAlertsLogBlock(block) });
      } else if (line.trimStart().startsWith('{')) {
        out.alerts.push({ line: n, alert: parseJsonAlert(line) });
      } else {
        out.alerts.push({ line: n, alert: parseSyslogAlert(line) });
      }
    } catch (err) {
      out.errors.push({ line: n, error: (err as Error).message });
    }
  }
  if (all.length > limit) out.errors.push({ line: limit + 1, error: `too many lines: only the first ${maxLines} were read` });
  return out;
}
