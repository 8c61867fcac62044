/**
 * The AMI parser as it was before the offset-walking rewrite (string per line, eager header
 * tuples), kept verbatim as the oracle the differential tests in ami-parser.test.ts compare
 * the current parser with. Not used by the product.
 */
/** An AMI message: ordered headers, names compared case-insensitively like Asterisk does. */
export class RefAmiMessage {
  /** First value of each header, under its name as sent (built while parsing). */
  private fields: Record<string, string> | undefined;

  constructor(readonly headers: Array<[string, string]> = [], fields?: Record<string, string>) {
    this.fields = fields;
  }

  get(name: string): string | undefined {
    // Fast path: header names are almost always sent in their canonical case.
    const exact = this.toObject()[name];
    if (exact !== undefined) return exact;
    const n = name.toLowerCase();
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
    const lead = this.headers[0]?.[0];
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
function serializeAmi(headers: Array<[string, string]> | Record<string, string | string[] | number | undefined>): string {
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
interface AmiParserCounters {
  frames: number;
  malformedLines: number;
  malformedFrames: number;
  truncatedFrames: number;
}

interface AmiParserOptions {
  /** Expect a banner line first (client side). Default true. */
  expectBanner?: boolean;
  /** Drop the buffer when it grows past this without a frame end. Default 4 MiB. */
  maxFrameBytes?: number;
}

const BANNER_RE = /^[A-Za-z][^\r\n:]*\/\d+(\.\d+)*$/; // "Asterisk Call Manager/9.0.0"

/** Streaming parser: feed chunks with `push`, get complete messages back. */
export class RefAmiFrameParser {
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
  push(chunk: Buffer | string): RefAmiMessage[] {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const out: RefAmiMessage[] = [];
    if (this.bannerPending) {
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
    }
    // Walk the buffer with an offset and cut the unparsed rest once: slicing the buffer after every
    // frame would copy (or chain) the rest of the chunk once per frame.
    let pos = 0;
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n', pos);
      if (end < 0) break;
      const msg = this.parseFrame(this.buf.slice(pos, end));
      pos = end + 4;
      if (msg) out.push(msg);
    }
    if (pos > 0) this.buf = this.buf.slice(pos);
    // Stray leading CRLFs between frames are harmless; drop them so they don't grow the buffer.
    while (this.buf.startsWith('\r\n')) this.buf = this.buf.slice(2);
    if (this.buf.length > this.maxFrameBytes) {
      this.counters.truncatedFrames++;
      this.buf = '';
    }
    return out;
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

  private parseFrame(text: string): RefAmiMessage | undefined {
    const headers: Array<[string, string]> = [];
    const fields: Record<string, string> = {};
    let repeated = false;
    let bad = 0;
    let pos = 0;
    while (pos <= text.length) {
      let eol = text.indexOf('\r\n', pos);
      if (eol < 0) eol = text.length;
      let line = text.slice(pos, eol);
      pos = eol + 2;
      // Bare-LF quirk: a line may carry an extra "\n" (or be a lone "\n"). Trim it away.
      while (line.length && (line.charCodeAt(line.length - 1) === 10 || line.charCodeAt(line.length - 1) === 13)) line = line.slice(0, -1);
      if (line.length === 0) continue;
      const colon = line.indexOf(':');
      if (colon <= 0) {
        bad++;
        continue;
      }
      const name = line.slice(0, colon).trim();
      if (name.length === 0 || /\s/.test(name)) {
        bad++;
        continue;
      }
      const value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
      headers.push([name, value]);
      if (fields[name] === undefined) fields[name] = value;
      else repeated = true;
    }
    this.counters.malformedLines += bad;
    if (headers.length === 0) {
      if (text.trim().length > 0) this.counters.malformedFrames++;
      return undefined;
    }
    this.counters.frames++;
    // With a repeated header under another spelling the case-insensitive rule needs the slow path.
    return new RefAmiMessage(headers, repeated ? undefined : fields);
  }
}
