import { MARKER_PREFIX, type ModuleVerifier, type ProbeItem, type VerifyFinding } from '../../sdk/index.ts';

/** The static members a section asks for: the interface (Location) of each `member =>` line. */
const membersOf = (lines: readonly (readonly [string, string])[]) => lines.filter(([k]) => k === 'member').map(([, v]) => v.split(',')[0]!.trim());

/**
 * app_queue: after a reload QueueStatus lists every rendered queue, the file's marker queue
 * among them and the previous revision's gone, each with exactly its static members; removed
 * queues and members are gone. On a real Asterisk 20 a parse error in the file applies the
 * sections before it and drops the rest, the marker (always last) included
 * (tests/fixtures/asterisk20/oracle-queues-feature-codes.txt).
 * Dynamic members (agents logged in) are left alone.
 */
export const queueVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const items = await probe.list('QueueStatus');
    const loaded = new Map<string, ProbeItem[]>();
    for (const it of items) {
      const queue = it.get('Queue');
      if (!queue) continue;
      if (it.get('Event') === 'QueueParams') loaded.set(queue, loaded.get(queue) ?? []);
      else if (it.get('Event') === 'QueueMember') loaded.set(queue, [...(loaded.get(queue) ?? []), it]);
    }
    const out: VerifyFinding[] = [];
    const marker = (n: string) => n.startsWith(MARKER_PREFIX);
    for (const s of expected) {
      const members = loaded.get(s.name);
      if (!members) {
        out.push({ object: `queue ${s.name}`, message: marker(s.name) ? 'not loaded: Asterisk did not apply this file whole (a parse error stops it part-way; see messages.log)' : 'not loaded' });
        continue;
      }
      const statics = new Set(members.filter((m) => m.get('Membership') === 'static').map((m) => m.get('Location')));
      const want = membersOf(s.lines);
      for (const iface of want.filter((i) => !statics.has(i))) out.push({ object: `queue ${s.name}`, message: `static member ${iface} not loaded` });
      for (const iface of [...statics].filter((i) => i !== undefined && !want.includes(i))) out.push({ object: `queue ${s.name}`, message: `static member ${iface} removed but still loaded` });
    }
    const now = new Set(expected.map((s) => s.name));
    for (const s of previous.filter((x) => !now.has(x.name) && loaded.has(x.name))) {
      out.push({ object: `queue ${s.name}`, message: marker(s.name) ? 'of the previous revision is still loaded: Asterisk did not apply the new file' : 'removed but still loaded' });
    }
    return out;
  },
};
