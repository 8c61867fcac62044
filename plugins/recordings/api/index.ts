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

/** `acm/t<tenant>/<name>`: where this plugin puts a tenant's uploads, the only prompts under `acm/`. */
const RECORDING = /^acm\/t(\d+)\/([a-z0-9][a-z0-9_-]{0,39})$/;

/**
 * Why a prompt (a sound name another plugin renders: an IVR menu's, a queue's announcement) cannot
 * be played, or null. A prompt under `acm/` is an uploaded recording, which must be this tenant's
 * and have audio: anything else there would play silence, or another tenant's recording. Pass the
 * service as `ctx.find(recordingsService)` answers it (undefined: this plugin does not run).
 */
export async function promptProblem(recordings: RecordingsService | undefined, tenantId: number, prompt: string, em?: EntityManager): Promise<string | null> {
  if (!prompt.startsWith('acm/')) return null;
  const m = RECORDING.exec(prompt);
  if (!m) return 'a prompt under acm/ is an uploaded recording: acm/t<tenant id>/<recording name>';
  if (Number(m[1]) !== tenantId) return `${prompt} is a recording of another tenant`;
  if (!recordings) return 'uploaded recordings need the recordings plugin, which is not running';
  return (await recordings.soundName(tenantId, m[2]!, em)) === prompt ? null : `no recording "${m[2]}" with uploaded audio in this tenant`;
}
