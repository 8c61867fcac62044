import { callerIdSchema, configTextProblem, defineResource, z } from '../../sdk/index.ts';
import { HotdeskPhoneSchema, HotdeskSessionSchema, type HotdeskPhone } from './entities.ts';

/** A desk's location as people write it: letters, digits, spaces and . , - / # ' ( ), at most 80. */
export const DESK = /^[\p{L}\p{N}][\p{L}\p{N} .,/#'()-]{0,79}$/u;

export const PhoneInput = z.strictObject({
  clusterId: z.number().int().positive(),
  extensionId: z.number().int().positive(),
  desk: z.string().regex(DESK, 'letters, digits, spaces and . , - / # \' ( ), at most 80, starting with a letter or digit'),
  // The caller ID goes into Set(CALLERID(...)): a line break or ; refused here, its parts checked again at render.
  emergencyCallerId: callerIdSchema().superRefine((v, c) => { const why = configTextProblem(v); if (why) c.addIssue({ code: 'custom', message: why }); }),
});

/** Hot-desk phones: an extension of the phone's cluster, once; its own context keeps its basic rights. */
export function phoneResource(sessionsOf: (phoneId: number) => Promise<number>) {
  return defineResource<HotdeskPhone>({
    name: 'phones', singular: 'phone', entity: HotdeskPhoneSchema, input: PhoneInput, parent: 'cluster',
    search: ['desk', 'emergencyCallerId'], filters: ['extensionId'], unique: [['clusterId', 'extensionId']], defaultSort: 'desk',
    // A phone someone is logged in at is not deleted (409): log out first.
    children: [{ entity: HotdeskSessionSchema, column: 'phoneId', label: 'logged-in users' }],
    copyDefaults: () => ({ extensionId: 0 }),
    async check(_em, p, existing, refs) {
      const e = await refs.find('extension', p.extensionId);
      if (!e || e.tenantId !== p.tenantId) return [{ field: 'extensionId', message: `no extension ${p.extensionId}` }];
      if (e.clusterId !== p.clusterId) return [{ field: 'extensionId', message: `extension ${e.extension} is on another cluster` }];
      if (existing && existing.extensionId !== p.extensionId && await sessionsOf(existing.id)) {
        return [{ field: 'extensionId', message: 'a user is logged in at this phone: log out first' }];
      }
      return [];
    },
  });
}
