import { parse } from 'csv-parse/sync';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { z, zodProblems } from '../../../sdk/index.ts';
import { leadZone, type ZoneSource } from './timezone.ts';

/*
 * A campaign's lead file: CSV with a header naming the columns. `number` is required; `name` and
 * `timezone` (IANA) are optional; every other column is a custom field kept with the lead. A row
 * that cannot be dialled safely is skipped with its line and reason; the file as a whole is refused
 * only when it cannot be read as lead CSV at all (broken quoting, no `number` column, bad column
 * names, empty, too large). Nothing here throws on bad input.
 *
 * Line endings are normalised to LF before parsing: csv-parse picks one record delimiter per file
 * (a file mixing CRLF and LF would read as one record per CRLF group) and counts lines unevenly
 * when given several. A line break inside a quoted field is content, and content with a line break
 * is refused per row anyway, so the normalisation cannot change what is accepted.
 */

export const LIMITS = {
  rows: 200_000,
  bytes: 64 * 1024 * 1024,
  customFields: 20,
  fieldName: 40,
  number: 32,
  name: 100,
  timezone: 64,
  field: 500,
  recordBytes: 64 * 1024,
} as const;

export const RESERVED_COLUMNS = ['number', 'name', 'timezone'] as const;

export interface DncLists {
  tenant: ReadonlySet<string>;
  global: ReadonlySet<string>;
}

export interface ImportOptions {
  /** Country of numbers written without an international prefix (ISO 3166 alpha-2). */
  defaultCountry: string;
  dnc?: Partial<DncLists>;
  maxRows?: number;
  /** The instant the zone tables are judged at (tests pin it); defaults to now. */
  now?: number;
}

export interface Lead {
  /** Line of the file where the lead's record starts (1 = the header). */
  line: number;
  /** E.164. */
  number: string;
  name?: string;
  timezone: string;
  timezoneSource: ZoneSource;
  /** Country of the number, when libphonenumber-js names one. */
  country?: string;
  fields: Record<string, string>;
}

export interface SkippedRow {
  line: number;
  reason: string;
  /** The number as written, when the row had one. */
  number?: string;
}

export type ImportResult =
  | { ok: true; leads: Lead[]; skipped: SkippedRow[]; customFields: string[] }
  | { ok: false; error: string };

// C0 controls (line breaks, NUL, tab, …), DEL and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;
const FIELD_NAME = /^[A-Za-z0-9_]+$/;

const text = (max: number) => z.string()
  .max(max, `is over ${max} characters`)
  .refine((s) => !CONTROL.test(s), 'contains a line break, NUL or other control character');

/** One row as the importer reads it, before the number is normalised. */
export const LeadRowSchema = z.object({
  number: text(LIMITS.number).min(1, 'is missing'),
  name: text(LIMITS.name).optional(),
  timezone: text(LIMITS.timezone).optional(),
  fields: z.record(z.string(), text(LIMITS.field)),
}).strict();

export type NumberAnswer = { ok: true; number: string; country?: string } | { ok: false; reason: string };

/**
 * A phone number as written → E.164, with the campaign's default country for national forms.
 * The whole text must be the number (no extraction from prose); extensions cannot be dialled.
 * DNC lists are E.164 sets: load them through this too, so both sides compare alike.
 */
export function toE164(raw: string, defaultCountry: string): NumberAnswer {
  const country = defaultCountry.toUpperCase();
  if (!isSupportedCountry(country)) return { ok: false, reason: `default country "${defaultCountry}" is not a country code libphonenumber knows` };
  const phone = parsePhoneNumberFromString(raw, { defaultCountry: country as CountryCode, extract: false });
  if (!phone || !phone.isValid()) return { ok: false, reason: `"${raw.slice(0, 40)}" is not a valid phone number` };
  if (phone.ext) return { ok: false, reason: 'the number has an extension, which cannot be dialled' };
  return { ok: true, number: phone.number, ...(phone.country ? { country: phone.country } : {}) };
}

type Header = { numberAt: number; nameAt?: number; timezoneAt?: number; custom: { name: string; at: number }[]; width: number };

function readHeader(cells: string[]): Header | string {
  const custom: { name: string; at: number }[] = [];
  const seen = new Set<string>();
  const h: Partial<Header> = {};
  for (const [at, raw] of cells.entries()) {
    const name = raw.trim();
    if (name === '') return `header column ${at + 1} has no name`;
    if (!FIELD_NAME.test(name) || name.length > LIMITS.fieldName) {
      return `header column ${at + 1} "${name.slice(0, 60)}" is not a column name (letters, digits and _, at most ${LIMITS.fieldName})`;
    }
    const key = name.toLowerCase();
    if (seen.has(key)) return `header names column "${name}" twice`;
    seen.add(key);
    if (key === 'number') h.numberAt = at;
    else if (key === 'name') h.nameAt = at;
    else if (key === 'timezone') h.timezoneAt = at;
    else custom.push({ name, at });
  }
  if (h.numberAt === undefined) return 'the header has no "number" column';
  if (custom.length > LIMITS.customFields) return `${custom.length} custom columns; at most ${LIMITS.customFields}`;
  return { numberAt: h.numberAt, nameAt: h.nameAt, timezoneAt: h.timezoneAt, custom, width: cells.length };
}

