import type { ConfigSection, LoadedStateProbe, ModuleVerifier, VerifyFinding } from '../../sdk/index.ts';

/** chan_iax2 prints user and peer names cut to 15 characters (`%-15.15s`). */
const IAX_NAME = 15;
const EID = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Names in the first column of a CLI table, below its header line (`Username …`, `EID …`). */
function firstColumn(lines: string[], header: RegExp): string[] | null {
  const at = lines.findIndex((l) => header.test(l));
  if (at < 0) return null;
  return lines.slice(at + 1).map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

function present(object: string, names: readonly string[] | null, expected: readonly string[], previous: readonly string[], cut = (n: string) => n): VerifyFinding[] {
  if (!names) return [{ object, message: 'the server did not list them (module not loaded?)' }];
  const loaded = new Set(names.map(cut));
  const want = new Set(expected.map(cut));
  return [
    ...expected.filter((n) => !loaded.has(cut(n))).map((n) => ({ object: `${object} ${n}`, message: 'not loaded after the reload (Asterisk kept the previous file or refused this one)' })),
    ...previous.filter((n) => !want.has(cut(n)) && loaded.has(cut(n))).map((n) => ({ object: `${object} ${n}`, message: 'removed from the file but still loaded' })),
  ];
}

const names = (sections: readonly ConfigSection[], keep: (n: string) => boolean) => sections.map((s) => s.name).filter(keep);

/** chan_iax2: every rendered friend is a user it knows (`iax2 show users`), removed ones are gone. */
export const iaxVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const keep = (n: string) => n !== 'general';
    const users = firstColumn(await probe.command('iax2 show users'), /^Username\s+Secret/);
    return present('IAX2 link', users, names(expected, keep), names(previous, keep), (n) => n.slice(0, IAX_NAME));
  },
};

/** pbx_dundi: its entity id is ours and every rendered peer is known (`dundi show peers`). */
export const dundiVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const findings: VerifyFinding[] = [];
    const eid = expected.find((s) => s.name === 'general')?.lines.find(([k]) => k === 'entityid')?.[1];
    if (eid) {
      const shown = /'([0-9a-f:]+)'/i.exec((await probe.command('dundi show entityid')).join('\n'))?.[1];
      if (shown?.toLowerCase() !== eid.toLowerCase()) findings.push({ object: 'DUNDi entity id', message: `server runs ${shown ?? 'none'}, the file says ${eid}` });
    }
    const peers = firstColumn(await probe.command('dundi show peers'), /^EID\s+Host/);
    const keep = (n: string) => EID.test(n);
    return [...findings, ...present('DUNDi peer', peers?.map((p) => p.toLowerCase()) ?? null, names(expected, keep), names(previous, keep))];
  },
};

/** `keys show`: name → the types loaded (`PUBLIC`, `PRIVATE`) with their sums. */
export function parseKeys(lines: string[]): Map<string, { type: string; loaded: boolean; sum: string }[]> {
  const out = new Map<string, { type: string; loaded: boolean; sum: string }[]>();
  for (const l of lines) {
    const m = /^(\S+)\s+(PUBLIC|PRIVATE)\s+\[(\w+)\]\s*([0-9a-f]*)/.exec(l.trim());
    if (!m) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), { type: m[2]!, loaded: m[3] === 'Loaded', sum: m[4] ?? '' }]);
  }
  return out;
}

/** Each key file on the server is loaded by res_crypto as the right type. */
export async function verifyKeys(probe: Pick<LoadedStateProbe, 'command'>, files: readonly { path: string }[]): Promise<VerifyFinding[]> {
  const loaded = parseKeys(await probe.command('keys show'));
  const findings: VerifyFinding[] = [];
  for (const f of files) {
    const m = /\/([^/]+)\.(key|pub)$/.exec(f.path);
    if (!m) continue;
    const type = m[2] === 'key' ? 'PRIVATE' : 'PUBLIC';
    if (!loaded.get(m[1]!)?.some((k) => k.type === type && k.loaded)) {
      findings.push({ object: `key ${m[1]}`, message: `${type.toLowerCase()} key not loaded by res_crypto (file ${f.path}: missing, unreadable, or a private key readable by others)` });
    }
  }
  return findings;
}
