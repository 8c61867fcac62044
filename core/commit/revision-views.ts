/** What the API and the CLI show of revisions and of the include lines a cluster needs. */
import type { MikroORM } from '@mikro-orm/core';
import { createTwoFilesPatch } from 'diff';
import type { Revision } from '../model/entities.ts';
import type { CommitService } from './commit-service.ts';
import { renderIncludeStubs, type RenderedFile } from './render/index.ts';

/** Unified diff of every file that differs between two revisions (or from nothing); secrets masked. */
export async function revisionDiff(deps: { orm: MikroORM; commits: CommitService }, rev: Revision, against: Revision | null): Promise<string> {
  const em = deps.orm.em.fork();
  const a = new Map((against ? await deps.commits.filesOf(em, against) : []).map((f) => [f.name, f]));
  const b = new Map((await deps.commits.filesOf(em, rev)).map((f) => [f.name, f]));
  // A binary file shows as its size and hash (`shown`), never as its bytes.
  const shown = (f: RenderedFile | undefined) => (!f ? '' : f.binary ? f.shown : f.shown ?? f.content);
  const from = (n: string) => `${against ? `r${against.id}` : 'empty'}/${n}`;
  return [...new Set([...a.keys(), ...b.keys()])].sort()
    .filter((n) => a.get(n)?.sha256 !== b.get(n)?.sha256)
    // A change of a masked secret alone leaves the shown text as it was: say so instead of an empty patch.
    .map((n) => (shown(a.get(n)) === shown(b.get(n)) && a.has(n) && b.has(n)
      ? `Files ${from(n)} and r${rev.id}/${n} differ in masked secrets only\n`
      : createTwoFilesPatch(from(n), `r${rev.id}/${n}`, shown(a.get(n)), shown(b.get(n)))))
    .join('');
}

/** What each main config file of a cluster's servers must #include: every declared file, the plugins' included. */
export function includeStubs(deps: { commits: CommitService }): { file: string; content: string }[] {
  return renderIncludeStubs(deps.commits.files.list());
}
