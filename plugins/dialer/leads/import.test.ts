import { describe, expect, it } from 'vitest';
import { importLeads, LIMITS, toE164, type ImportResult } from './import.ts';

const NOW = Date.UTC(2026, 11, 2);
const GB = { defaultCountry: 'GB', now: NOW };

function ok(r: ImportResult) {
  if (!r.ok) throw new Error(`import refused: ${r.error}`);
  return r;
}

describe('importLeads: good files', () => {
  it('reads number, name, timezone and custom fields, numbers in E.164', () => {
    const r = ok(importLeads([
      'number,name,timezone,region,Account_No',
      '020 7946 0958,Ann Smith,,south,A1',
      '+1 212 555 0123,Bob Jones,America/New_York,east,B2',
      '+33 6 12 34 56 78,Claire,,,C3',
    ].join('\n'), GB));
    expect(r.skipped).toEqual([]);
    expect(r.customFields).toEqual(['region', 'Account_No']);
    expect(r.leads).toEqual([
      { line: 2, number: '+442079460958', name: 'Ann Smith', timezone: 'Europe/London', timezoneSource: 'country', country: 'GB', fields: { region: 'south', Account_No: 'A1' } },
      { line: 3, number: '+12125550123', name: 'Bob Jones', timezone: 'America/New_York', timezoneSource: 'column', country: 'US', fields: { region: 'east', Account_No: 'B2' } },
      { line: 4, number: '+33612345678', name: 'Claire', timezone: 'Europe/Paris', timezoneSource: 'country', country: 'FR', fields: { region: '', Account_No: 'C3' } },
    ]);
  });

  it('takes the default country per campaign', () => {
    const us = ok(importLeads('number\n(212) 555-0123\n', { defaultCountry: 'US', now: NOW }));
    expect(us.leads.map((l) => [l.number, l.timezone, l.timezoneSource])).toEqual([['+12125550123', 'America/New_York', 'area-code']]);
    const gb = ok(importLeads('number\n(212) 555-0123\n', GB));
    expect(gb.leads).toEqual([]);
    expect(gb.skipped[0]!.reason).toMatch(/not a valid phone number/);
  });

  it('header names are case-insensitive for number, name and timezone; the column zone is spelled as tzdb does', () => {
    const r = ok(importLeads('NUMBER,Name,TimeZone\n020 7946 0958,X,asia/kolkata\n', GB));
    expect(r.skipped).toEqual([]);
    expect(r.leads[0]).toMatchObject({ timezone: 'Asia/Kolkata', timezoneSource: 'column' });
  });
});

describe('toE164 (also for loading DNC lists)', () => {
  it('national and international forms to E.164; prose, extensions, bad countries refused', () => {
    expect(toE164('020 7946 0958', 'gb')).toEqual({ ok: true, number: '+442079460958', country: 'GB' });
    expect(toE164('+1 (212) 555-0123', 'GB')).toEqual({ ok: true, number: '+12125550123', country: 'US' });
    expect(toE164('call +442079460958 now', 'GB')).toMatchObject({ ok: false });
    expect(toE164('020 7946 0958 x12', 'GB')).toMatchObject({ ok: false, reason: expect.stringMatching(/extension/) });
    expect(toE164('020 7946 0958', 'ZZ')).toMatchObject({ ok: false, reason: expect.stringMatching(/default country/) });
  });
});

