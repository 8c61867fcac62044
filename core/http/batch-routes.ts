import type Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { Acm } from '../app.ts';
import { parseInput } from '../model/crud-service.ts';
import { submitBatch, validateBatch } from '../batch/batch.ts';
import { exportExtensions, importExtensions } from '../batch/csv.ts';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../sdk/errors.ts';
import type { Principal } from '../../sdk/plugin.ts';

/** Largest CSV body accepted (the JSON/text parser's limit is 20 MB too). */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;


const ImportQuery = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() });
const ExportQuery = z.object({ clusterId: z.coerce.number().int().positive().optional() });

/**
 * The request body as text: `text/plain` arrives parsed by the body parser; `text/csv` (which it
 * does not know) is read here.
 */
async function bodyText(ctx: Koa.Context): Promise<string> {
  if (typeof ctx.request.body === 'string') return ctx.request.body;
  const type = ctx.get('content-type');
  if (!/^text\/(csv|plain)\b/i.test(type) && !/^application\/(csv|octet-stream)\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(`send the CSV as text/csv (got ${type || 'no content type'})`);
  }
  if (ctx.req.readableEnded) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CSV_BYTES) throw new PayloadTooLargeError(`the CSV is larger than ${MAX_CSV_BYTES} bytes; split it`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Batch configuration and CSV import/export of extensions. Register BEFORE the generic resource
 * routes: `GET /extensions/export.csv` would otherwise be taken for `GET /extensions/:id`.
 */
export function batchRoutes(router: Router, acm: Acm, principal: (ctx: Koa.Context) => Principal): void {
  router.post('/batch/validate', async (ctx) => {
    ctx.body = await validateBatch(acm, principal(ctx), ctx.request.body);
  });

  router.post('/batch/submit', async (ctx) => {
    ctx.body = await submitBatch(acm, { user: principal(ctx), ip: ctx.ip }, ctx.request.body);
    ctx.status = 201;
  });

  router.post('/extensions/import', async (ctx) => {
    const user = principal(ctx);
    const q = parseInput(ImportQuery, ctx.query);
    const dryRun = q.dryRun === '1' || q.dryRun === 'true';
    const out = await importExtensions(acm, { user, ip: ctx.ip }, await bodyText(ctx), { dryRun });
    if (dryRun) {
      ctx.body = { valid: out.valid, problems: out.problems, count: out.count };
      return;
    }
    if (!out.valid) throw new ValidationError(out.problems, `${out.problems.length} problem(s) in the CSV; nothing was imported`);
    ctx.status = 201;
    ctx.body = { created: out.created };
  });

  router.get('/extensions/export.csv', async (ctx) => {
    const user = principal(ctx);
    const q = parseInput(ExportQuery, ctx.query);
    const csv = await exportExtensions(acm, user, { clusterId: q.clusterId });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('content-disposition', 'attachment; filename="extensions.csv"');
    ctx.body = csv;
  });
}
