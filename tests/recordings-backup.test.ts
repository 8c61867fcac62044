/**
 * A plugin's blob column through a backup (core/backup): the recordings plugin's audio is base64
 * in db/recordings_audio.json and comes back byte for byte in a fresh instance.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, TEST_ADMIN_PASSWORD, type TestKernel } from '../sdk/testing/kernel.ts';
import { createBackup, readArchive } from '../core/backup/archive.ts';
import { restoreBackup } from '../core/backup/restore.ts';

const P = '/api/plugins/recordings';
const SECRET_KEY = randomBytes(32).toString('base64');
let k: TestKernel;

/** 0.2 s of a rising 16-bit ramp, mono 8 kHz: every byte value appears in the samples. */
function wav(): Buffer {
  const data = Buffer.alloc(3200);
  for (let i = 0; i < 1600; i++) data.writeInt16LE(((i * 41) % 65536) - 32768, i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1'); h.writeUInt32LE(36 + data.length, 4); h.write('WAVEfmt ', 8, 'latin1'); h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24); h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34); h.write('data', 36, 'latin1'); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

beforeAll(async () => {
  k = await startTestKernel({ plugins: ['recordings'], secretKeys: SECRET_KEY });
}, 60_000);
afterAll(async () => { await k?.stop(); });

describe('a blob column in a backup', () => {
  it('is base64 in the archive and the same bytes after a restore', async () => {
    const rec = await k.admin.create(`${P}/recordings`, { name: 'welcome' });
    const up = await k.admin.fetch(`${P}/recordings/${rec.id}/audio`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(wav()) });
    expect(up.status).toBe(200);
    const before = Buffer.from(await (await k.admin.fetch(`${P}/recordings/${rec.id}/audio`)).arrayBuffer());
    const archive = (await createBackup(k.acm.orm)).data;
    const [row] = JSON.parse(readArchive(archive).files.get('db/recordings_audio.json')!.toString());
    expect(Buffer.from(row.data, 'base64').equals(before)).toBe(true);
    const fresh = await startTestKernel({ plugins: ['recordings'], secretKeys: SECRET_KEY });
    try {
      await restoreBackup(fresh.acm.orm, archive);
      const client = fresh.client();
      expect(await client.login('admin', TEST_ADMIN_PASSWORD)).toBe(200);
      const res = await client.fetch(`${P}/recordings/${rec.id}/audio`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(before)).toBe(true);
      expect((await client.json('GET', `${P}/recordings/${rec.id}`)).body).toMatchObject({ name: 'welcome', size: before.length, durationMs: 200 });
    } finally {
      await fresh.stop();
    }
  }, 60_000);
});
