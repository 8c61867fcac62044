import { open, stat } from 'node:fs/promises';

/**
 * Follows a growing file (alerts.json, alerts.log): each poll returns the complete lines added
 * since the last one. A shrunk file (rotation) is read again from the start; a partial last line
 * waits for its newline. Starts at the end of the file unless `fromStart`.
 */
export class FileTailer {
  private offset: number | null;
  private partial = '';
  constructor(readonly path: string, private maxBytes: number, fromStart = false) {
    this.offset = fromStart ? 0 : null;
  }

  async poll(): Promise<string> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return '';
    }
    if (this.offset === null) { this.offset = size; return ''; }
    if (size < this.offset) { this.offset = 0; this.partial = ''; }
    if (size === this.offset) return '';
    const len = Math.min(size - this.offset, this.maxBytes);
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, this.offset);
      this.offset += bytesRead;
      const text = this.partial + buf.subarray(0, bytesRead).toString('utf8');
      // alerts.log entries span lines up to a blank line: hand out whole entries only.
      const blocks = text.startsWith('** Alert ') || text.includes('\n** Alert ');
      const cut = blocks ? text.lastIndexOf('\n\n') + 1 || -1 : text.lastIndexOf('\n');
      if (cut < 0) { this.partial = text; return ''; }
      this.partial = text.slice(cut + 1);
      if (this.partial.length > this.maxBytes) this.partial = ''; // a "line" this long is not an alert
      return text.slice(0, cut + 1);
    } finally {
      await fh.close();
    }
  }
}
