/** What the API and the CLI show of revisions and of the include lines a cluster needs. */
import type { MikroORM } from '@mikro-orm/core';
import { createTwoFilesPatch } from 'diff';
import type { Revision } from '../model/entities.ts';
import type { CommitService } from './commit-service.ts';
import { renderIncludeStubs } from './render/index.ts';

/** Unified diff of every file that differs between two revisions (or from nothing). */
export async function revisionDiff(deps: { orm: MikroORM; commits: CommitService }, rev: Revision, against: Revision | null): Promise<string> {
  const em = deps.orm.em.fork();
  const a = new Map((against ? await deps.commits.filesOf(em, against) : []).map((f) => [f.name, f.content]));
  const b = new Map((await deps.commits.filesOf(em, rev)).map((f) => [f.name, f.content]));
  return [...new Set([...a.keys(), ...b.keys()])].sort()
    .filter((n) => a.get(n) !== b.get(n))
    .map((n) => createTwoFilesPatch(`${against ? `r${against.id}` : 'empty'}/${n}`, `r${rev.id}/${n}`, a.get(n) ?? '', b.get(n) ?? ''))
    .join('');
}

/** What each main config file of a cluster's servers must #include: every declared file, the plugins' included. */
export function includeStubs(deps: { commits: CommitService }): { file: string; content: string }[] {
  return renderIncludeStubs(deps.commits.files.list());
}
