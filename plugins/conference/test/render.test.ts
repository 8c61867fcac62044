import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshotView } from '../../../sdk/index.ts';
import { goldenDir } from '../../../sdk/testing/golden.ts';
import { conferenceFiles } from '../render.ts';
import { confbridgeVerifier } from '../verify.ts';
import { isOpen } from '../schedule.ts';
import { parseListing } from '../recordings.ts';
import type { Room } from '../entities.ts';

const golden = goldenDir(join(import.meta.dirname, 'golden'));

const snapshot = (tenantId = 1): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'london' },
  cluster: { id: 7, tenantId, siteId: 1, name: 'lon' },
  servers: [], groups: [], extensions: [], acls: [],
  trunks: [
    { id: 1, tenantId, siteId: 1, clusterId: 7, name: 'TELNYX-1', register: true, qualify: true, context: 'from-telnyx', maxChannels: 40 },
    { id: 2, tenantId, siteId: 1, clusterId: 7, name: 'backup', register: false, qualify: true },
  ],
});

let nextId = 1;
const room = (r: Partial<Room>): Room => ({
  id: nextId++, tenantId: 1, siteId: 1, clusterId: 7, number: '8600', startsAt: new Date('2018-05-30T00:00:00Z'),
  recurrence: 'none', record: false, videoMode: 'none', open: false, createdAt: new Date(0), updatedAt: new Date(0), ...r,
});

/** The seed's three bookings, plus an admin-PIN-only room. */
const rooms = [
  room({ number: '8602', recurrence: 'weekly', externalNumber: '16465701658', owner: 'keith', account: 'UKSales', description: 'weekly chat on UKSales', maxUsers: 10, userPin: '1234', adminPin: '908172' }),
  room({ number: '8608', recurrence: 'weekly', externalNumber: '+16465708008', account: 'USSales', description: 'weekly chat on USSales', maxUsers: 16 }),
  room({ number: '8603', startsAt: new Date('2018-05-22T14:00:00Z'), endsAt: new Date('2018-06-23T00:00:00Z'), account: 'USSales', description: 'TPA site move', maxUsers: 10, userPin: '1234', record: true, videoMode: 'follow_talker' }),
  room({ number: '8610', adminPin: '55667788', videoMode: 'first_marked' }),
  room({ number: '9999', clusterId: 8 }),
];
const opts = { recordingsDir: '/var/spool/asterisk/confbridge/', pinAttempts: 3 };

/** The plugin's file declarations over `all`, and each file's text for one snapshot. */
const declared = (all: readonly Room[]) => conferenceFiles(async (clusterId) => all.filter((r) => r.clusterId === clusterId), opts);
const render = (snap: ClusterSnapshotView, all: readonly Room[]) => Promise.all(declared(all).map((f) => f.render(snap)));

describe('conference rendering', () => {
  it('declares confbridge.conf (verified by the plugin) and a dialplan file (verified by the core)', () => {
    expect(declared([]).map(({ render: _r, ...d }) => d)).toEqual([
      { name: 'acm/confbridge.conf', reload: 'app_confbridge.so', includeFrom: 'confbridge.conf', verify: confbridgeVerifier },
      { name: 'acm/extensions-conference.conf', reload: 'pbx_config.so', includeFrom: 'extensions.conf', note: expect.stringContaining('context conferences') },
    ]);
  });

  it('renders confbridge.conf profiles and menus and the dialplan (golden)', async () => {
    const [confbridge, dialplan] = await render(snapshot(), rooms);
    golden('confbridge.conf', confbridge!);
    golden('extensions-conference.conf', dialplan!);
    // room 9999 is on another cluster
    expect(confbridge! + dialplan!).not.toContain('9999');
  });

  it('prefixes contexts of other tenants like the core does', async () => {
    const [, dialplan] = await render(snapshot(3), [room({ number: '4000', tenantId: 3 })]);
    expect(dialplan).toContain('[t3-internal]\ninclude => t3-conferences');
    expect(dialplan).toContain('[t3-from-telnyx]\ninclude => t3-conferences');
    expect(dialplan).toContain('[t3-conferences]');
  });

  it('renders both files, empty, for a cluster without rooms (the site includes them)', async () => {
    expect(await render(snapshot(), [room({ clusterId: 99 })])).toEqual(['', '']);
  });

  it('refuses unsafe text rather than writing it', async () => {
    await expect(render(snapshot(), [room({ description: 'x\n[evil]' })])).rejects.toThrow(/line break/);
  });
});

