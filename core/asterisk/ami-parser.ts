/**
 * AMI wire framing: a streaming parser (bytes in, messages out) and a serializer.
 *
 * A message is `Name: value` lines separated by CRLF and ended by an empty line (CRLF CRLF).
 * Facts from a real Asterisk 20 (tests/fixtures/asterisk20):
 * - the connection starts with a banner line `Asterisk Call Manager/9.0.0\r\n` not followed by
 *   an empty line;
 * - some messages put a bare LF before the closing CRLFs (`...9999\n\r\n\r\n`): values are
 *   trimmed of trailing `\r`/`\n`;
 * - header names repeat (`Output:` of `Command`), so headers are kept as an ordered multimap.
 *
 * Malformed input never throws: lines without `:` are counted and dropped; a frame without any
 * valid header is counted and dropped; a buffer that grows past `maxFrameBytes` without a frame
 * end is discarded (counted as truncated).
 */

/** Stands for "headers not built yet" (parser-made messages build them on first use). */
const LAZY: Array<[string, string]> = [];

/** An AMI message: ordered headers, names compared case-insensitively like Asterisk does. */
export class AmiMessage {
  /** First value of each header, under its name as sent (built while parsing). */
  private fields: Record<string, string> | undefined;
  /** The ordered header list; undefined until first needed for a parsed message. */
  private list: Array<[string, string]> | undefined;
  /** Frame text (without the closing CRLF CRLF) the header list is built from on demand. */
  private frame: string | undefined;
  /** Name of the first header (what `kind` looks at), kept so `kind` needs no header list. */
  private lead: string | undefined;

  constructor(headers: Array<[string, string]> = [], fields?: Record<string, string>) {
    this.fields = fields;
    this.list = headers === LAZY ? undefined : headers;
    this.frame = undefined;
    this.lead = undefined;
  }

  /** A parsed message: `fields` now, the header list from `frame` when first asked for. @internal */
  static fromFrame(frame: string, fields: Record<string, string> | undefined, lead: string): AmiMessage {
    const m = new AmiMessage(LAZY, fields);
    m.frame = frame;
    m.lead = lead;
    return m;
  }

  /** Ordered headers (repeated names kept). Do not mutate. */
  get headers(): Array<[string, string]> {
    let list = this.list;
    if (list === undefined) {
      list = [];
      scanFrame(this.frame!, 0, this.frame!.length, null, list);
      this.list = list;
      this.frame = undefined;
    }
    return list;
  }

  get(name: string): string | undefined {
    // Fast path: header names are almost always sent in their canonical case.
    const fields = this.toObject();
    const exact = fields[name];
    if (exact !== undefined) return exact;
    const n = name.toLowerCase();
    if (this.list === undefined && n !== '__proto__') {
      // The keys of `fields` are the header spellings in order of first appearance, each with
      // its first value, so the first key matching is the first matching header.
      for (const k in fields) if (k.toLowerCase() === n) return fields[k];
      return undefined;
    }
    for (const [k, v] of this.headers) if (k.toLowerCase() === n) return v;
    return undefined;
  }

  getAll(name: string): string[] {
    const n = name.toLowerCase();
    return this.headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get kind(): 'response' | 'event' | 'action' | 'unknown' {
    // The usual frames start with their kind, spelled as Asterisk spells it.
    const lead = this.list === undefined ? this.lead : this.list[0]?.[0];
    if (lead === 'Event') return 'event';
    if (lead === 'Response') return 'response';
    const first = lead?.toLowerCase();
    if (this.has('Response') && first !== 'event') return 'response';
    if (this.has('Event')) return 'event';
    if (this.has('Action')) return 'action';
    return 'unknown';
  }

  /** First value per header name (case-insensitive: the first spelling wins). Cached; do not mutate. */
  toObject(): Record<string, string> {
    if (this.fields) return this.fields;
    const out: Record<string, string> = {};
    const seen = new Set<string>();
    for (const [k, v] of this.headers) {
      const l = k.toLowerCase();
      if (seen.has(l)) continue;
      seen.add(l);
      out[k] = v;
    }
    this.fields = out;
    return out;
  }

  serialize(): string {
    return serializeAmi(this.headers);
  }
}

/** Build a frame: `Name: value\r\n` per header then `\r\n`. Values must not contain CR/LF. */
export function serializeAmi(headers: Array<[string, string]> | Record<string, string | string[] | number | undefined>): string {
  const list: Array<[string, string]> = Array.isArray(headers) ? headers : [];
  if (!Array.isArray(headers)) {
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) list.push([k, x]);
      else list.push([k, String(v)]);
    }
  }
  let s = '';
  for (const [k, v] of list) s += `${k}: ${v}\r\n`;
  return s + '\r\n';
}

