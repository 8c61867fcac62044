/**
 * The recordings plugin's public surface: the only file of this plugin other plugins (inbound's
 * IVR menus and announcements, the dialer) and site modules may import.
 */
import { createServiceRef, type EntityManager } from '../../../sdk/index.ts';

/** One recording as other plugins see it (never its bytes). */
export interface RecordingInfo {
  id: number;
  tenantId: number;
  name: string;
  description: string | null;
  language: string | null;
  /** From the last upload; null while none was uploaded. */
  durationMs: number | null;
  /** Bytes of the converted WAV. */
  size: number | null;
  /** SHA-256 of the converted WAV (what each server holds after a commit). */
  sha256: string | null;
  uploadedAt: string | null;
  /** What Playback, Background and Read take (`acm/t<tenant id>/<name>`); null while no audio was uploaded. */
  soundName: string | null;
}

export interface RecordingsService {
  /**
   * The sound name of the tenant's recording `name` (`acm/t<tenantId>/<name>`: letters, digits,
   * `_`, `-` and `/` only, safe in a dialplan argument), or null when the tenant has no such
   * recording or it has no uploaded audio. A commit of any of the tenant's clusters puts the file
   * on its servers. Inside a write's transaction pass its `em`.
   */
  soundName(tenantId: number, name: string, em?: EntityManager): Promise<string | null>;
  /** The recording with that id, or null (no such recording). */
  get(recordingId: number, em?: EntityManager): Promise<RecordingInfo | null>;
  /** The tenant's recordings by name, with or without audio. */
  list(tenantId: number, em?: EntityManager): Promise<RecordingInfo[]>;
}

export const recordingsService = createServiceRef<RecordingsService>('recordings.service');
