import { MARKER_PREFIX, type ModuleVerifier, type VerifyFinding } from '../../sdk/index.ts';

/** confbridge.conf section types and the CLI command that lists the loaded ones. */
const LISTS = [
  { type: 'bridge', what: 'bridge profile', cli: 'confbridge show profile bridges' },
  { type: 'user', what: 'user profile', cli: 'confbridge show profile users' },
  { type: 'menu', what: 'menu', cli: 'confbridge show menus' },
] as const;

/** The names under `--------- Bridge Profiles -----------` (and the like), one a line. */
export function parseConfbridgeList(lines: readonly string[]): Set<string> {
  return new Set(lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('-') && !/^No such command/.test(l)));
}

const typeOf = (lines: readonly (readonly [string, string])[]) => lines.filter(([k]) => k === 'type').at(-1)?.[1];

/**
 * app_confbridge: every rendered bridge profile, user profile and menu is loaded, the file's
 * marker bridge profile too and the previous revision's gone, and removed ones are gone.
 */
export const confbridgeVerifier: ModuleVerifier = {
  async verify({ probe, expected, previous }) {
    const out: VerifyFinding[] = [];
    for (const { type, what, cli } of LISTS) {
      const want = expected.filter((s) => typeOf(s.lines) === type).map((s) => s.name);
      const had = previous.filter((s) => typeOf(s.lines) === type).map((s) => s.name);
      if (!want.length && !had.length) continue;
      const loaded = parseConfbridgeList(await probe.command(cli));
      for (const n of want.filter((x) => !loaded.has(x))) {
        out.push({ object: `${what} ${n}`, message: n.startsWith(MARKER_PREFIX) ? 'not loaded: Asterisk kept its previous confbridge.conf' : 'not loaded' });
      }
      for (const n of had.filter((x) => !want.includes(x) && loaded.has(x))) {
        out.push({ object: `${what} ${n}`, message: n.startsWith(MARKER_PREFIX) ? 'of the previous revision is still loaded: Asterisk did not apply the new file' : 'removed but still loaded' });
      }
    }
    return out;
  },
};
