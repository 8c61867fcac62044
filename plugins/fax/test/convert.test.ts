import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaxDocumentError, pdfToFaxTiff } from '../convert.ts';

/** PDFs made by the real ghostscript from PostScript: `pages` pages, optionally with a user password. */
const work = mkdtempSync(join(tmpdir(), 'acm-fax-convert-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
function pdf(pages: number, password?: string): Buffer {
  const ps = `%!PS\n/Helvetica findfont 24 scalefont setfont\n${Array.from({ length: pages }, (_, i) => `72 700 moveto (Page ${i + 1}) show showpage`).join('\n')}\n`;
  writeFileSync(join(work, 'in.ps'), ps);
  execFileSync('gs', ['-q', '-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=pdfwrite', ...(password ? [`-sOwnerPassword=o-${password}`, `-sUserPassword=${password}`] : []), '-o', join(work, 'out.pdf'), join(work, 'in.ps')]);
  return readFileSync(join(work, 'out.pdf'));
}
/** A PDF with an empty page tree, written by hand: gs's pdfwrite always writes at least one page. */
function emptyPdf(): Buffer {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];
  let body = '%PDF-1.4\n';
  const offsets = objs.map((o, i) => { const at = body.length; body += `${i + 1} 0 obj\n${o}\nendobj\n`; return at; });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  return Buffer.from(`${body}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1');
}
const opts = { maxPages: 5, timeoutMs: 30_000 };
const reason = (p: Promise<unknown>) => p.then(() => 'converted', (e: unknown) => (e instanceof FaxDocumentError ? e.reason : `unexpected: ${String(e)}`));

describe('PDF to TIFF-F with ghostscript', () => {
  it('converts a 3-page PDF to a G4 TIFF of 3 pages', async () => {
    const r = await pdfToFaxTiff(pdf(3), opts);
    expect(r.pages).toBe(3);
    // Little-endian TIFF magic; then the compression tag 259 = 4 (CCITT T.6) in the first IFD.
    expect(r.tiff.subarray(0, 4).toString('latin1')).toBe('II*\0');
    const ifd = r.tiff.readUInt32LE(4);
    const tags = Array.from({ length: r.tiff.readUInt16LE(ifd) }, (_, i) => [r.tiff.readUInt16LE(ifd + 2 + i * 12), r.tiff.readUInt16LE(ifd + 2 + i * 12 + 8)]);
    expect(tags).toContainEqual([259, 4]);
  });

  it('refuses what cannot be faxed, with the reason', async () => {
    expect(await reason(pdfToFaxTiff(pdf(2, 'secret'), opts))).toBe('the PDF is password-protected');
    expect(await reason(pdfToFaxTiff(pdf(6), opts))).toBe('the document has more than 5 pages');
    expect(await reason(pdfToFaxTiff(Buffer.from('garbage\n'), opts))).toBe('not a PDF document');
    expect(await reason(pdfToFaxTiff(Buffer.concat([pdf(2).subarray(0, 300)]), opts))).toMatch(/^the (PDF cannot be read|PDF is damaged|document has no pages)$/);
    expect(await reason(pdfToFaxTiff(emptyPdf(), opts))).toBe('the document has no pages');
  });
});
