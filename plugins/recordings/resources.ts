import { configText, defineResource, z } from '../../sdk/index.ts';
import { RecordingAudioSchema, RecordingSchema, type Recording } from './entities.ts';

/** A plain name: the file's name on the servers and the last part of its sound name. */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The one schema of API, CLI and form. The audio and its facts come from an upload only. */
export const RecordingInput = z.strictObject({
  tenantId: z.number().int().positive().optional(),
  name: z.string().regex(NAME, 'lower-case letters, digits, - and _, at most 40'),
  description: configText(255).nullable().optional(),
  // As the core's extensions take it (Asterisk's `language` option).
  language: z.string().regex(/^[a-z]{2}(_[A-Z]{2})?$/, 'a language code such as en or en_US').nullable().optional(),
});

export function recordingResource() {
  return defineResource<Recording>({
    name: 'recordings', singular: 'recording', entity: RecordingSchema, input: RecordingInput, parent: 'tenant',
    search: ['name', 'description'], defaultSort: 'name', unique: [['tenantId', 'name']],
    // The audio goes with its recording; a copy has none (the facts are not input fields, so they are not copied either).
    children: [{ entity: RecordingAudioSchema, column: 'recordingId', label: 'audio', cascade: true }],
    copyDefaults: (r) => ({ name: `${r.name.slice(0, 35)}-copy` }),
  });
}
