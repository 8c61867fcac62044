import { describe, expect, it } from 'vitest';
import { NANP_AREA_ZONES } from './nanp.ts';
import { ianaZone, leadZone, sameOffsets, zoneOfAreaCode, zoneOfCountry } from './timezone.ts';

const NOW = Date.UTC(2026, 11, 2);

describe('lead time zone', () => {
  it('an explicit zone wins over the number, in tzdb spelling; an unknown one is refused, not derived', () => {
    expect(leadZone('America/Los_Angeles', '+12125550123', 'US', NOW)).toEqual({ ok: true, zone: 'America/Los_Angeles', source: 'column' });
    expect(leadZone('europe/paris', '+442079460958', 'GB', NOW)).toEqual({ ok: true, zone: 'Europe/Paris', source: 'column' });
    expect(leadZone('Asia/Kolkata', '+919876543210', 'IN', NOW)).toMatchObject({ zone: 'Asia/Kolkata' });
    for (const bad of ['Mars/Base', 'EST; DROP', '../../etc/passwd', '+05:00', 'a'.repeat(70)]) {
      expect(leadZone(bad, '+442079460958', 'GB', NOW)).toMatchObject({ ok: false });
    }
  });

  it('a country with one zone gives it; with several, none', () => {
    const cases: [string, string | undefined][] = [
      ['GB', 'Europe/London'], ['FR', 'Europe/Paris'], ['IT', 'Europe/Rome'], ['IE', 'Europe/Dublin'], ['IN', 'Asia/Kolkata'],
      ['JM', 'America/Jamaica'], ['SG', 'Asia/Singapore'], ['JE', 'Europe/London'],
      // Büsingen's Europe/Zurich keeps Berlin's offsets: one zone in effect.
      ['DE', 'Europe/Berlin'],
      ['AU', undefined], ['RU', undefined], ['ES', undefined], ['PT', undefined], ['BR', undefined], ['MX', undefined],
      ['NZ', undefined], ['EC', undefined], ['UA', undefined], ['CN', undefined], ['US', undefined], ['CA', undefined], ['XX', undefined],
    ];
    for (const [country, zone] of cases) expect([country, zoneOfCountry(country, NOW)]).toEqual([country, zone]);
  });

  it('zones count as one only if their offsets agree at every instant, DST changes located to the millisecond', () => {
    const y = Date.UTC(2026, 0, 1);
    const y2 = Date.UTC(2028, 0, 1);
    expect(sameOffsets('Europe/Berlin', 'Europe/Zurich', y, y2)).toBe(true);
    expect(sameOffsets('Europe/Berlin', 'Europe/Paris', y, y2)).toBe(true);
    // Same standard offset and DST days as New York, but the EU changes at 01:00 UTC, not 02:00 local.
    expect(sameOffsets('Europe/London', 'Europe/Lisbon', y, y2)).toBe(true);
    expect(sameOffsets('Europe/London', 'Atlantic/Reykjavik', y, y2)).toBe(false);
    expect(sameOffsets('America/New_York', 'America/Toronto', y, y2)).toBe(true);
    expect(sameOffsets('America/New_York', 'America/Nassau', y, y2)).toBe(true);
    // Havana changes on the US days but at 00:00 local instead of 02:00: same offsets most of the year.
    expect(sameOffsets('America/New_York', 'America/Havana', y, y2)).toBe(false);
    expect(sameOffsets('America/Phoenix', 'America/Denver', y, y2)).toBe(false);
  });

  it('US and Canadian numbers by area code; a code spanning zones or not in the table is not derivable', () => {
    const cases: [string, string | undefined][] = [
      ['+12125550123', 'America/New_York'], ['+13125550123', 'America/Chicago'], ['+13035550123', 'America/Denver'],
      ['+16025550123', 'America/Phoenix'], ['+14155550123', 'America/Los_Angeles'], ['+18085550123', 'Pacific/Honolulu'],
      ['+14165550123', 'America/Toronto'], ['+16045550123', 'America/Vancouver'], ['+19025550123', 'America/Halifax'],
      ['+18505550123', undefined], // Florida panhandle: Eastern and Central
      ['+19065550123', undefined], // Michigan's Upper Peninsula
      ['+19285550123', undefined], // Arizona with the Navajo Nation (DST)
      ['+13345550123', undefined], // Phenix City keeps Eastern in a Central state
      ['+18005550123', undefined], // toll free: no place
      ['+1212555012', undefined], // not 10 digits
    ];
    for (const [n, zone] of cases) expect([n, zoneOfAreaCode(n)]).toEqual([n, zone]);
    expect(leadZone(undefined, '+13125550123', 'US', NOW)).toEqual({ ok: true, zone: 'America/Chicago', source: 'area-code' });
    expect(leadZone(undefined, '+18505550123', 'US', NOW)).toMatchObject({ ok: false, reason: expect.stringMatching(/area code 850/) });
    // Other NANP countries have one zone each: the country decides, not the area code table.
    expect(leadZone(undefined, '+18765551234', 'JM', NOW)).toEqual({ ok: true, zone: 'America/Jamaica', source: 'country' });
    expect(leadZone(undefined, '+99912345', undefined, NOW)).toMatchObject({ ok: false });
  });

  it('every zone of the area code table is one this runtime knows, spelled as tzdb does', () => {
    const zones = new Set(NANP_AREA_ZONES.values());
    for (const z of zones) expect(ianaZone(z)).toBe(z);
    for (const code of NANP_AREA_ZONES.keys()) expect(code).toMatch(/^[2-9]\d\d$/);
  });
});
