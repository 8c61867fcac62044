import ct from 'countries-and-timezones';
import { DAY, canonicalZone, offsetAt, offsetChange } from './local-time.ts';
import { NANP_AREA_ZONES } from './nanp.ts';

/*
 * The zone of a lead: an explicit IANA zone wins; otherwise it is derived from the number only
 * where that is unambiguous, and otherwise the lead is skipped — calling hours in a guessed zone
 * are no calling hours at all.
 *   - The country of the number (libphonenumber-js, from the calling code and leading digits)
 *     and the tz database's zones of that country (countries-and-timezones: zone1970.tab, so a
 *     zone shared by several countries is listed for each, e.g. Denmark → Europe/Berlin). Zones
 *     of one country that keep the same UTC offset at every instant over the next years count as
 *     one (Germany's Europe/Berlin and Büsingen's Europe/Zurich, Cyprus's Nicosia and Famagusta).
 *   - For the US and Canada, the area code (nanp.ts lists the ones in one zone).
 * A zone this runtime's Intl does not know is never returned: calling hours could not be computed in it.
 */

export type ZoneSource = 'column' | 'country' | 'area-code';

export type ZoneAnswer = { ok: true; zone: string; source: ZoneSource } | { ok: false; reason: string };

/** Years of offsets compared when deciding whether two zones of a country are one. */
const HORIZON_YEARS = 3;

const countryZones = new Map<string, string | null>();

// tzdb spellings by lower case, so "europe/london" reads as Europe/London and Asia/Kolkata stays
// Asia/Kolkata (Node 20's ICU resolves it to the old Asia/Calcutta).
const TZDB_NAMES = new Map(Object.keys(ct.getAllTimezones({ deprecated: true })).map((n) => [n.toLowerCase(), n]));

/** An IANA zone name in its tzdb spelling, or undefined when this runtime's Intl does not know it. */
export function ianaZone(name: string): string | undefined {
  const resolved = canonicalZone(name);
  if (resolved === undefined) return undefined;
  const spelled = TZDB_NAMES.get(name.toLowerCase());
  return spelled !== undefined && canonicalZone(spelled) !== undefined ? spelled : resolved;
}

/** Whether two zones keep the same offset at every instant of [from, to). */
export function sameOffsets(a: string, b: string, from: number, to: number): boolean {
  // Daily samples find every day on which either zone changes; each change is then located to the
  // millisecond in both zones, so two zones changing on the same day at different hours differ.
  let prevA = offsetAt(from, a);
  let prevB = offsetAt(from, b);
  if (prevA !== prevB) return false;
  for (let t = from + DAY; t < to + DAY; t += DAY) {
    const oa = offsetAt(t, a);
    const ob = offsetAt(t, b);
    if (oa !== ob) return false;
    if (oa !== prevA || ob !== prevB) {
      const ca = oa !== prevA ? offsetChange(t - DAY, t, a) : undefined;
      const cb = ob !== prevB ? offsetChange(t - DAY, t, b) : undefined;
      if (ca !== cb) return false;
    }
    prevA = oa;
    prevB = ob;
  }
  return true;
}

/** The one zone of a country (ISO 3166 alpha-2), or undefined when it has several or none this runtime knows. */
export function zoneOfCountry(country: string, now = Date.now()): string | undefined {
  const year = new Date(now).getUTCFullYear();
  const key = `${country}:${year}`;
  if (!countryZones.has(key)) {
    const listed = ct.getCountry(country)?.timezones ?? [];
    const zones = listed.map((z) => ianaZone(z));
    let zone: string | null = null;
    if (zones.length > 0 && zones.every((z) => z !== undefined)) {
      const from = Date.UTC(year, 0, 1);
      const to = Date.UTC(year + HORIZON_YEARS, 0, 1);
      const first = zones[0]!;
      if (zones.every((z) => z === first || sameOffsets(first, z!, from, to))) zone = first;
    }
    countryZones.set(key, zone);
  }
  return countryZones.get(key) ?? undefined;
}

/** The zone of a US/Canadian number's area code, when the code keeps one zone. */
export function zoneOfAreaCode(e164: string): string | undefined {
  if (!/^\+1\d{10}$/.test(e164)) return undefined;
  return NANP_AREA_ZONES.get(e164.slice(2, 5));
}

/**
 * The lead's zone: the column's value if given (it must be an IANA zone), else derived from the
 * number's country (as libphonenumber-js found it) and, for the US and Canada, its area code.
 */
export function leadZone(column: string | undefined, e164: string, country: string | undefined, now = Date.now()): ZoneAnswer {
  if (column !== undefined && column !== '') {
    const zone = ianaZone(column);
    return zone ? { ok: true, zone, source: 'column' } : { ok: false, reason: `timezone "${column}" is not an IANA time zone` };
  }
  if (country === 'US' || country === 'CA') {
    const zone = zoneOfAreaCode(e164);
    return zone
      ? { ok: true, zone, source: 'area-code' }
      : { ok: false, reason: `timezone not given and area code ${e164.slice(2, 5)} does not tell it (it spans zones or is not in the table)` };
  }
  if (country === undefined) return { ok: false, reason: 'timezone not given and the number has no country to derive it from' };
  const zone = zoneOfCountry(country, now);
  return zone
    ? { ok: true, zone, source: 'country' }
    : { ok: false, reason: `timezone not given and ${country} has several time zones` };
}
