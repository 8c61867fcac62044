/**
 * A recording's audio: the upload (raw body → sox → 8 kHz mono WAV, stored with its facts and a
 * change waiting for the commit) and the download of the converted file.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, type PluginDb, type Resource, type RouteContext, type WriteActor,
} from '../../sdk/index.ts';
import { toAsteriskWav, type ConvertOptions } from './convert.ts';
import { RecordingAudioSchema, RecordingSchema, type Recording } from './entities.ts';

export const ENTITY = 'recordings.recording';

export interface AudioDeps {
  recordings: Resource<Recording>;
  db: PluginDb;
  limits(): ConvertOptions & { maxUploadBytes: number };
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The raw request body, refused with 413 past `max` bytes (by its Content-Length first, then as it arrives). */
export async function rawBody(c: RouteContext, max: number): Promise<Buffer> {
  const type = (c.koa.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
  if (!/^audio\/[a-z0-9.+-]+$/.test(type) && type !== 'application/octet-stream') {
    throw new UnsupportedMediaTypeError(`send the audio file as the body, as audio/* or application/octet-stream (got ${type || 'no content type'})`);
  }
  const tooLarge = () => new PayloadTooLargeError(`the upload is larger than ${mb(max)}`);
  const declared = Number(c.koa.get('content-length') || 0);
  if (declared > max) throw tooLarge();
  const req = c.koa.req as IncomingMessage;
  if (req.readableEnded) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      req.resume(); // drain the rest so the 413 reaches the client
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Converts `input` and stores it as recording `id`'s audio, replacing any earlier one; the row's
 * facts change with it and the change waits for a commit of the tenant's clusters. Nothing is
 * stored when sox refuses the file (422 on `audio`).
 */
export async function storeUpload(d: AudioDeps, actor: WriteActor, id: number, input: Buffer): Promise<Record<string, unknown>> {
  // 404 for a recording the caller may not see (another tenant's), before any work.
  await d.recordings.row(actor.user, id);
  const limits = d.limits();
  if (input.length > limits.maxUploadBytes) throw new PayloadTooLargeError(`the upload is larger than ${mb(limits.maxUploadBytes)}`);
  const { wav, durationMs } = await toAsteriskWav(input, limits);
  const sha256 = createHash('sha256').update(wav).digest('hex');
  return d.db.write(actor, async ({ em, changed }) => {
    const row = await em.findOne(RecordingSchema, { id });
    if (!row) throw new NotFoundError(`no recording ${id}`);
    const before = d.recordings.view({ ...row });
    const audio = await em.findOne(RecordingAudioSchema, { recordingId: id });
    if (audio) audio.data = wav;
    else em.create(RecordingAudioSchema, { recordingId: id, tenantId: row.tenantId, data: wav, createdAt: new Date() });
    em.assign(row, { durationMs, size: wav.length, sha256, uploadedAt: new Date() });
    await em.flush();
    const after = d.recordings.view({ ...row });
    // Tenant-wide, as the row's own writes: every cluster of the tenant gets the file.
    changed({ entity: ENTITY, action: 'update', id, tenantId: row.tenantId, clusterIds: null, before, after });
    return after;
  });
}

/** The converted WAV of a recording the caller may see; 404 while none was uploaded. */
export async function download(d: AudioDeps, c: RouteContext): Promise<Buffer> {
  const row = await d.recordings.row(c.user, Number(c.params.id));
  const audio = await d.db.em().findOne(RecordingAudioSchema, { recordingId: row.id });
  if (!audio) throw new NotFoundError(`recording ${row.name} has no audio yet`);
  c.koa.type = 'audio/wav';
  // The name is the resource's plain name (a-z, 0-9, _ and -): nothing to quote.
  c.koa.set('Content-Disposition', `inline; filename="${row.name}.wav"`);
  c.koa.set('Cache-Control', 'no-store');
  return Buffer.from(audio.data);
}
