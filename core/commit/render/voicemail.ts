import { truncateUtf8 } from '../../../sdk/asterisk-syntax.ts';
import type { ClusterSnapshotView, ExtensionView } from '../../../sdk/commit.ts';
import { byExtension, ConfWriter, fileHeader, RenderError, RESERVED_SECTIONS, voicemailBox } from './common.ts';
import { addTo } from '../../util/group.ts';

export const VOICEMAIL_FILE = 'acm/voicemail.acm.conf';
/** app_voicemail's `fullname[80]`, less the NUL. */
export const VM_FULLNAME_MAX_BYTES = 79;

/**
 * voicemail.conf boxes: `[<context>]` then `box => password,full name` (email, pager and options
 * are left out). voicemail.conf splits the value on `,`, so a comma in the display name would
 * shift it into the e-mail field: commas are written as spaces. app_voicemail keeps 79 bytes of
 * the full name, so a longer one is cut here on a character boundary rather than by Asterisk
 * inside one. A box without vmSecret gets the box number as password (the validator reports it).
 */
export function renderVoicemail(s: ClusterSnapshotView): string {
  const w = new ConfWriter(RESERVED_SECTIONS.voicemail);
  fileHeader(w, s, 'voicemail.conf mailboxes');
  const contexts = new Map<string, { box: string; e: ExtensionView }[]>();
  for (const e of [...s.extensions].sort(byExtension)) {
    const vm = voicemailBox(s.tenant, e);
    if (!vm) continue;
    addTo(contexts, vm.context, { box: vm.box, e });
  }
  for (const ctx of [...contexts.keys()].sort()) {
    w.blank().section(ctx);
    const boxes = contexts.get(ctx)!.sort((a, b) => a.box.length - b.box.length || (a.box < b.box ? -1 : a.box > b.box ? 1 : a.e.id - b.e.id));
    for (const { box, e } of boxes) {
      w.comment(`extension ${e.extension} (id ${e.id})`);
      const password = e.vmSecret || box;
      if (!/^[0-9]+$/.test(password)) throw new RenderError(`extension ${e.extension}`, 'vmSecret', 'must be digits');
      const fullName = truncateUtf8(e.name.replace(/,/g, ' ').replace(/\s+/g, ' ').trim(), VM_FULLNAME_MAX_BYTES).trim();
      w.arrow(box, fullName ? `${password},${fullName}` : password, 'name');
    }
  }
  return w.toString();
}