describe('conference schedule', () => {
  const at = (s: string) => new Date(s);
  it('a one-off booking is open from start to end', () => {
    const w = { startsAt: at('2018-05-22T14:00:00Z'), endsAt: at('2018-06-23T00:00:00Z'), recurrence: 'none' };
    expect(isOpen(w, at('2018-05-22T13:59:59Z'))).toBe(false);
    expect(isOpen(w, at('2018-05-22T14:00:00Z'))).toBe(true);
    expect(isOpen(w, at('2018-06-22T23:59:59Z'))).toBe(true);
    expect(isOpen(w, at('2018-06-23T00:00:00Z'))).toBe(false);
    expect(isOpen({ startsAt: at('2018-01-01T00:00:00Z'), recurrence: 'none' }, at('2030-01-01T00:00:00Z'))).toBe(true);
  });

  it('weekly rooms open on the weekday of their start for the duration (default a day)', () => {
    const w = { startsAt: at('2018-05-30T09:00:00Z'), recurrence: 'weekly', durationMinutes: 60 };
    expect(isOpen(w, at('2018-06-06T09:30:00Z'))).toBe(true);
    expect(isOpen(w, at('2018-06-06T10:00:00Z'))).toBe(false);
    expect(isOpen(w, at('2018-06-07T09:30:00Z'))).toBe(false);
    const allDay = { startsAt: at('2018-05-30T00:00:00Z'), recurrence: 'weekly' };
    expect(isOpen(allDay, at('2026-11-25T23:00:00Z'))).toBe(true); // a Wednesday
    expect(isOpen(allDay, at('2026-11-26T00:00:00Z'))).toBe(false);
  });

  it('daily and monthly recurrences, and the series end', () => {
    const daily = { startsAt: at('2026-01-01T08:00:00Z'), recurrence: 'daily', durationMinutes: 30, endsAt: at('2026-02-01T00:00:00Z') };
    expect(isOpen(daily, at('2026-01-15T08:10:00Z'))).toBe(true);
    expect(isOpen(daily, at('2026-01-15T08:40:00Z'))).toBe(false);
    expect(isOpen(daily, at('2026-02-03T08:10:00Z'))).toBe(false);
    const monthly = { startsAt: at('2026-01-31T12:00:00Z'), recurrence: 'monthly', durationMinutes: 60 };
    expect(isOpen(monthly, at('2026-02-28T12:30:00Z'))).toBe(true); // clamped to the month's last day
    expect(isOpen(monthly, at('2026-03-31T12:30:00Z'))).toBe(true);
    expect(isOpen(monthly, at('2026-03-30T12:30:00Z'))).toBe(false);
  });
});

describe('conference recordings', () => {
  it('lists the room\'s files from `ls -ln`', () => {
    const out = [
      'total 12',
      '-rw-r--r-- 1 0 0 480044 Nov 23 08:00 acm-conf-8603-1795420800.wav',
      '-rw-r--r-- 1 0 0 1044 Nov 23 09:00 acm-conf-86030-1795424400.wav',
      '-rw-r--r-- 1 0 0 2048 Nov 23 09:00 acm-conf-8603-1795424400.wav',
      'drwxr-xr-x 2 0 0 4096 Nov 23 09:00 acm-conf-8603-dir',
    ].join('\n');
    expect(parseListing(out, '8603')).toEqual([
      { file: 'acm-conf-8603-1795424400.wav', bytes: 2048, startedAt: '2026-11-23T09:00:00.000Z' },
      { file: 'acm-conf-8603-1795420800.wav', bytes: 480044, startedAt: '2026-11-23T08:00:00.000Z' },
    ]);
  });
});
