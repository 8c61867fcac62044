import { configText, defineResource, dialNumberSchema, notifyTargetProblem, z } from '../../sdk/index.ts';
import { FaxNumberSchema, FaxSenderSchema, type FaxNumber, type FaxSender } from './entities.ts';

const email = () => z.string().max(254).superRefine((v, c) => {
  const p = notifyTargetProblem('email', v);
  if (p) c.addIssue({ code: 'custom', message: p });
});

/** Comma-separated e-mail addresses, each checked; stored as written (trimmed, no blanks). */
const emailList = () => z.string().max(1000).transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean).join(','))
  .superRefine((v, c) => {
    if (!v) c.addIssue({ code: 'custom', message: 'at least one e-mail address' });
    for (const a of v.split(',').filter(Boolean)) if (notifyTargetProblem('email', a)) c.addIssue({ code: 'custom', message: `not an e-mail address: ${a.slice(0, 60)}` });
  });

/** The one schema of API, CLI and form for a fax DID. The number goes into the dialplan as an extension. */
export const FaxNumberInput = z.strictObject({
  clusterId: z.number().int().positive(),
  number: dialNumberSchema(),
  label: configText(80).nullable().optional(),
  emails: emailList(),
  ownerUserId: z.number().int().positive().nullable().optional(),
});

export const FaxSenderInput = z.strictObject({
  tenantId: z.number().int().positive().optional(),
  email: email(),
  label: configText(80).nullable().optional(),
});

export function faxNumberResource() {
  return defineResource<FaxNumber>({
    name: 'numbers', singular: 'number', entity: FaxNumberSchema, input: FaxNumberInput, parent: 'cluster',
    search: ['number', 'label', 'emails'], unique: [['clusterId', 'number']],
  });
}

export function faxSenderResource() {
  return defineResource<FaxSender>({
    name: 'senders', singular: 'sender', entity: FaxSenderSchema, input: FaxSenderInput, parent: 'tenant',
    search: ['email', 'label'], unique: [['tenantId', 'email']], clusters: () => [],
  });
}
