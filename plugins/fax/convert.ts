import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why a document cannot become a fax; `reason` goes into the bounce and the failed job. */
export class FaxDocumentError extends Error {
  constructor(readonly reason: string) { super(reason); }
}

export interface FaxTiff { tiff: Buffer; pages: number }

/**
 * A PDF as a TIFF-F (CCITT G4, 204×196 dpi, fitted to A4) with ghostscript. Only a file that
 * starts as a PDF is given to gs: gs would run anything else as PostScript (a garbage file exits 1
 * with a PostScript error). gs 10 exits 0 for a password-protected PDF ("This file requires a
 * password", no pages processed), so the page count from its output is what decides. At most
 * maxPages + 1 pages are rendered: enough to know the document is too long.
 */
export async function pdfToFaxTiff(pdf: Buffer, opts: { maxPages: number; timeoutMs: number }): Promise<FaxTiff> {
  if (!pdf.subarray(0, 1024).includes('%PDF-')) throw new FaxDocumentError('not a PDF document');
  const dir = await mkdtemp(join(tmpdir(), 'acm-fax-'));
  try {
    await writeFile(join(dir, 'in.pdf'), pdf);
    const { code, out } = await gs(['-dSAFER', '-dBATCH', '-dNOPAUSE', '-sDEVICE=tiffg4', '-r204x196', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage',
      `-dLastPage=${opts.maxPages + 1}`, '-o', join(dir, 'out.tif'), join(dir, 'in.pdf')], opts.timeoutMs);
    if (/requires a password/i.test(out)) throw new FaxDocumentError('the PDF is password-protected');
    const m = /Processing pages 1 through (\d+)\./.exec(out);
    const pages = m ? Number(m[1]) : 0;
    if (code !== 0 || /Unrecoverable error|Couldn't initialise file/i.test(out)) {
      throw new FaxDocumentError(pages ? 'the PDF is damaged' : 'the PDF cannot be read');
    }
    if (pages === 0) throw new FaxDocumentError('the document has no pages');
    if (pages > opts.maxPages) throw new FaxDocumentError(`the document has more than ${opts.maxPages} pages`);
    return { tiff: await readFile(join(dir, 'out.tif')), pages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function gs(args: string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    execFile('gs', args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') { reject(new Error('ghostscript (gs) is not installed')); return; }
      if (err?.killed) { reject(new FaxDocumentError('the document took too long to convert')); return; }
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` });
    });
  });
}
