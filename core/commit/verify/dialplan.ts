import type { LoadedStateProbe, ModuleVerifier, VerifyFinding } from '../../../sdk/commit.ts';
import { isMarker, listed } from './config.ts';

/** Sections of extensions.conf that are not contexts. */
const NOT_CONTEXTS = new Set(['general', 'globals']);

/** Whether `dialplan show <ctx>` finds the context (Asterisk answers "There is no existence of '<ctx>' context" when not). */
export async function contextLoaded(probe: LoadedStateProbe, ctx: string): Promise<boolean> {
  const out = await probe.command(`dialplan show ${ctx}`);
  return !out.some((l) => l.includes(`There is no existence of '${ctx}' context`));
}

/**
 * pbx_config: a reload that answers `Response: Error` already failed the commit (the pusher
 * sees it). Here: every rendered context and the file's marker context are loaded, the previous
 * revision's marker context and every context acm no longer renders are gone.
 */
export const dialplanVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    const want = [...new Set(expected.map((s) => s.name).filter((n) => !NOT_CONTEXTS.has(n)))];
    const wanted = new Set(want);
    const missing: string[] = [];
    for (const ctx of want) if (!(await contextLoaded(probe, ctx))) missing.push(ctx);
    for (const m of missing.filter(isMarker)) out.push({ object: `marker context ${m}`, message: 'not loaded: Asterisk kept its previous dialplan (the file, or the site file that includes it, was rejected)' });
    const plain = missing.filter((n) => !isMarker(n));
    if (plain.length) out.push({ object: `context${plain.length > 1 ? 's' : ''} ${listed(plain)}`, message: 'not loaded' });
    const gone = [...new Set(previous.map((s) => s.name).filter((n) => !NOT_CONTEXTS.has(n) && !wanted.has(n)))];
    const stale: string[] = [];
    for (const ctx of gone) if (await contextLoaded(probe, ctx)) stale.push(ctx);
    for (const m of stale.filter(isMarker)) out.push({ object: `marker context ${m}`, message: 'of the previous revision is still loaded: Asterisk did not apply the new file' });
    const plainStale = stale.filter((n) => !isMarker(n));
    if (plainStale.length) out.push({ object: `context${plainStale.length > 1 ? 's' : ''} ${listed(plainStale)}`, message: 'removed but still loaded' });
    return out;
  },
};