/** Counters a parser keeps; exposed by the client as part of its stats. */
export interface AmiParserCounters {
  frames: number;
  malformedLines: number;
  malformedFrames: number;
  truncatedFrames: number;
}

export interface AmiParserOptions {
  /** Expect a banner line first (client side). Default true. */
  expectBanner?: boolean;
  /** Drop the buffer when it grows past this without a frame end. Default 4 MiB. */
  maxFrameBytes?: number;
}

const BANNER_RE = /^[A-Za-z][^\r\n:]*\/\d+(\.\d+)*$/; // "Asterisk Call Manager/9.0.0"

/** What `scanFrame` found besides the headers (module scratch: parsing is synchronous). */
const scanned = { count: 0, bad: 0, repeated: false, lead: '', colon: -1 };
const SPACE_RE = /\s/;

/**
 * Small string tables, bucketed by first character and length: a frame's names (and a few values,
 * like the event name) are nearly always ones seen many times. Reusing one internalized string
 * saves a copy and, when it is used as a property or map key, the hashing and string-table lookup.
 * Bounded: SLOTS strings per bucket, none of 64+ characters; later ones are simply not kept.
 */
class StringTable {
  private readonly buckets: Array<string[] | undefined> = new Array(128 * 64).fill(undefined);

  /** The kept string equal to `buf[start, end)`, if any. */
  find(buf: string, start: number, end: number): string | undefined {
    const len = end - start;
    if (len >= 64 || len === 0) return undefined;
    const bucket = this.buckets[((buf.charCodeAt(start) & 127) << 6) | len];
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i++) {
      const s = bucket[i]!;
      if (buf.startsWith(s, start)) return s;
    }
    return undefined;
  }

  /** Keeps `s` (if there is room) and returns the string to use: the internalized copy. */
  keep(s: string): string {
    if (s.length >= 64 || s.length === 0) return s;
    const at = ((s.charCodeAt(0) & 127) << 6) | s.length;
    const bucket = (this.buckets[at] ??= []);
    if (bucket.length >= StringTable.SLOTS) return s;
    // A property key comes back internalized: hashing and key lookups with it are then cheap.
    const k = Object.keys({ [s]: 0 })[0]!;
    bucket.push(k);
    return k;
  }

  static readonly SLOTS = 4;
}

/** Plain header names (printable ASCII, no blanks). */
const knownNames = new StringTable();
/** Values of the `Event` header. */
const knownEvents = new StringTable();

/**
 * Reads the header lines of the frame `buf[start, end)` (end = where its CRLF CRLF starts, or the
 * end of the text) straight from the offsets: names and values are the only strings made.
 * Fills `fields` (first value per name as sent) and/or `headers` (all, in order) and `scanned`.
 * `colonFrom`: `scanned.colon` of the previous frame of the same `buf` (-1: unknown).
 * Lines are split at CRLF; trailing CR/LF are trimmed (bare-LF quirk); a line without a name
 * before `:` (or with blanks inside the name) is malformed.
 */
function scanFrame(buf: string, start: number, end: number, fields: Record<string, string> | null, headers: Array<[string, string]> | null, colonFrom = -1): void {
  let count = 0;
  let bad = 0;
  let repeated = false;
  let lead = '';
  let pos = start;
  // Where the next colon is, found once for many lines (and frames: a run of colon-less frames
  // must not search the same stretch again for each, which would be quadratic).
  let colonAt = colonFrom;
  while (pos <= end) {
    let eol = buf.indexOf('\r\n', pos);
    if (eol < 0 || eol > end) eol = end;
    let le = eol;
    for (let c = buf.charCodeAt(le - 1); le > pos && (c === 10 || c === 13); c = buf.charCodeAt(le - 1)) le--;
    const ls = pos;
    pos = eol + 2;
    if (le === ls) continue;
    // The colon: one search serves every line up to it (lines without a colon stay linear).
    if (colonAt < ls) {
      colonAt = buf.indexOf(':', ls);
      if (colonAt < 0) colonAt = buf.length;
    }
    const colon = colonAt;
    if (colon >= le || colon === ls) {
      bad++;
      continue;
    }
    let name = knownNames.find(buf, ls, colon);
    if (name === undefined) {
      let plain = true;
      for (let i = ls; i < colon; i++) {
        const c = buf.charCodeAt(i);
        if (c <= 32 || c >= 127) {
          plain = false;
          break;
        }
      }
      name = buf.slice(ls, colon);
      if (plain) name = knownNames.keep(name);
      else {
        name = name.trim();
        if (name.length === 0 || SPACE_RE.test(name)) {
          bad++;
          continue;
        }
      }
    }
    const vs = colon + 1 < le && buf.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    let value: string;
    if (name === 'Event') value = knownEvents.find(buf, vs, le) ?? knownEvents.keep(buf.slice(vs, le));
    else value = buf.slice(vs, le);
    if (count++ === 0) lead = name;
    if (headers !== null) headers.push([name, value]);
    if (fields !== null) {
      if (fields[name] === undefined) fields[name] = value;
      else repeated = true;
    }
  }
  scanned.colon = colonAt;
  scanned.count = count;
  scanned.bad = bad;
  scanned.repeated = repeated;
  scanned.lead = lead;
}

