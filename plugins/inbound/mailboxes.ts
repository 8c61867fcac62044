import {
  configText, ConfWriter, defineResource, dialplanToken, fileHeader, notifyTargetProblem, utf8Max, z,
  type ClusterSnapshotView, type ConfigFileDeclaration,
} from '../../sdk/index.ts';
import { contexts, LISTEN_CODE, mailboxContext } from './destination.ts';
import { MailboxSchema, type Mailbox } from './entities.ts';
import type { Lookups } from './graph.ts';

export const VOICEMAIL_FILE = 'acm/voicemail-inbound.conf';

/**
 * voicemail.conf reads a box as `number => pin,full name,email,pager,options` (app_voicemail.c
 * append_mailbox: strsep on `,`), several emails joined by `|` (make_email_file: strsep on `|`),
 * options split on `|` too. So neither may be in a name or an address; a name is also kept in
 * fullname[80] and compared trimmed by the verifier.
 */
const FULL_NAME = /^[^\s,|](?:[^,|]*[^\s,|])?$/;
const mailboxName = configText(79).superRefine(utf8Max(79)).refine((v) => FULL_NAME.test(v), 'no , or | and no space at either end');
const email = z.string().max(254).superRefine((v, ctx) => {
  const problem = notifyTargetProblem('email', v) ?? (/[|,;\s]/.test(v) ? 'an email address' : null);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const MailboxInput = z.strictObject({
  clusterId: z.number().int().positive(),
  number: z.string().regex(/^[0-9]{1,20}$/, 'digits, at most 20'),
  name: mailboxName,
  /** What members give at the listen code (VoiceMailMain asks for it). */
  pin: z.string().regex(/^[0-9]{4,16}$/, '4 to 16 digits'),
  emails: z.array(email).max(10).default([]),
  queueId: z.number().int().positive().nullable().optional(),
});

export function mailboxResource(look: Lookups) {
  return defineResource<Mailbox>({
    name: 'mailboxes', singular: 'mailbox', entity: MailboxSchema, input: MailboxInput, parent: 'cluster',
    search: ['number', 'name'], filters: ['queueId'], defaultSort: 'number', unique: [['clusterId', 'number']], secrets: ['pin'],
    copyDefaults: (m) => ({ name: `${m.name.slice(0, 74)} copy` }),
    async check(em, m) {
      if (m.queueId == null) return [];
      const q = await look.queue(m.queueId, em);
      return q && q.tenantId === m.tenantId && q.clusterId === m.clusterId ? [] : [{ field: 'queueId', message: `no queue ${m.queueId} on this cluster` }];
    },
  });
}

const byNumber = (a: Mailbox, b: Mailbox) => a.number.length - b.number.length || (a.number < b.number ? -1 : a.number > b.number ? 1 : a.id - b.id);

/** One box line, every part checked again: a stored row must not add a field. */
function boxLine(m: Mailbox): [string, string] {
  const bad = (field: string) => new Error(`group mailbox ${m.id}: ${field} cannot go into voicemail.conf`);
  if (!/^[0-9]{1,20}$/.test(m.number)) throw bad('number');
  if (!m.pin || !/^[0-9]{4,16}$/.test(m.pin)) throw bad('pin');
  if (!FULL_NAME.test(m.name)) throw bad('name');
  if (m.emails.some((e) => notifyTargetProblem('email', e) || /[|,;\s]/.test(e))) throw bad('emails');
  return [m.number, [m.pin, m.name, ...(m.emails.length ? [m.emails.join('|')] : [])].join(',')];
}

/** voicemail.conf: the cluster's group mailboxes in the tenant's `groups` context (empty without any). */
export function renderMailboxes(s: ClusterSnapshotView, boxes: readonly Mailbox[]): string {
  const mine = boxes.filter((m) => m.clusterId === s.cluster.id).sort(byNumber);
  if (!mine.length) return '';
  const w = new ConfWriter(['general', 'zonemessages']);
  fileHeader(w, s, 'voicemail.conf group mailboxes');
  w.blank().section(mailboxContext(s.tenant));
  for (const m of mine) {
    w.comment(`group mailbox ${m.number} (id ${m.id})${m.queueId ? ` of queue ${m.queueId}` : ''}`);
    const [box, value] = boxLine(m);
    w.arrow(box, value, 'mailbox');
  }
  return w.toString();
}

export function mailboxFile(boxes: (s: ClusterSnapshotView) => Promise<readonly Mailbox[]>): ConfigFileDeclaration {
  return {
    name: VOICEMAIL_FILE, reload: 'app_voicemail.so', includeFrom: 'voicemail.conf',
    note: 'acm renders the group mailboxes in the context groups (t<id>-groups for other tenants).',
    render: async (s) => renderMailboxes(s, await boxes(s)),
  };
}

/**
 * The dialplan of the group mailboxes: one VoiceMail extension per box a destination names, and
 * for every box of the cluster the members' code `*98<box>` (VoiceMailMain asks for the PIN),
 * included from the internal context.
 */
export function renderMailboxDialplan(w: ConfWriter, s: ClusterSnapshotView, boxes: readonly Mailbox[], named: ReadonlySet<number>): string[] {
  const mine = boxes.filter((m) => m.clusterId === s.cluster.id).sort(byNumber);
  if (!mine.length) return [];
  const ctx = mailboxContext(s.tenant);
  const reached = mine.filter((m) => named.has(m.id));
  if (reached.length) {
    w.blank().comment('group voicemail destinations').section(contexts.groupVoicemail(s));
    for (const m of reached) w.raw(`exten => ${dialplanToken(m.number, 'number')},1,VoiceMail(${dialplanToken(`${m.number}@${ctx}`, 'mailbox')},u)`).same('n,Hangup()');
  }
  w.blank().comment(`group mailboxes: members listen at ${LISTEN_CODE}<box>`).section(contexts.groupVoicemailMain(s));
  for (const m of mine) w.raw(`exten => ${LISTEN_CODE}${dialplanToken(m.number, 'number')},1,VoiceMailMain(${dialplanToken(`${m.number}@${ctx}`, 'mailbox')})`).same('n,Hangup()');
  return [contexts.groupVoicemailMain(s)];
}
