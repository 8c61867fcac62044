/**
 * How a revision's files are kept: each content once in config_blobs by its SHA-256 (revisions
 * share unchanged files). A file with secrets (a deploy target's `secrets`) keeps its masked text
 * there, under that text's hash, for diffs and views, and the whole file sealed in sealed_files
 * (a secret column: `acm secrets rotate` reseals it, backups carry it sealed). A binary file
 * (an audio prompt) keeps its bytes base64 under the SHA-256 of the bytes (`encoding: base64`).
 */
import type { EntityManager } from '@mikro-orm/core';
import { ConfigBlobSchema, SealedFileSchema, type Revision, type RevisionFileRef } from '../model/entities.ts';
import { binaryShown, sha256, type RenderedFile } from './render/index.ts';

/** Stores a file once per content and answers the revision's reference to it. */
export async function storeFile(em: EntityManager, f: RenderedFile): Promise<RevisionFileRef> {
  if (f.binary) {
    // Bytes, base64 in the text column (backups write them back as the bytes the hash names).
    const bytes = f.content as Buffer;
    if (!(await em.findOne(ConfigBlobSchema, { sha256: f.sha256 }))) em.create(ConfigBlobSchema, { sha256: f.sha256, content: bytes.toString('base64'), size: bytes.length, encoding: 'base64' });
    return { name: f.name, sha256: f.sha256, reload: f.reload, size: bytes.length, binary: true, ...(f.deploy ? { deploy: f.deploy } : {}) };
  }
  const content = f.content as string;
  const shownSha = f.shown === undefined ? undefined : sha256(f.shown);
  const text = f.shown ?? content;
  if (!(await em.findOne(ConfigBlobSchema, { sha256: shownSha ?? f.sha256 }))) em.create(ConfigBlobSchema, { sha256: shownSha ?? f.sha256, content: text, size: Buffer.byteLength(text) });
  if (shownSha && !(await em.findOne(SealedFileSchema, { sha256: f.sha256 }))) em.create(SealedFileSchema, { sha256: f.sha256, content });
  return {
    name: f.name, sha256: f.sha256, reload: f.reload, size: Buffer.byteLength(content),
    ...(shownSha ? { shown: shownSha } : {}), ...(f.deploy ? { deploy: f.deploy } : {}),
  };
}

/** A revision's files as pushed; one with secrets also as shown (`shown`, masked). */
export async function revisionFiles(em: EntityManager, rev: Revision): Promise<RenderedFile[]> {
  const rows = await em.find(ConfigBlobSchema, { sha256: { $in: rev.files.map((f) => f.shown ?? f.sha256) } });
  const blobs = new Map(rows.map((b) => [b.sha256, b]));
  const secret = rev.files.filter((f) => f.shown).map((f) => f.sha256);
  const sealed = new Map(secret.length ? (await em.find(SealedFileSchema, { sha256: { $in: secret } })).map((b) => [b.sha256, b.content]) : []);
  return rev.files.map((f) => {
    const blob = blobs.get(f.shown ?? f.sha256);
    const base = { name: f.name, reload: f.reload, sha256: f.sha256, ...(f.deploy ? { deploy: f.deploy } : {}) };
    if (f.binary) {
      // Never push a binary file short of its bytes (an empty file would pass for one).
      if (blob?.encoding !== 'base64') throw new Error(`revision ${rev.id}: the bytes of ${f.name} are missing`);
      const bytes = Buffer.from(blob.content, 'base64');
      if (!f.deploy) throw new Error(`revision ${rev.id}: ${f.name} is binary but no deploy target's file`);
      return { ...base, deploy: f.deploy, content: bytes, binary: true as const, shown: binaryShown(bytes.length, f.sha256) };
    }
    const text = blob?.content ?? '';
    if (!f.shown) return { ...base, content: text };
    const content = sealed.get(f.sha256);
    // Never push a file with secrets short of them.
    if (content === undefined) throw new Error(`revision ${rev.id}: the sealed content of ${f.name} is missing`);
    return { ...base, content, shown: text };
  });
}