/** Where the first CRLF CRLF of `held + text` starts (-1: none), given `held` has none. */
function frameEndAcross(held: string, text: string): number {
  const tail = held.length > 3 ? held.slice(-3) : held;
  const k = (tail + text.slice(0, 3)).indexOf('\r\n\r\n');
  if (k >= 0) return held.length - tail.length + k;
  const e = text.indexOf('\r\n\r\n');
  return e < 0 ? -1 : held.length + e;
}

/** Streaming parser: feed chunks with `push`, get complete messages back. */
export class AmiFrameParser {
  private buf = '';
  private bannerPending: boolean;
  private readonly maxFrameBytes: number;
  banner: string | undefined;
  readonly counters: AmiParserCounters = { frames: 0, malformedLines: 0, malformedFrames: 0, truncatedFrames: 0 };

  constructor(opts: AmiParserOptions = {}) {
    this.bannerPending = opts.expectBanner ?? true;
    this.maxFrameBytes = opts.maxFrameBytes ?? 4 * 1024 * 1024;
  }

  /** Feed bytes; returns the messages completed by them. Never throws. */
  push(chunk: Buffer | string): AmiMessage[] {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const out: AmiMessage[] = [];
    let pos = 0;
    if (this.bannerPending) {
      this.buf = this.buf.length === 0 ? text : this.buf + text;
      const nl = this.buf.indexOf('\r\n');
      if (nl < 0) {
        if (this.buf.length > 1024) this.bannerPending = false; // not a banner; parse as frames
        else return out;
      } else {
        const line = this.buf.slice(0, nl);
        if (BANNER_RE.test(line)) {
          this.banner = line;
          this.buf = this.buf.slice(nl + 2);
        }
        this.bannerPending = false;
      }
      text = this.buf;
    } else if (this.buf.length !== 0) {
      // A frame begun in an earlier chunk: finish it with just the head of this chunk, and parse
      // the rest of the chunk where it is (appending the chunk would copy it into a new string).
      const held = this.buf;
      const end = frameEndAcross(held, text);
      if (end < 0) text = held + text;
      else {
        pos = end + 4 - held.length;
        this.walk(held + text.slice(0, pos), 0, out);
      }
    }
    // Walk the text with an offset and cut the unparsed rest once: slicing after every frame would
    // copy (or chain) the rest of the chunk once per frame.
    pos = this.walk(text, pos, out);
    this.buf = pos > 0 ? text.slice(pos) : text;
    // Stray leading CRLFs between frames are harmless; drop them so they don't grow the buffer.
    while (this.buf.startsWith('\r\n')) this.buf = this.buf.slice(2);
    if (this.buf.length > this.maxFrameBytes) {
      this.counters.truncatedFrames++;
      this.buf = '';
    }
    return out;
  }

  /** Parses the complete frames of `buf` from `pos` into `out`; returns where the rest begins. */
  private walk(buf: string, pos: number, out: AmiMessage[]): number {
    scanned.colon = -1;
    for (;;) {
      const end = buf.indexOf('\r\n\r\n', pos);
      if (end < 0) return pos;
      const msg = this.parseFrame(buf, pos, end, scanned.colon);
      pos = end + 4;
      if (msg) out.push(msg);
    }
  }

  /** Bytes held waiting for a frame end (e.g. a truncated frame at socket close). */
  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Forget buffered bytes (at disconnect); a partial frame counts as truncated. */
  reset(expectBanner = true): void {
    if (this.buf.trim().length > 0) this.counters.truncatedFrames++;
    this.buf = '';
    this.bannerPending = expectBanner;
  }

  /** Parses the frame `buf[start, end)`; counts malformed lines and frames. */
  private parseFrame(buf: string, start: number, end: number, colonFrom: number): AmiMessage | undefined {
    const fields: Record<string, string> = {};
    scanFrame(buf, start, end, fields, null, colonFrom);
    this.counters.malformedLines += scanned.bad;
    if (scanned.count === 0) {
      if (buf.slice(start, end).trim().length > 0) this.counters.malformedFrames++;
      return undefined;
    }
    this.counters.frames++;
    // With a repeated header under another spelling the case-insensitive rule needs the slow path.
    return AmiMessage.fromFrame(buf.slice(start, end), scanned.repeated ? undefined : fields, scanned.lead);
  }
}
