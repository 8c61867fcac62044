/** Polls `fn` until it returns something truthy, or fails after `ms` naming `what` (tests only). */
export async function waitUntil<T>(fn: () => T | Promise<T>, what: string, ms = 5000, everyMs = 25): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