function decode(input: string | Uint8Array): string | { error: string } {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    return { error: 'the file is not UTF-8 text' };
  }
}

interface Parsed { record: string[]; info: { lines: number } }

/** Imports a lead file; never throws on bad input. */
export function importLeads(input: string | Uint8Array, options: ImportOptions): ImportResult {
  const country = options.defaultCountry.toUpperCase();
  if (!isSupportedCountry(country)) return { ok: false, error: `default country "${options.defaultCountry}" is not a country code libphonenumber knows` };
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > LIMITS.bytes) return { ok: false, error: `the file is over ${LIMITS.bytes / 1024 / 1024} MiB` };
  const decoded = decode(input);
  if (typeof decoded !== 'string') return { ok: false, error: decoded.error };
  const maxRows = options.maxRows ?? LIMITS.rows;

  let records: Parsed[];
  try {
    records = parse(decoded.replace(/\r\n?/g, '\n'), {
      bom: true, record_delimiter: '\n', relax_column_count: true, skip_empty_lines: true, info: true,
      max_record_size: LIMITS.recordBytes, to: maxRows + 2,
    }) as unknown as Parsed[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    const message = e instanceof Error ? e.message.replace(/ at line \d+.*$/, '') : String(e);
    return { ok: false, error: `not readable as CSV${line ? ` (line ${line})` : ''}: ${message}` };
  }
  if (records.length === 0) return { ok: false, error: 'the file is empty' };
  if (records.length === 1) return { ok: false, error: 'the file has a header and no leads' };
  if (records.length > maxRows + 1) return { ok: false, error: `the file has more than ${maxRows} rows` };

  const header = readHeader(records[0]!.record);
  if (typeof header === 'string') return { ok: false, error: header };

  const dncTenant = options.dnc?.tenant ?? new Set<string>();
  const dncGlobal = options.dnc?.global ?? new Set<string>();
  const now = options.now ?? Date.now();
  const leads: Lead[] = [];
  const skipped: SkippedRow[] = [];
  const firstLine = new Map<string, number>();

  for (const { record, info } of records.slice(1)) {
    // csv-parse reports the line a record ends on; its own line breaks say where it began.
    const line = info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
    const rawNumber = (record[header.numberAt] ?? '').trim();
    const skip = (reason: string) => skipped.push({ line, reason, ...(rawNumber ? { number: rawNumber.slice(0, 64) } : {}) });
    if (record.length > header.width) { skip(`too many columns (${record.length}; the header has ${header.width})`); continue; }
    if (record.length < header.width) { skip(`too few columns (${record.length}; the header has ${header.width})`); continue; }

    const cell = (at: number | undefined) => (at === undefined ? undefined : record[at]!.trim() || undefined);
    const row = LeadRowSchema.safeParse({
      number: rawNumber,
      name: cell(header.nameAt),
      timezone: cell(header.timezoneAt),
      fields: Object.fromEntries(header.custom.map((c) => [c.name, record[c.at]!.trim()])),
    });
    if (!row.success) {
      skip(zodProblems(row.error).map((p) => `${p.field.replace(/^fields\./, '')} ${p.message}`).join('; '));
      continue;
    }

    const phone = toE164(row.data.number, country);
    if (!phone.ok) { skip(phone.reason); continue; }
    const e164 = phone.number;
    if (dncGlobal.has(e164)) { skip(`${e164} is on the global do-not-call list`); continue; }
    if (dncTenant.has(e164)) { skip(`${e164} is on the tenant's do-not-call list`); continue; }

    const zone = leadZone(row.data.timezone, e164, phone.country, now);
    if (!zone.ok) { skip(zone.reason); continue; }

    const first = firstLine.get(e164);
    if (first !== undefined) { skip(`duplicate of line ${first} (${e164})`); continue; }
    firstLine.set(e164, line);

    leads.push({
      line, number: e164, timezone: zone.zone, timezoneSource: zone.source, fields: row.data.fields,
      ...(row.data.name ? { name: row.data.name } : {}),
      ...(phone.country ? { country: phone.country } : {}),
    });
  }
  return { ok: true, leads, skipped, customFields: header.custom.map((c) => c.name) };
}
