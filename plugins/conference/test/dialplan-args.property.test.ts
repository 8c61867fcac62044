import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ClusterSnapshotView } from '../../../sdk/index.ts';
import { dialplanArgumentProblems, type ChannelFor } from '../../../sdk/testing/sim/app-args.ts';
import { renderConferenceDialplan } from '../render.ts';
import { RoomInput } from '../rooms.ts';
import type { Room } from '../entities.ts';

/**
 * The conference dialplan run as Asterisk runs it (issue 12, fact 6): room numbers, PINs and
 * external numbers that pass the API schema, and any PIN a caller can key in, never add an
 * argument or change an option, profile or label of an application.
 */

const snapshot = (tenantId: number): ClusterSnapshotView => ({
  tenant: { id: tenantId, name: tenantId === 1 ? 'default' : 'acme' },
  site: { id: 1, tenantId, name: 'london' },
  cluster: { id: 7, tenantId, siteId: 1, name: 'lon' },
  servers: [], groups: [], extensions: [], acls: [],
  trunks: [{ id: 1, tenantId, siteId: 1, clusterId: 7, name: 'TELNYX-1', register: true, qualify: true, context: 'from-telnyx' }],
});
const room = (id: number, r: Partial<Room>): Room => ({
  id, tenantId: 1, siteId: 1, clusterId: 7, number: '8600', startsAt: new Date(0), recurrence: 'none', record: false,
  videoMode: 'none', open: false, createdAt: new Date(0), updatedAt: new Date(0), ...r,
});
const baseRooms = () => [
  room(1, { number: '8602', externalNumber: '16465701658', description: 'weekly chat', userPin: '1234', adminPin: '908172' }),
  room(2, { number: '8608', externalNumber: '+16465708008' }),
  room(3, { number: '8610', adminPin: '55667788' }),
];
const opts = { recordingsDir: '/var/spool/asterisk/confbridge', pinAttempts: 3 };

const NAME = '[A-Za-z0-9][A-Za-z0-9_.+@-]*';
const SHAPES: Record<string, (a: string[]) => boolean> = {
  NoOp: () => true,
  Answer: (a) => a.length === 0,
  Hangup: (a) => a.length === 1 && a[0] === '',
  Playback: (a) => a.length === 1 && /^conf-[a-z]+$/.test(a[0]!),
  GotoIf: (a) => a.length === 3 && /^[01]$/.test(a[0]!) && /^[a-z]*$/.test(a[1]!) && /^[a-z]*$/.test(a[2]!),
  Set: (a) => a.length === 2 && a[0] === 'ACM_CONF_TRIES' && /^\d+$/.test(a[1]!),
  Read: (a) => JSON.stringify(a) === JSON.stringify(['ACM_CONF_PIN', 'conf-getpin', '16', '', '1', '10']),
  Goto: (a) => (a.length === 1 && a[0] === 'pin') || (a.length === 3 && new RegExp(`^${NAME}$`).test(a[0]!) && /^[0-9]+$/.test(a[1]!) && a[2] === '1'),
  ConfBridge: (a) => a.length === 4 && /^[0-9]+$/.test(a[0]!)
    && a[1] === `acm-conf-${a[0]}-bridge` && /^acm-conf-[0-9]+-(user|admin)$/.test(a[2]!) && /^acm-conf-[0-9]+-(admin-)?menu$/.test(a[3]!),
};
const shape = (app: string, args: string[]) => SHAPES[app]?.(args) ?? false;

/** Read collects DTMF only, so the PIN a caller keys in is [0-9*#A-D]. */
const channel = (pin: string, tries: string): ChannelFor => (p) => ({
  exten: p.exten, context: p.context, callerId: { num: '1,,x', name: '"' }, vars: { ACM_CONF_PIN: pin, ACM_CONF_TRIES: tries },
  db: { [`acm-conference/${p.exten}`]: 'open' },
});
const A = channel('1234', '0');
const B = channel('908172', '2');
const keyedPin = fc.stringMatching(/^[0-9*#A-D]{0,16}$/);

/** Mostly values the API takes (they reach the renderer), some that it must refuse. */
const valueOr = (valid: RegExp, hostile: RegExp) => fc.oneof({ weight: 3, arbitrary: fc.stringMatching(valid) }, { weight: 1, arbitrary: fc.stringMatching(hostile) });
const ROOM_FIELDS: Record<string, fc.Arbitrary<string>> = {
  number: valueOr(/^[0-9]{2,20}$/, /^[0-9a-z,@&()[\]$+-]{1,8}$/),
  userPin: valueOr(/^[0-9]{1,16}$/, /^[0-9,"*#()-]{1,8}$/),
  adminPin: valueOr(/^[0-9]{1,16}$/, /^[0-9,"*#()-]{1,8}$/),
  externalNumber: valueOr(/^\+?[0-9]{2,31}$/, /^\+?[0-9,@&()+-]{2,10}$/),
};

describe('property: the conference dialplan keeps its arguments', () => {
  it('for stored room values that pass the API schema and any PIN a caller keys in', () => {
    const shapeOf = RoomInput.shape as unknown as Record<string, z.ZodType>;
    let rendered = 0;
    fc.assert(fc.property(
      fc.constantFrom(1, 7), fc.integer({ min: 0, max: 2 }),
      fc.constantFrom(...Object.keys(ROOM_FIELDS)).chain((f) => fc.tuple(fc.constant(f), ROOM_FIELDS[f]!)), keyedPin,
      (tenantId, index, [field, value], pin) => {
        if (!shapeOf[field]!.safeParse(value).success) return;
        const rooms = baseRooms().map((r) => ({ ...r, tenantId }));
        (rooms[index] as unknown as Record<string, unknown>)[field] = value;
        const text = renderConferenceDialplan(snapshot(tenantId), rooms, opts);
        rendered++;
        expect(dialplanArgumentProblems(text, A, B, channel(pin, '1'), shape)).toEqual([]);
      },
    ), { numRuns: 300 });
    expect(rendered).toBeGreaterThan(150);
  });

  it('the shape check is not vacuous: an option smuggled into ConfBridge is caught', () => {
    const text = renderConferenceDialplan(snapshot(1), baseRooms(), opts);
    expect(dialplanArgumentProblems(text, A, B, channel('1', '1'), shape)).toEqual([]);
    const tampered = text.replace('ConfBridge(8602,', 'ConfBridge(8602,x,');
    expect(dialplanArgumentProblems(tampered, A, B, channel('1', '1'), shape).join('\n')).toMatch(/ConfBridge.*is not an argument list acm writes/);
  });
});
