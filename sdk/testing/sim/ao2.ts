/**
 * Iteration order of Asterisk's ao2 hash containers, so lists the CLI/AMI print come out in the
 * order a real Asterisk prints them: bucket by bucket (hash % buckets), insertion order inside
 * a bucket. Hashes are ast_str_hash / ast_str_case_hash (djb2 with xor, include/asterisk/strings.h).
 */

export function astStrHash(s: string, caseless = false): number {
  let h = 5381;
  for (const b of Buffer.from(caseless ? s.toLowerCase() : s, 'utf8')) h = (Math.imul(h, 33) ^ b) >>> 0;
  return h & 0x7fffffff;
}

/** `items` (in insertion order) as an ao2 hash container with `buckets` buckets iterates them. */
export function ao2HashOrder<T>(items: T[], name: (t: T) => string, buckets: number, caseless = false): T[] {
  return items
    .map((t, i) => ({ t, i, b: astStrHash(name(t), caseless) % buckets }))
    .sort((a, b) => a.b - b.b || a.i - b.i)
    .map((x) => x.t);
}
