import { definePlugin, type EntityManager } from '../../sdk/index.ts';
import { manifest } from './manifest.ts';
import { recordingsService, type RecordingInfo, type RecordingsService } from './api/index.ts';
import { recordingEntities, RecordingSchema, type Recording } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { recordingResource } from './resources.ts';
import { download, rawBody, storeUpload, type AudioDeps } from './audio.ts';
import { soundNameOf, soundsTarget } from './deploy.ts';
import { registerCli } from './cli.ts';

/**
 * System recordings: a tenant's audio prompts, uploaded in any format sox reads, stored as
 * 8 kHz mono 16-bit WAV, and pushed by the commit to every server of the tenant's clusters
 * (`<soundsDir>/acm/t<tenant>/<name>.wav`), where Playback and Background find them as
 * `acm/t<tenant>/<name>`.
 */
export default definePlugin({
  manifest,
  entities: recordingEntities,
  migrations,
  setup(ctx) {
    const recordings = ctx.resources.define(recordingResource());
    const deps: AudioDeps = {
      recordings, db: ctx.db,
      limits: () => ({
        maxUploadBytes: ctx.settings.maxUploadBytes, maxSeconds: ctx.settings.maxSeconds, timeoutMs: ctx.settings.soxTimeoutSeconds * 1000,
      }),
    };

    ctx.http.route('POST', '/recordings/:id/audio', 'recordings.recording:write', async (c) => {
      const body = await rawBody(c, ctx.settings.maxUploadBytes);
      return storeUpload(deps, { user: c.user, ip: c.koa.ip }, Number(c.params.id), body);
    });
    ctx.http.route('GET', '/recordings/:id/audio', 'recordings.recording:read', (c) => download(deps, c));

    ctx.commit.target(soundsTarget(() => ctx.db.em(), () => ctx.settings.soundsDir));

    ctx.cli.commands((group, cli) => registerCli(group, cli.operator, {
      upload: (user, id, data) => storeUpload(deps, { user }, id, data),
      maxUploadBytes: () => ctx.settings.maxUploadBytes,
      print: (l) => console.log(l),
    }));

    const info = (r: Recording): RecordingInfo => ({
      id: r.id, tenantId: r.tenantId, name: r.name, description: r.description ?? null, language: r.language ?? null,
      durationMs: r.durationMs ?? null, size: r.size ?? null, sha256: r.sha256 ?? null, uploadedAt: r.uploadedAt ? new Date(r.uploadedAt).toISOString() : null,
      soundName: r.sha256 ? soundNameOf(r) : null,
    });
    const em = (given?: EntityManager) => given ?? ctx.db.em();
    const service: RecordingsService = {
      async soundName(tenantId, name, given) {
        const r = await em(given).findOne(RecordingSchema, { tenantId, name });
        return r?.sha256 ? soundNameOf(r) : null;
      },
      async get(recordingId, given) {
        const r = await em(given).findOne(RecordingSchema, { id: recordingId });
        return r ? info(r) : null;
      },
      async list(tenantId, given) {
        return (await em(given).find(RecordingSchema, { tenantId }, { orderBy: { name: 'asc' } })).map(info);
      },
    };
    ctx.provide(recordingsService, service);
  },
});
