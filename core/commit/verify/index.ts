import type { LoadedStateProbe, ModuleVerifier } from '../../../sdk/commit.ts';
import type { AmiClient } from '../../asterisk/ami-client.ts';
import { sortByReloadOrder } from '../render/index.ts';
import { aclVerifier } from './acl.ts';
import { parseSections } from './config.ts';
import { dialplanVerifier } from './dialplan.ts';
import { mohVerifier, parkingVerifier, voicemailVerifier } from './features.ts';
import { pjsipVerifier } from './pjsip.ts';

export { parseSections } from './config.ts';

/** The core's verifiers, by the module that reloads the files they check (the file registry, core/commit/files.ts, holds every module's). */
export const CORE_VERIFIERS: Readonly<Record<string, ModuleVerifier>> = {
  acl: aclVerifier,
  'pbx_config.so': dialplanVerifier,
  'res_musiconhold.so': mohVerifier,
  'res_pjsip.so': pjsipVerifier,
  'res_parking.so': parkingVerifier,
  'app_voicemail.so': voicemailVerifier,
};

/** A verifier's view of one server over its AMI connection; a refused CLI command answers its error text. */
export function amiProbe(server: string, client: AmiClient): LoadedStateProbe {
  return {
    server,
    command: (cli) => client.command(cli).catch((err: Error) => err.message.split('\n')),
    list: async (action, headers = {}, o = {}) => (await client.listAction(action, headers, { emptyOnError: o.emptyOnError ?? [] })).items,
  };
}

type File = { name: string; reload: string; content: string };

export interface LoadedCheck {
  /** `<server>: <module>: <object> <message>` for everything not loaded as rendered. */
  failures: string[];
  /** Same form, for what only an Asterisk restart applies. */
  restart: string[];
}

/**
 * Proves, module by module (in reload order), that the server loaded `files`: each module's
 * verifier compares what Asterisk reports with the sections rendered, and with `previous` (the
 * files the server ran before) for what must be gone. A verifier that cannot run is a failure.
 */
export async function verifyLoaded(
  probe: LoadedStateProbe, modules: Iterable<string>, verifiers: ReadonlyMap<string, ModuleVerifier>,
  files: readonly File[], previous: readonly File[],
): Promise<LoadedCheck> {
  const out: LoadedCheck = { failures: [], restart: [] };
  for (const module of sortByReloadOrder(modules)) {
    const v = verifiers.get(module);
    if (!v) { out.failures.push(`${probe.server}: ${module}: acm cannot prove it loaded the file (no verifier)`); continue; }
    try {
      const findings = await v.verify({
        probe, expected: parseSections(files.filter((f) => f.reload === module)), previous: parseSections(previous.filter((f) => f.reload === module)),
      });
      for (const f of findings) (f.restartRequired ? out.restart : out.failures).push(`${probe.server}: ${module}: ${f.object} ${f.message}`);
    } catch (err) {
      out.failures.push(`${probe.server}: ${module}: cannot check what is loaded: ${(err as Error).message}`);
    }
  }
  return out;
}

/** Files whose module no verifier covers: acm refuses to push what it cannot prove loaded. */
export function unverifiable(files: readonly { name: string; reload: string }[], verifiers: ReadonlyMap<string, ModuleVerifier>): { name: string; reload: string }[] {
  return files.filter((f) => !verifiers.has(f.reload));
}
