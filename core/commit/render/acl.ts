import { networkProblem } from '../../../sdk/asterisk-syntax.ts';
import { configTextProblem } from '../../../sdk/config-text.ts';
import type { ClusterSnapshotView } from '../../../sdk/commit.ts';
import { byName, ConfWriter, fileHeader, names, RenderError } from './common.ts';

export const ACL_FILE = 'acm/acl.acm.conf';

/** Named ACLs (acl.conf): `[name]` with `deny =`/`permit =` in rule order, as Asterisk applies them. */
export function renderAcl(s: ClusterSnapshotView): string {
  const w = new ConfWriter();
  fileHeader(w, s, 'acl.conf named ACLs');
  for (const acl of [...s.acls].sort(byName)) {
    const name = names.acl(s.tenant, acl.name, 'acl name');
    w.blank().comment(`acl ${name} (id ${acl.id})`);
    w.section(name);
    acl.rules.forEach((rule, i) => {
      if (rule.action !== 'permit' && rule.action !== 'deny') throw new RenderError(`acl ${acl.name}`, 'rules', `rule ${i + 1} is neither permit nor deny`);
      // One bad line makes Asterisk reject the whole acl.conf, and at boot that fails open (FACTS 3-4).
      // (Text unsafe for any config line is refused by `set` below, as everywhere else.)
      const problem = configTextProblem(rule.network) ? null : networkProblem(rule.network);
      if (problem) throw new RenderError(`acl ${acl.name}`, `rules[${i}].network`, problem);
      w.set(rule.action, rule.network, `rules[${i}].network`);
    });
  }
  return w.toString();
}