describe('importLeads: messy files', () => {
  it('BOM, CRLF, quoted commas, blank lines, mixed line endings; lines counted from the header', () => {
    const text = '\ufeffnumber,name,note\r\n"020 7946 0958","Smith, Ann","says ""hi"""\r\n\r\n02079460959,Bob,x\n\n+44 20 7946 0960,Cy,y\r';
    const r = ok(importLeads(text, GB));
    expect(r.skipped).toEqual([]);
    expect(r.leads.map((l) => [l.line, l.number, l.name, l.fields.note])).toEqual([
      [2, '+442079460958', 'Smith, Ann', 'says "hi"'],
      [4, '+442079460959', 'Bob', 'x'],
      [6, '+442079460960', 'Cy', 'y'],
    ]);
  });

  it('a newline inside a quoted name skips that row only, at the line the record starts; the lines after keep their numbers', () => {
    const r = ok(importLeads('number,name\n02079460958,"Ann\nSmith"\n02079460959,Bob\n', GB));
    expect(r.skipped).toEqual([{ line: 2, reason: 'name contains a line break, NUL or other control character', number: '02079460958' }]);
    expect(r.leads.map((l) => [l.line, l.name])).toEqual([[4, 'Bob']]);
  });

  it('duplicates in different formats of one number name the first line', () => {
    const r = ok(importLeads(['number', '020 7946 0958', '+44 20 7946 0958', '00442079460958', '(020) 7946-0958', '442079460958'].join('\n'), GB));
    expect(r.leads.map((l) => l.line)).toEqual([2]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([3, 4, 5, 6].map((line) => [line, 'duplicate of line 2 (+442079460958)']));
  });

  it('DNC numbers (tenant or global, any format) are skipped and say which list', () => {
    const dnc = { tenant: new Set(['+442079460958']), global: new Set(['+12125550123']) };
    const r = ok(importLeads('number\n020 7946 0958\n+1 (212) 555-0123\n020 7946 0959\n', { ...GB, dnc }));
    expect(r.leads.map((l) => l.number)).toEqual(['+442079460959']);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      "+442079460958 is on the tenant's do-not-call list",
      '+12125550123 is on the global do-not-call list',
    ]);
  });

  it('a zone that is unknown, or not derivable from the number, skips the lead; an explicit zone rescues it', () => {
    const r = ok(importLeads([
      'number,timezone',
      '+1 850 555 0123,', // Florida panhandle: Eastern and Central
      '+1 850 555 0124,America/Chicago',
      '+61 2 9876 5432,', // Australia: several zones
      '+44 20 7946 0958,Mars/Olympus_Mons',
      '+44 20 7946 0959,Europe/London\u0000',
    ].join('\n'), GB));
    expect(r.leads.map((l) => [l.line, l.timezone])).toEqual([[3, 'America/Chicago']]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'timezone not given and area code 850 does not tell it (it spans zones or is not in the table)'],
      [4, 'timezone not given and AU has several time zones'],
      [5, 'timezone "Mars/Olympus_Mons" is not an IANA time zone'],
      [6, 'timezone contains a line break, NUL or other control character'],
    ]);
  });

  it('bad numbers, extensions, column counts and long fields are skipped each with its reason', () => {
    const r = ok(importLeads([
      'number,name,extra',
      'not a number,A,x',
      ',B,x',
      '020 7946 0958 ext 12,C,x',
      '020 7946 0959,D,x,surplus',
      '020 7946 0960,E',
      `020 7946 0961,${'n'.repeat(LIMITS.name + 1)},x`,
      `020 7946 0962,F,${'f'.repeat(LIMITS.field + 1)}`,
      '"=HYPERLINK(""http://x"")",G,x',
      '020 7946 0963,H,ok',
    ].join('\n'), GB));
    expect(r.leads.map((l) => l.line)).toEqual([10]);
    expect(r.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, '"not a number" is not a valid phone number'],
      [3, 'number is missing'],
      [4, 'the number has an extension, which cannot be dialled'],
      [5, 'too many columns (4; the header has 3)'],
      [6, 'too few columns (2; the header has 3)'],
      [7, `name is over ${LIMITS.name} characters`],
      [8, `extra is over ${LIMITS.field} characters`],
      [9, '"=HYPERLINK("http://x")" is not a valid phone number'],
    ]);
  });
});

describe('importLeads: hostile or unreadable files answer an error, never throw', () => {
  const refused = (input: string | Uint8Array, options = GB) => {
    const r = importLeads(input, options);
    if (r.ok) throw new Error('accepted');
    return r.error;
  };

  it('empty, header only, no number column, bad or duplicate column names, too many custom fields', () => {
    expect(refused('')).toBe('the file is empty');
    expect(refused('\ufeff\r\n\r\n')).toBe('the file is empty');
    expect(refused('number,name\n')).toBe('the file has a header and no leads');
    expect(refused('phone,name\n1,2\n')).toBe('the header has no "number" column');
    expect(refused('number,first name\n1,2\n')).toMatch(/header column 2 "first name" is not a column name/);
    expect(refused(`number,${'a'.repeat(41)}\n1,2\n`)).toMatch(/header column 2 .* is not a column name/);
    expect(refused('number,Region,region\n1,2,3\n')).toBe('header names column "region" twice');
    expect(refused('number,,x\n1,2,3\n')).toBe('header column 2 has no name');
    const cols = Array.from({ length: 21 }, (_, i) => `f${i}`);
    expect(refused(`number,${cols.join(',')}\n1${',x'.repeat(21)}\n`)).toBe('21 custom columns; at most 20');
    expect(importLeads(`number,${cols.slice(0, 20).join(',')}\n02079460958${',x'.repeat(20)}\n`, GB).ok).toBe(true);
  });

  it('broken quoting names the line', () => {
    expect(refused('number,name\n02079460958,"Ann\n02079460959,Bob\n')).toMatch(/^not readable as CSV \(line \d\): Quote Not Closed/);
    expect(refused('number,name\n02079460958,"Ann"x\n')).toMatch(/^not readable as CSV \(line 2\): Invalid Closing Quote/);
  });

  it('binary data, invalid UTF-8, an oversized record, an unknown default country', () => {
    const binary = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    expect(refused(binary)).toBe('the file is not UTF-8 text');
    expect(refused('\u0000\u0001\u0002garbage\u0003,\u0004\n\u0005')).toMatch(/not a column name/);
    expect(refused(`number\n${'9'.repeat(LIMITS.recordBytes + 100)}\n`)).toMatch(/^not readable as CSV .*Max Record Size/);
    expect(refused('number\n1\n', { defaultCountry: 'XX', now: NOW })).toMatch(/default country "XX"/);
  });

  it('over the row limit: refused without reading the whole file; at the limit: read', () => {
    const rows = (n: number) => ['number', ...Array.from({ length: n }, (_, i) => `0207946${String(i).padStart(4, '0')}`)].join('\n');
    expect(refused(rows(101), { ...GB, maxRows: 100 } as typeof GB)).toBe('the file has more than 100 rows');
    const r = ok(importLeads(rows(100), { ...GB, maxRows: 100 } as typeof GB));
    expect(r.leads.length + r.skipped.length).toBe(100);
  });

  it('the default limit is 200,000 rows', () => {
    expect(LIMITS.rows).toBe(200_000);
    const big = `number\n${'02079460958\n'.repeat(200_001)}`;
    expect(refused(big)).toBe('the file has more than 200000 rows');
  });
});
