import { columns, EntitySchema } from '../../sdk/index.ts';

/**
 * One prompt of a tenant. The facts (`durationMs` … `uploadedAt`) are set by an upload only
 * (no input field names them); null until the first upload.
 */
export interface Recording {
  id: number; tenantId: number;
  name: string; description?: string | null; language?: string | null;
  durationMs?: number | null; size?: number | null; sha256?: string | null; uploadedAt?: Date | null;
  createdAt: Date; updatedAt: Date;
}

export const RecordingSchema = new EntitySchema<Recording>({
  name: 'RecordingsRecording',
  tableName: 'recordings_recordings',
  uniques: [{ properties: ['tenantId', 'name'] }],
  properties: {
    ...columns.id,
    ...columns.tenant,
    name: { type: 'string', length: 40 },
    description: { type: 'string', length: 255, nullable: true },
    language: { type: 'string', length: 16, nullable: true },
    durationMs: { type: 'integer', nullable: true },
    size: { type: 'integer', nullable: true },
    sha256: { type: 'string', length: 64, nullable: true },
    uploadedAt: { type: 'datetime', nullable: true },
    ...columns.stamps,
  },
});

/**
 * The converted audio of a recording (8 kHz mono 16-bit PCM WAV), apart from its row so lists,
 * views and copies never carry the bytes.
 */
export interface RecordingAudio { id: number; recordingId: number; tenantId: number; data: Buffer; createdAt: Date }

export const RecordingAudioSchema = new EntitySchema<RecordingAudio>({
  name: 'RecordingsAudio',
  tableName: 'recordings_audio',
  properties: {
    ...columns.id,
    recordingId: { type: 'integer', unique: true },
    tenantId: { type: 'integer', index: true },
    data: { ...columns.blob },
    createdAt: { type: 'datetime', onCreate: () => new Date() },
  },
});

export const recordingEntities = [RecordingSchema, RecordingAudioSchema];
