/**
 * System recordings end to end: a tenant's recording, its audio uploaded in the formats people
 * have (a WAV of another rate and channel count, an MP3) and converted by sox to the 8 kHz mono
 * 16-bit WAV Asterisk plays; what sox cannot read, what is too large or too long refused with
 * nothing stored; the commit pushing the file byte for byte to both servers of the cluster; the
 * service other plugins use; a delete; another tenant's user; the CLI (the backup: tests/recordings-backup.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext, startTestKernel, type TestClient, type TestKernel } from '../../../sdk/testing/kernel.ts';
import type { SimulatedAsterisk } from '../../../sdk/testing/sim/index.ts';
import { simulatedServer } from '../../../sdk/testing/sim-server.ts';
import { recordingsService, type RecordingsService } from '../api/index.ts';
import { wavInfo } from '../convert.ts';

const P = '/api/plugins/recordings';
const SOUNDS = '/var/lib/asterisk/sounds';
const MAX_UPLOAD = 400_000;
const work = mkdtempSync(join(tmpdir(), 'acm-recordings-test-'));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A 16-bit PCM WAV written by hand: a 440 Hz tone of `seconds` at `rate` Hz on `channels` channels. */
function toneWav(rate: number, channels: number, seconds: number): Buffer {
  const frames = Math.round(rate * seconds);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 12000);
    for (let c = 0; c < channels; c++) data.writeInt16LE(v, (i * channels + c) * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1'); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1'); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * channels * 2, 28); h.writeUInt16LE(channels * 2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1'); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** What soxi says of a file (Channels, Sample Rate, Precision, Sample Encoding). */
function soxi(data: Buffer): Record<string, string> {
  const f = join(work, `soxi-${sha(data).slice(0, 8)}.wav`);
  writeFileSync(f, data);
  return Object.fromEntries(execFileSync('soxi', [f], { encoding: 'utf8' }).split('\n').map((l) => /^([A-Za-z ]+?)\s*: (.*)$/.exec(l)).filter((m) => m).map((m) => [m![1]!, m![2]!]));
}

let k: TestKernel;
let cluster: Record<string, any>;
const sims: SimulatedAsterisk[] = [];
let mp3: Buffer;

const upload = (id: number, body: Buffer, type = 'audio/wav', client: TestClient = k.admin) =>
  client.fetch(`${P}/recordings/${id}/audio`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
const uploadJson = async (id: number, body: Buffer, type?: string, client?: TestClient) => {
  const res = await upload(id, body, type, client);
  return { status: res.status, body: await res.json() as any };
};
const audioOf = async (id: number, client: TestClient = k.admin) => {
  const res = await client.fetch(`${P}/recordings/${id}/audio`);
  return { status: res.status, type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
};
const commit = async () => {
  const res = await k.admin.json('POST', '/api/commit', { clusterId: cluster.id });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.revisions[0];
};
const stored = async (id: number) => {
  const knex = (k.acm.orm.em as any).getKnex();
  return { row: await knex('recordings_recordings').where({ id }).first(), audio: await knex('recordings_audio').where({ recording_id: id }).select('id') };
};
const service = () => (k.acm.kernel as any).runtimes.get('recordings').container.get(recordingsService.id) as RecordingsService;

beforeAll(async () => {
  const mp3File = join(work, 'tone.mp3');
  execFileSync('sox', ['-n', '-r', '22050', '-c', '2', mp3File, 'synth', '0.8', 'sine', '440']);
  mp3 = readFileSync(mp3File);
  k = await startTestKernel({
    plugins: [{ id: 'recordings', settings: { maxUploadBytes: MAX_UPLOAD, maxSeconds: 3 } }],
    connectServers: true, connection: { keepAliveMs: 0, actionTimeoutMs: 5000, reconnect: { initialMs: 50, maxMs: 200 } },
  });
  const site = await k.admin.create('/api/sites', { name: 'lon' });
  cluster = await k.admin.create('/api/clusters', { siteId: site.id, name: 'lon' });
  for (const i of [0, 1]) {
    const { sim } = await simulatedServer(k, cluster.id, { name: `lon-ast${i + 1}`, start: { systemName: `lon-ast${i + 1}` } });
    sims.push(sim);
  }
}, 60_000);

afterAll(async () => {
  await k?.stop();
  for (const s of sims) await s.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('recordings', () => {
  let welcome: Record<string, any>;

  it('a recording is a resource of the tenant; the facts of its audio are not input', async () => {
    welcome = await k.admin.create(`${P}/recordings`, { name: 'welcome', description: 'Main menu greeting', language: 'en' });
    expect((await k.admin.json('GET', `${P}/recordings/${welcome.id}`)).body)
      .toMatchObject({ tenantId: 1, name: 'welcome', language: 'en', durationMs: null, size: null, sha256: null, uploadedAt: null });
    const bad = await k.admin.json('POST', `${P}/recordings`, { name: 'Bad Name', language: 'english', durationMs: 5 });
    expect(bad.status).toBe(422);
    expect(bad.body.problems.map((p: any) => p.field).sort()).toEqual(['durationMs', 'language', 'name']);
    expect((await k.admin.json('POST', `${P}/recordings`, { name: 'welcome' })).status).toBe(422);
    expect(await service().soundName(1, 'welcome')).toBeNull();
  });

  it('converts a 44.1 kHz stereo WAV to 8 kHz mono 16-bit PCM; the download is the converted file', async () => {
    const res = await uploadJson(welcome.id, toneWav(44100, 2, 0.5));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: welcome.id, name: 'welcome', durationMs: 500, size: 44 + 8000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), uploadedAt: expect.any(String) });
    const got = await audioOf(welcome.id);
    expect([got.status, got.type]).toEqual([200, 'audio/wav']);
    expect(sha(got.data)).toBe(res.body.sha256);
    expect(wavInfo(got.data)).toEqual({ format: 1, channels: 1, rate: 8000, bits: 16, dataBytes: 8000 });
    expect(soxi(got.data)).toMatchObject({ Channels: '1', 'Sample Rate': '8000', Precision: '16-bit', 'Sample Encoding': '16-bit Signed Integer PCM' });
    // The upload waits for the commit, as a change of the recording.
    const waiting = (await k.admin.json('GET', '/api/changes')).body.items.filter((c: any) => c.entity.startsWith('recordings.'));
    expect(waiting.map((c: any) => [c.entity, c.action, c.after?.sha256 ?? null])).toEqual([['recordings.recording', 'create', null], ['recordings.recording', 'update', res.body.sha256]]);
    expect(await service().soundName(1, 'welcome')).toBe('acm/t1/welcome');
  });

  it('converts an MP3 (22.05 kHz stereo)', async () => {
    const menu = await k.admin.create(`${P}/recordings`, { name: 'menu' });
    const res = await uploadJson(menu.id, mp3, 'audio/mpeg');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.durationMs).toBeGreaterThanOrEqual(800);
    expect(res.body.durationMs).toBeLessThan(900);
    expect(soxi((await audioOf(menu.id)).data)).toMatchObject({ Channels: '1', 'Sample Rate': '8000', Precision: '16-bit' });
    expect((await service().list(1)).map((r) => [r.name, r.soundName])).toEqual([['menu', 'acm/t1/menu'], ['welcome', 'acm/t1/welcome']]);
  });

  it('refuses what sox cannot read, a damaged file and too long a recording with 422 on audio, storing nothing', async () => {
    const empty = await k.admin.create(`${P}/recordings`, { name: 'closed' });
    const changes = (await k.admin.json('GET', '/api/changes')).body.items.length;
    const truncated = toneWav(8000, 1, 1).subarray(0, 1000);
    for (const [body, message] of [
      [Buffer.from('Hello, this is not audio at all.\n'), /^not an audio file sox can read \(.+\)$/],
      [truncated, /^not an audio file sox can read \(.*[Pp]remature EOF.*\)$/],
      [toneWav(8000, 1, 0).subarray(0, 44), /^not an audio file sox can read \(/],
      [toneWav(16000, 1, 4), /^longer than 3 s/],
      [Buffer.alloc(0), /^the upload is empty$/],
    ] as const) {
      const res = await uploadJson(empty.id, body, 'application/octet-stream');
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.problems).toEqual([{ field: 'audio', message: expect.stringMatching(message) }]);
      // sox's words, never our temp directory.
      expect(res.body.problems[0].message).not.toContain(tmpdir());
    }
    expect(await stored(empty.id)).toMatchObject({ row: { sha256: null, size: null, duration_ms: null }, audio: [] });
    expect((await audioOf(empty.id)).status).toBe(404);
    expect((await k.admin.json('GET', '/api/changes')).body.items.length).toBe(changes);
  });

  it('refuses an upload over the size limit with 413 and a body that is no audio type with 415', async () => {
    const before = await stored(welcome.id);
    const big = Buffer.concat([toneWav(8000, 1, 1), Buffer.alloc(MAX_UPLOAD)]);
    const res = await uploadJson(welcome.id, big);
    expect([res.status, res.body.detail]).toEqual([413, 'the upload is larger than 0.4 MB']);
    const text = await uploadJson(welcome.id, Buffer.from('hello'), 'text/plain');
    expect(text.status).toBe(415);
    expect(await stored(welcome.id)).toEqual(before);
  });

  it('the commit pushes each recording byte for byte to both servers at <soundsDir>/acm/t<tenant>/<name>.wav', async () => {
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    const wav = (await audioOf(welcome.id)).data;
    for (const sim of sims) {
      expect(readFileSync(join(sim.fsRoot, `${SOUNDS}/acm/t1/welcome.wav`)).equals(wav)).toBe(true);
      expect(existsSync(join(sim.fsRoot, `${SOUNDS}/acm/t1/menu.wav`))).toBe(true);
    }
    const refs = (await k.admin.json('GET', `/api/revisions/${rev.id}/files`)).body.filter((f: any) => f.deploy);
    expect(refs).toHaveLength(4);
    expect(refs.every((f: any) => f.binary && f.reload === 'recordings.sounds')).toBe(true);
    // A recording belongs to the tenant, not to one cluster: its change waits for a commit of all, as a group's does.
    const waiting = async () => (await k.admin.json('GET', '/api/changes')).body.items.filter((c: any) => c.entity === 'recordings.recording');
    expect((await waiting()).length).toBe(5);
    const all = await k.admin.json('POST', '/api/commit', {});
    expect(all.body.revisions.map((r: any) => r.status)).toEqual(['unchanged']);
    expect(await waiting()).toEqual([]);
    expect((await commit()).status).toBe('unchanged');
    // A new upload changes that one file on each server, and the diff says so in sizes and hashes.
    const next = await uploadJson(welcome.id, toneWav(8000, 1, 0.25));
    const again = await commit();
    expect(again.files.sort()).toEqual(refs.filter((f: any) => f.name.endsWith('/welcome.wav')).map((f: any) => f.name).sort());
    const diff = await (await k.admin.fetch(`/api/revisions/${again.id}/diff`)).text();
    expect(diff).toContain(`+binary file, 4044 bytes, sha256 ${next.body.sha256}\n`);
  });

  it('a deleted recording is no longer rendered: the next commit deletes its file from every server', async () => {
    const menu = (await service().list(1)).find((r) => r.name === 'menu')!;
    expect((await k.admin.json('DELETE', `${P}/recordings/${menu.id}`)).status).toBe(204);
    expect((await stored(menu.id)).audio).toEqual([]);
    expect(await service().soundName(1, 'menu')).toBeNull();
    const rev = await commit();
    expect(rev.status).toBe('deployed');
    expect(rev.files.filter((n: string) => n.endsWith('/menu.wav'))).toHaveLength(2);
    const names = (await k.admin.json('GET', `/api/revisions/${rev.id}/files`)).body.map((f: any) => f.name);
    expect(names.filter((n: string) => n.endsWith('/menu.wav'))).toEqual([]);
    expect(names.filter((n: string) => n.endsWith('/welcome.wav'))).toHaveLength(2);
    for (const sim of sims) {
      expect(existsSync(join(sim.fsRoot, `${SOUNDS}/acm/t1/menu.wav`))).toBe(false);
      expect(existsSync(join(sim.fsRoot, `${SOUNDS}/acm/t1/welcome.wav`))).toBe(true);
    }
  });

  it('another tenant\'s user neither reads nor uploads nor downloads; their own recordings go to their own directory', async () => {
    const t2 = await k.admin.create('/api/tenants', { name: 'hosted' });
    await k.admin.create('/api/users', { username: 'other', password: 'other-Password-1', role: 'admin', tenantId: t2.id });
    const other = k.client();
    expect(await other.login('other', 'other-Password-1')).toBe(200);
    expect((await other.json('GET', `${P}/recordings/${welcome.id}`)).status).toBe(404);
    expect((await other.json('GET', `${P}/recordings`)).body.items).toEqual([]);
    expect((await uploadJson(welcome.id, toneWav(8000, 1, 0.1), 'audio/wav', other)).status).toBe(404);
    expect((await audioOf(welcome.id, other)).status).toBe(404);
    const mine = await other.create(`${P}/recordings`, { name: 'welcome' });
    expect(mine.tenantId).toBe(t2.id);
    expect((await uploadJson(mine.id, toneWav(8000, 1, 0.1), 'audio/wav', other)).status).toBe(200);
    expect(await service().soundName(t2.id, 'welcome')).toBe(`acm/t${t2.id}/welcome`);
    expect(await service().soundName(1, 'welcome')).toBe('acm/t1/welcome');
  });

  it('acm recordings upload <id> <file> converts and stores like the route', async () => {
    const file = join(work, 'prompt.wav');
    writeFileSync(file, toneWav(11025, 2, 0.4));
    const out: string[] = [];
    const orig = console.log;
    console.log = (line: string) => out.push(line);
    try {
      const group = new Command('recordings').exitOverride();
      for (const r of k.acm.kernel.cliRegistrars().filter((x) => x.id === 'recordings')) r.register(group, cliContext());
      await group.parseAsync(['upload', String(welcome.id), file, '--json'], { from: 'user' });
    } finally {
      console.log = orig;
    }
    const r = JSON.parse(out.join('\n'));
    expect(r).toMatchObject({ id: welcome.id, durationMs: 400, size: 44 + 6400 });
    expect(sha((await audioOf(welcome.id)).data)).toBe(r.sha256);
  });
});
