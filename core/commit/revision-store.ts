/**
 * How a revision's files are kept: each content once in config_blobs by its SHA-256 (revisions
 * share unchanged files). A file with secrets (a deploy target's `secrets`) keeps its masked text
 * there, under that text's hash, for diffs and views, and the whole file sealed in sealed_files
 * (a secret column: `acm secrets rotate` reseals it, backups carry it sealed).
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConfigBlobSchema, SealedFileSchema, type Revision, type RevisionFileRef } from '../model/entities.ts';
import { sha256, type RenderedFile } from './render/index.ts';

/** Stores a file once per content and answers the revision's reference to it. */
export async function storeFile(em: EntityManager, f: RenderedFile): Promise<RevisionFileRef> {
  const shownSha = f.shown === undefined ? undefined : sha256(f.shown);
  const text = f.shown ?? f.content;
  if (!(await em.findOne(ConfigBlobSchema, { sha256: shownSha ?? f.sha256 }))) em.create(ConfigBlobSchema, { sha256: shownSha ?? f.sha256, content: text, size: Buffer.byteLength(text) });
  if (shownSha && !(await em.findOne(SealedFileSchema, { sha256: f.sha256 }))) em.create(SealedFileSchema, { sha256: f.sha256, content: f.content });
  return {
    name: f.name, sha256: f.sha256, reload: f.reload, size: Buffer.byteLength(f.content),
    ...(shownSha ? { shown: shownSha } : {}), ...(f.deploy ? { deploy: f.deploy } : {}),
  };
}

/** A revision's files as pushed; one with secrets also as shown (`shown`, masked). */
export async function revisionFiles(em: EntityManager, rev: Revision): Promise<RenderedFile[]> {
  const blobs = new Map((await em.find(ConfigBlobSchema, { sha256: { $in: rev.files.map((f) => f.shown ?? f.sha256) } })).map((b) => [b.sha256, b.content]));
  const secret = rev.files.filter((f) => f.shown).map((f) => f.sha256);
  const sealed = new Map(secret.length ? (await em.find(SealedFileSchema, { sha256: { $in: secret } })).map((b) => [b.sha256, b.content]) : []);
  return rev.files.map((f) => {
    const text = blobs.get(f.shown ?? f.sha256) ?? '';
    const base = { name: f.name, reload: f.reload, sha256: f.sha256, ...(f.deploy ? { deploy: f.deploy } : {}) };
    if (!f.shown) return { ...base, content: text };
    const content = sealed.get(f.sha256);
    // Never push a file with secrets short of them.
    if (content === undefined) throw new Error(`revision ${rev.id}: the sealed content of ${f.name} is missing`);
    return { ...base, content, shown: text };
  });
}
