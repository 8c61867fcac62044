/**
 * ARI REST for call control: Node's fetch with Basic auth on every request, so each server's
 * own ARI user and password are used (the `ari-client` package keeps one process-global
 * authorization: see ari-client.ts). Every request is bounded by a timeout; ARI's error
 * statuses become AriHttpError with its `message` (ari-call-errors*.txt).
 */
import { AriHttpError, AriTimeoutError, AriUnavailableError } from './errors.ts';

export interface AriTarget {
  serverId: number;
  /** e.g. http://127.0.0.1:8088 (no /ari) */
  baseUrl: string;
  user: string;
  password: string;
}

export const basicAuth = (t: Pick<AriTarget, 'user' | 'password'>): string => `Basic ${Buffer.from(`${t.user}:${t.password}`).toString('base64')}`;

/**
 * One ARI request. `path` is below /ari (ids in it are validated by the caller); query values
 * left undefined are not sent. Resolves with the parsed JSON body, or undefined for 204.
 */
export async function ariRequest(
  t: AriTarget, method: 'GET' | 'POST' | 'DELETE', path: string,
  opts: { query?: Record<string, string | number | undefined>; body?: unknown; timeoutMs: number },
): Promise<unknown> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.set(k, String(v));
  const url = `${t.baseUrl}/ari${path}${qs.size ? `?${qs}` : ''}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method,
      headers: { Authorization: basicAuth(t), ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new AriTimeoutError(t.serverId, method, path, opts.timeoutMs);
    throw new AriUnavailableError(`ARI of server ${t.serverId} unreachable: ${(e.cause as Error | undefined)?.message ?? e.message}`, { serverId: t.serverId });
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (res.status >= 400) {
    const b = body as { message?: unknown; error?: unknown } | undefined;
    // ARI's errors say `message`; a failed originate says `error` (`Allocation failed`).
    const message = typeof b?.message === 'string' ? b.message : typeof b?.error === 'string' ? b.error : res.statusText;
    if (res.status === 401) throw new AriUnavailableError(`ARI of server ${t.serverId} refused user ${t.user}: ${message}`, { serverId: t.serverId });
    throw new AriHttpError(t.serverId, method, path, res.status, message);
  }
  return body;
}
