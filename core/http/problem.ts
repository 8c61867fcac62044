import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AcmError, TooManyRequestsError, UnauthorizedError } from '../../sdk/errors.ts';

/**
 * The one place errors become HTTP answers: RFC 9457 problem+json. Unexpected errors are logged
 * and answered without internals.
 */
export function problemMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        sendProblem(ctx, 404, 'urn:acm:not-found', 'Not found', `${ctx.method} ${ctx.path} not found`);
      }
    } catch (err) {
      if (err instanceof AcmError) {
        if (err instanceof TooManyRequestsError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        if (err instanceof UnauthorizedError) ctx.set('WWW-Authenticate', 'Bearer realm="acm"');
        sendProblem(ctx, err.status, err.type, err.title, err.message, err.extra);
        return;
      }
      const e = err as { status?: number; expose?: boolean; message?: string };
      if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
        // koa/bodyparser errors such as malformed JSON or a body too large.
        sendProblem(ctx, e.status, 'urn:acm:bad-request', 'Bad request', e.expose ? String(e.message) : 'bad request');
        return;
      }
      logger.error({ err, path: ctx.path, method: ctx.method }, 'unhandled error');
      sendProblem(ctx, 500, 'about:blank', 'Internal error', 'an unexpected error occurred; see the server log');
    }
  };
}

function sendProblem(ctx: Parameters<Middleware>[0], status: number, type: string, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = JSON.stringify({ type, title, status, detail, instance: ctx.path, ...extra });
}
