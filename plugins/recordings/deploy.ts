import { NotFoundError, type ClusterSnapshotView, type DeployFile, type DeployTargetDeclaration, type EntityManager } from '../../sdk/index.ts';
import { RecordingAudioSchema, RecordingSchema, type Recording } from './entities.ts';
import { NAME } from './resources.ts';

/**
 * The directory of a tenant's recordings under the sounds dir: `acm/t<tenant id>`, as config
 * names other tenants `t<id>-`: a rename of the tenant moves nothing, and no tenant name (free
 * to change, maybe unfit for a path) reaches a path or a dialplan argument.
 */
export const tenantDir = (tenantId: number) => `acm/t${tenantId}`;

/** What Playback/Background take: the path under the sounds dir without `.wav`. */
export function soundNameOf(r: Pick<Recording, 'tenantId' | 'name'>): string {
  // Checked again on the way out: the name becomes a path and a dialplan argument.
  if (!NAME.test(r.name) || !Number.isInteger(r.tenantId)) throw new NotFoundError(`recording ${JSON.stringify(r.name)} has no usable sound name`);
  return `${tenantDir(r.tenantId)}/${r.name}`;
}

/**
 * The tenant's recordings with audio, on every server of the cluster, at
 * `<soundsDir>/acm/t<tenant>/<name>.wav`. Nothing to reload: Playback opens the file when it
 * plays, and the push checked size and hash before it renamed the file into place (`acm verify`
 * hashes it again), so no verify of its own.
 */
export function soundsTarget(em: () => EntityManager, soundsDir: () => string): DeployTargetDeclaration {
  return {
    name: 'sounds',
    // A deleted recording must not stay playable, nor stay on the servers of a tenant that left.
    prune: true,
    async render(s: ClusterSnapshotView): Promise<DeployFile[]> {
      const m = em();
      const rows = await m.find(RecordingSchema, { tenantId: s.tenant.id, sha256: { $ne: null } }, { orderBy: { name: 'asc' } });
      if (!rows.length) return [];
      const audio = new Map((await m.find(RecordingAudioSchema, { recordingId: { $in: rows.map((r) => r.id) } })).map((a) => [a.recordingId, a.data]));
      const files: DeployFile[] = [];
      for (const r of rows) {
        const data = audio.get(r.id);
        if (!data) continue;
        for (const server of s.servers) files.push({ serverId: server.id, path: `${soundsDir()}/${soundNameOf(r)}.wav`, content: data });
      }
      return files;
    },
    reload: async () => {},
  };
}
